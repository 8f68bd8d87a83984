"""Keep the Chinese translation of the GUI complete.

    python tools/i18n.py                 # update .ts from the sources, compile .qm, list gaps
    python tools/i18n.py --fill F.tsv    # also fill translations from "source<TAB>译文" lines

GUI code uses ``self.tr("English source")``; resources/translations/fupin_zh_CN.ts holds the
Simplified Chinese text (it is what the clerk sees) and fupin_zh_CN.qm is its compiled form.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "fupin_zh_CN.ts"
QM = TS.with_suffix(".qm")


def sources() -> list[Path]:
    files = sorted((ROOT / "fupin_desktop" / "views").rglob("*.py"))
    return files + [ROOT / "fupin_desktop" / "gui.py"]


def tool(name: str) -> str:
    exe = shutil.which(f"pyside6-{name}") or str(Path(sys.executable).parent / f"pyside6-{name}")
    return exe


def lupdate(ts: Path = TS) -> None:
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool("lupdate"), "-no-obsolete", "-locations", "none",
                    *map(str, sources()), "-ts", str(ts)], check=True, capture_output=True)


def lrelease(ts: Path = TS, qm: Path = QM) -> None:
    subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def entries(ts: Path = TS):
    """(context, source, translation or None) for every message in the .ts file."""
    tree = ET.parse(ts)
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            done = tr is not None and tr.text and tr.get("type") not in ("unfinished", "obsolete", "vanished")
            yield name, msg.findtext("source"), (tr.text if done else None)


def fill(table: dict[str, str], ts: Path = TS) -> int:
    tree = ET.parse(ts)
    n = 0
    for msg in tree.getroot().iter("message"):
        src = msg.findtext("source")
        tr = msg.find("translation")
        # the TSV is the source of truth: a corrected line there replaces the old translation
        if src in table and (tr.get("type") == "unfinished" or tr.text != table[src]):
            tr.text = table[src]
            tr.attrib.pop("type", None)
            n += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return n


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fill", type=Path, help="TSV file: English source<TAB>中文")
    a = ap.parse_args()
    lupdate()
    if a.fill:
        table = {}
        for line in a.fill.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                src, zh = line.split("\t", 1)
                table[src.replace("\\n", "\n")] = zh.replace("\\n", "\n")
        print(f"filled {fill(table)} translations")
    lrelease()
    missing = [(c, s) for c, s, t in entries() if t is None]
    for c, s in missing:
        print(f"MISSING [{c}] {s!r}")
    print(f"{sum(1 for _ in entries())} messages, {len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
