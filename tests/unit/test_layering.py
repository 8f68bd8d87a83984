"""DESIGN.md §1: one direction of data flow, as import-linter contracts in pyproject.toml.

grimp reads every import, those inside functions too. A contract the code does not keep yet is
in OPEN (expected to fail, strictly: once it holds, take it out of OPEN)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "fupin_desktop"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {c["id"]: c for c in CONFIG["contracts"]}
# contracts the code does not keep yet (issue 11): none left; a new one starts here if it must
OPEN: set[str] = set()


@pytest.fixture(scope="module")
def report():
    from importlinter import configuration
    from importlinter.application import use_cases
    from importlinter.application.use_cases import create_report, read_user_options

    configuration.configure()
    use_cases._register_built_in_contract_types()  # lint_imports does this before create_report
    return create_report(read_user_options(str(ROOT / "pyproject.toml")), cache_dir=None)


def _result(report, contract_id):
    for contract, check in report.get_contracts_and_checks():
        if contract.name == CONTRACTS[contract_id]["name"]:
            return check
    raise AssertionError(f"contract {contract_id} was not checked")


@pytest.mark.parametrize("contract_id", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="issue 11: not kept yet"))
    if c in OPEN else c for c in CONTRACTS])
def test_contract_is_kept(report, contract_id):
    check = _result(report, contract_id)
    assert check.kept, check.metadata


def test_no_qt_contract_covers_every_module_outside_views():
    """The no-qt contract lists its sources by name: a new top-level module must be added."""
    sources = set(CONTRACTS["no-qt"]["source_modules"])
    allowed = {"views", "gui", "__main__", "__init__", "migrations"}
    top = {p.stem for p in PKG.iterdir()
           if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.stem not in allowed}
    assert {f"fupin_desktop.{t}" for t in top} == sources


def test_forbidden_import_is_seen_inside_a_function(tmp_path):
    """grimp counts an import placed inside a function (308 of them in this code)."""
    import grimp

    pkg = tmp_path / "pkg"
    (pkg / "low").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "low" / "__init__.py").write_text("def f():\n    from pkg import high\n")
    (pkg / "high.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    try:
        graph = grimp.build_graph("pkg", cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
    assert graph.direct_import_exists(importer="pkg.low", imported="pkg.high")


def test_cli_and_services_load_without_qt():
    code = (
        "import sys, importlib, pkgutil, fupin_desktop, fupin_desktop.cli, fupin_desktop.services\n"
        "import fupin_desktop.cli as c; c.build_parser()\n"
        "for m in pkgutil.walk_packages(fupin_desktop.__path__, 'fupin_desktop.'):\n"
        "    if '.views' in m.name or m.name.endswith(('.gui', '.__main__')) or '.migrations' in m.name:\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "print(any(k.startswith('PySide6') for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_only_cycles_left_run_through_reports_or_exporters_querying():
    """Until reports/ and exporters/ keep "outputs", the cycles services <-> reports / exporters
    remain; every other package, at every depth (domain/checks too), has no cycle."""
    import grimp

    outputs = CONTRACTS["outputs"]
    graph = grimp.build_graph("fupin_desktop", cache_dir=None)
    for importer in [m for m in graph.modules if m.startswith(tuple(outputs["source_modules"]))]:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported.startswith(tuple(outputs["forbidden_modules"])):
                graph.remove_import(importer=importer, imported=imported)
    for entry in CONTRACTS["acyclic"].get("ignore_imports", []):
        importer, imported = (s.strip() for s in entry.split("->"))
        graph.remove_import(importer=importer, imported=imported)
    packages = sorted(m for m in graph.modules if len(graph.find_children(m)) >= 2)
    assert "fupin_desktop.domain.checks" in packages
    cycles = {p: graph.nominate_cycle_breakers(p) for p in packages}
    assert {p: c for p, c in cycles.items() if c} == {}
