"""Benchmark: `fupin export members` at county scale (40,000 households ≈ 141,800 members × 69
columns), against XlsxWriter constant_memory writing the same cells in the same run.

Target (issue 11): the export ≤ 1.2 × the floor, memory flat. Each figure is taken in its own
child process, so its peak RSS is its own:

* export — ``services.households.export.export_members(db, out)``: the streamed query, the
  column getters, masking, formats and the file (zip) — everything a clerk waits for;
* floor — the same cells (produced by the exporter's own row pipeline, which is *not* timed)
  written with XlsxWriter's public ``worksheet.write(row, col, value, format)`` in
  constant_memory mode, plus ``workbook.close()``; only the XlsxWriter calls are timed;
* floor-raw (``--raw``) — the same, through the undecorated per-type writers the exporter
  itself calls (``_write_string`` …): the tightest XlsxWriter floor;
* openpyxl (``--openpyxl``) — the same cells through openpyxl's write-only mode (the writer
  before issue 11), timed the same way.

    python bench/bench_export.py [--households 40000] [--repeat 1] [--raw] [--openpyxl]
                                 [--keep DIR]

Wall and CPU seconds are both printed: on a loaded machine the CPU figures are the steadier.

The database is built once with the demo generator (≈ 1-2 min for 40,000 households) and
cached under /tmp/fupin_bench.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

TARGET = 1.2


def _db_path(households: int) -> Path:
    cache = Path(tempfile.gettempdir()) / "fupin_bench"
    cache.mkdir(exist_ok=True)
    return cache / f"export_{households}.db"


def _build(households: int) -> Path:
    path = _db_path(households)
    if path.exists():
        return path
    from fupin_desktop.services.opening import open_database
    from fupin_desktop.models import Base
    from fupin_desktop.services import demo

    tmp = path.with_suffix(".tmp.db")
    tmp.unlink(missing_ok=True)
    db = open_database("sqlite:///" + tmp.as_posix(), migrate=False)
    Base.metadata.create_all(db.engine)
    demo.DEMO_EXTENSION_MODULES = ()  # posts, medical … play no part in this export
    t = time.perf_counter()
    demo.generate_demo(db, households=households, seed=2024)
    print(f"built {households:,} households in {time.perf_counter() - t:.1f} s", flush=True)
    db.dispose()
    tmp.replace(path)
    return path


def _peak_mb() -> float:
    """This process's resident high-water mark: Linux VmHWM, which starts afresh in the child
    (its ru_maxrss would start from the parent's, e.g. the demo build's 880 MB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cells(db):
    """(columns, title, info, rows): the members sheet exactly as the exporter builds it."""
    from fupin_desktop.exporters import households as ex
    from fupin_desktop.services.households import export as svc
    from fupin_desktop.services.settings import output_maskers

    s = db.read().__enter__()
    year = svc.latest_income_year(s)
    masks = ex.Masks(*output_maskers(s, False))
    t = ex._table("members", ex._MEMBERS_SPEC, svc.member_rows(s, year, None, False), masks,
                  ex.Heading("", False, year))
    return t


class _Clock:
    """Wall and CPU seconds summed over the timed stretches only."""

    def __init__(self):
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self._w, self._c = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c

    def result(self, rows: int) -> dict:
        return {"seconds": self.wall, "cpu": self.cpu, "rows": rows}


def _phase_export(db, out: str) -> dict:
    from fupin_desktop.services.households.export import export_members

    clock = _Clock()
    with clock:
        info = export_members(db, out)
    return clock.result(info["rows"])


def _phase_floor(db, out: str, raw: bool = False) -> dict:
    """``raw``: the undecorated per-type writers the exporter calls (_write_string …) instead
    of the public ``write()``, which parses its arguments and dispatches on the type."""
    import datetime as dt

    import xlsxwriter

    from fupin_desktop.formats.table_xlsx import _FORMATS

    t = _cells(db)
    clock = _Clock()
    with clock:
        wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False, "strings_to_numbers": False})
        ws = wb.add_worksheet(t.sheet_name)
        fmts = [wb.add_format({"num_format": _FORMATS[c.kind]})
                if c.kind in ("code", "money", "date", "ratio") else None for c in t.columns]
        bold = wb.add_format({"bold": True})
        ws.write(0, 0, t.title, bold)
        ws.write(1, 0, t.info)
        for j, c in enumerate(t.columns):
            ws.write(2, j, c.title, bold)
    write = ws.write
    if raw:
        by_type = {str: ws._write_string, int: ws._write_number, dt.date: ws._write_datetime}

        def write(r, c, v, f, by_type=by_type, num=ws._write_number):
            by_type.get(v.__class__, num)(r, c, v, f)
    r = 2
    n = 0
    for row in t.rows:  # building the row is the exporter's work, not the floor's
        r += 1
        with clock:
            for c, v in enumerate(row):
                if v is not None and v != "":  # the exporter writes no empty cells either
                    write(r, c, v, fmts[c])
        n += 1
    with clock:
        wb.close()
    return clock.result(n)


def _phase_floor_raw(db, out: str) -> dict:
    return _phase_floor(db, out, raw=True)


def _phase_openpyxl(db, out: str) -> dict:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from fupin_desktop.formats.table_xlsx import _FORMATS

    t = _cells(db)
    clock = _Clock()
    with clock:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(t.sheet_name)
        ws.append([t.title])
        ws.append([t.info])
        ws.append([c.title for c in t.columns])
        fmts = [_FORMATS[c.kind] if c.kind in ("code", "money", "date", "ratio") else None
                for c in t.columns]
    n = 0
    for row in t.rows:
        with clock:
            cells = []
            for v, f in zip(row, fmts):
                if f is None or v is None:
                    cells.append(v)
                else:
                    c = WriteOnlyCell(ws, value=v)
                    c.number_format = f
                    cells.append(c)
            ws.append(cells)
        n += 1
    with clock:
        wb.save(out)
    return clock.result(n)


PHASES = {"export": _phase_export, "floor": _phase_floor, "floor-raw": _phase_floor_raw,
          "openpyxl": _phase_openpyxl}


def _child(phase: str, db_path: str, out: str) -> int:
    from fupin_desktop.services.opening import open_database

    db = open_database("sqlite:///" + db_path, migrate=False)
    res = PHASES[phase](db, out)
    res["peak_mb"] = _peak_mb()
    res["size_mb"] = os.path.getsize(out) / 1e6
    print(json.dumps(res))
    return 0


def _run(phase: str, db_path: Path, work: Path) -> dict:
    out = work / f"{phase}.xlsx"
    p = subprocess.run([sys.executable, __file__, "--child", phase, str(db_path), str(out)],
                       capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=40_000)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each phase (best is kept)")
    ap.add_argument("--openpyxl", action="store_true", help="also time openpyxl write-only")
    ap.add_argument("--raw", action="store_true",
                    help="also time the floor through XlsxWriter's undecorated _write_* calls")
    ap.add_argument("--keep", help="keep the workbooks in this folder")
    ap.add_argument("--child", nargs=3, metavar=("PHASE", "DB", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return _child(*args.child)

    db_path = _build(args.households)
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench_export_"))
    work.mkdir(parents=True, exist_ok=True)
    phases = ["export", "floor"] + (["floor-raw"] if args.raw else []) + (
        ["openpyxl"] if args.openpyxl else [])
    runs: dict[str, list[dict]] = {p: [] for p in phases}
    for _ in range(args.repeat):
        for p in phases:  # interleaved, so that a busy spell hits each phase alike
            runs[p].append(_run(p, db_path, work))
    best = {p: min(rs, key=lambda r: r["seconds"]) for p, rs in runs.items()}
    ex = best["export"]
    ncols = 69
    print(f"members           {ex['rows']:>10,} rows × {ncols} columns "
          f"({args.households:,} households)")
    for p in phases:
        b = best[p]
        times = ", ".join(f"{r['seconds']:.1f}/{r['cpu']:.1f}" for r in runs[p])
        print(f"{p:<17} {b['seconds']:>8.2f} s wall {b['cpu']:8.2f} s CPU   peak RSS "
              f"{b['peak_mb']:5.0f} MB   file {b['size_mb']:5.1f} MB   runs wall/CPU: {times}")
    for p in phases[1:]:
        w, c = ex["seconds"] / best[p]["seconds"], ex["cpu"] / best[p]["cpu"]
        verdict = f"   target ≤ {TARGET} ×: {'PASS' if w <= TARGET else 'FAIL'}" if p == "floor" \
            else ""
        print(f"export / {p:<8} {w:>8.2f} × wall {c:6.2f} × CPU{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
