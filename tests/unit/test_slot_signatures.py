"""clicked(bool) / triggered(bool) hand their `checked` flag to a slot's first optional
parameter (the 档案 tab once got ``False`` as a path): such slots must be wrapped in a lambda."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "fupin_desktop" / "views"
CHECKED_SIGNALS = {"clicked", "triggered", "toggled"}


def _methods(classes, name, seen=None):
    seen = seen or set()
    node = classes.get(name)
    if node is None or name in seen:
        return {}
    seen.add(name)
    out = {}
    for base in node.bases:
        if isinstance(base, ast.Name):
            out.update(_methods(classes, base.id, seen))
    out.update({fn.name: fn for fn in node.body if isinstance(fn, ast.FunctionDef)})
    return out


def _takes_optional_positional(fn: ast.FunctionDef) -> bool:
    params = (fn.args.posonlyargs + fn.args.args)[1:]
    return bool(params) and bool(fn.args.defaults)


def test_no_checked_flag_reaches_an_optional_parameter():
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in VIEWS.glob("*.py")}
    classes = {n.name: n for t in trees.values() for n in ast.walk(t) if isinstance(n, ast.ClassDef)}
    bad = []
    for path, tree in trees.items():
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            methods = _methods(classes, cls.name)
            for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
                f = call.func
                if not (isinstance(f, ast.Attribute) and f.attr == "connect" and call.args
                        and isinstance(f.value, ast.Attribute) and f.value.attr in CHECKED_SIGNALS):
                    continue
                target = call.args[0]
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == "self" and target.attr in methods
                        and _takes_optional_positional(methods[target.attr])):
                    bad.append(f"{path.name}:{call.lineno} self.{target.attr}")
    assert not bad, "wrap these in `lambda _checked=False: self.x()`: " + ", ".join(bad)
