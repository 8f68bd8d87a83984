"""Benchmark: the year-end archive package for N synthetic 3-page items (default 5,000).

Floors are measured in the same run on the same pages:
  * render floor: bare ReportLab rendering of every item (CJK font embedded), 2 processes
  * hash floor:   sha256 of the rendered bytes
Then: stamp + PDF/A (+ write, box, catalogue, bag) from pre-rendered bytes; the whole build with
rendering in the workers (target ≤ 180 s for 5,000 items); verify (target ≤ 30 s); a resumed
rebuild (everything skipped); optionally an ISO image.

    /work/venv/bin/python bench/bench_archive_core.py [--n 5000] [--iso] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fupin_desktop.archive.demo import demo_items, render_demo_pdf  # noqa: E402
from fupin_desktop.archive.model import ArchiveSettings  # noqa: E402
from fupin_desktop.archive.package import PackageItem, build_package  # noqa: E402
from fupin_desktop.archive.verify import verify_package  # noqa: E402

WORKERS = 2


def cpu_now() -> float:
    """CPU seconds of this process plus its finished children (the worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _render_chunk(titles: list[str]) -> list[bytes]:
    return [render_demo_pdf(t, 3) for t in titles]


def render_floor(titles: list[str]) -> tuple[list[bytes], float]:
    chunks = [titles[i:i + 25] for i in range(0, len(titles), 25)]
    t = time.perf_counter()
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as ex:
        out = [b for chunk in ex.map(_render_chunk, chunks) for b in chunk]
    return out, time.perf_counter() - t


def cpu_per_item(sample, n: int) -> None:
    """CPU time per item of each stage in this process: load-independent, for an idle estimate."""
    from fupin_desktop.archive.itemfile import make_item_pdf
    from fupin_desktop.archive.pdfa import PdfaMeta, inspect_pdf
    from fupin_desktop.archive.stamp import StampFields

    render_demo_pdf("预热", 1)
    make_item_pdf(render_demo_pdf("预热", 1), StampFields("Z012", 2025, 1, "识别类", "Y"),
                  PdfaMeta("预热", dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc)))
    c = time.process_time
    t = c()
    docs = [render_demo_pdf(it.title, 3) for it, _ in sample]
    render = (c() - t) / len(sample)
    meta = PdfaMeta("题名", dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc), identifier="X")
    t = c()
    outs = [make_item_pdf(d, StampFields("Z012", 2025, i + 1, "识别类", "Y"), meta)[0] for i, d in enumerate(docs)]
    stamp = (c() - t) / len(sample)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, b in enumerate(outs):
            paths.append(Path(tmp) / f"{i}.pdf")
            paths[-1].write_bytes(b)
        t = c()
        for p in paths:
            hashlib.sha256(p.read_bytes()).digest()
            inspect_pdf(p)
        check = (c() - t) / len(sample)
    print(f"CPU per item (1 process, sample of {len(sample)}): render {render * 1000:.1f} ms, "
          f"stamp+PDF/A {stamp * 1000:.1f} ms, verify (hash+open+checks) {check * 1000:.1f} ms; "
          f"{sum(map(len, outs)) / len(outs) / 1024:.0f} KiB per item")
    print(f"  idle 2-core estimate for {n}: build ≈ {n * (render + stamp) / WORKERS:.0f} s, "
          f"verify ≈ {n * check:.0f} s (1 process)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--iso", action="store_true", help="also time an ISO 9660/Joliet image")
    ap.add_argument("--keep", type=Path, help="build here and keep the packages")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench_archive_"))
    base.mkdir(parents=True, exist_ok=True)
    settings = ArchiveSettings("Z012", "示例镇人民政府", workers=WORKERS, bagging_date=dt.date(2026, 1, 10))
    pairs = demo_items(args.n, categories=("SB", "TP", "SC", "ZH", "PK"), retentions=("Y", "D30", "D10"))
    titles = [it.title for it, _ in pairs]
    print(f"items: {args.n} × 3 pages, {WORKERS} worker processes, dir {base}")

    print(f"load average at start: {os.getloadavg()[0]:.1f} (other work on this 2-core machine skews wall times;"
          " the CPU-time line below does not depend on it much)")
    cpu_per_item(pairs[:min(100, args.n)], args.n)

    c = cpu_now()
    rendered, t_render = render_floor(titles)
    cpu_render = cpu_now() - c
    size = sum(map(len, rendered))
    print(f"FLOOR render, {WORKERS} processes: {t_render:.1f} s wall, {cpu_render:.1f} s CPU "
          f"({args.n / t_render:.0f} items/s), {size / 2**20:.0f} MiB")
    t = time.perf_counter()
    for b in rendered:
        hashlib.sha256(b).digest()
    t_hash = time.perf_counter() - t
    print(f"FLOOR sha256 of those bytes: {t_hash:.2f} s ({size / 2**30 / t_hash:.2f} GiB/s)")

    core_dir = base / "core"
    items = [PackageItem(it, b) for (it, _), b in zip(pairs, rendered)]
    del rendered
    t, c = time.perf_counter(), cpu_now()
    core = build_package(items, settings, core_dir, built_on=dt.date(2026, 1, 10))
    t_core, cpu_core = time.perf_counter() - t, cpu_now() - c
    s = core.seconds
    print(f"stamp + PDF/A + write (pre-rendered): {s['items']:.1f} s; boxes+catalogue {s['catalogue']:.2f} s; "
          f"bag {s['bag']:.2f} s; total {t_core:.1f} s wall, {cpu_core:.1f} s CPU; {len(core.boxes)} boxes")
    del items

    full_dir = base / "full"
    items = [PackageItem(it, src, fingerprint="bench-v1") for it, src in pairs]
    t, c = time.perf_counter(), cpu_now()
    full = build_package(items, settings, full_dir, built_on=dt.date(2026, 1, 10))
    t_full, cpu_full = time.perf_counter() - t, cpu_now() - c
    print(f"WHOLE BUILD with rendering: {t_full:.1f} s wall (target ≤ 180 s), {cpu_full:.1f} s CPU "
          f"→ ≈ {cpu_full / WORKERS:.0f} s on 2 idle cores [items {full.seconds['items']:.1f} s, "
          f"bag {full.seconds['bag']:.2f} s]")

    same = (core_dir / "manifest-sha256.txt").read_bytes() == (full_dir / "manifest-sha256.txt").read_bytes()
    print(f"reproducible (both builds' manifests identical): {'yes' if same else 'NO'}")

    c = cpu_now()
    report = verify_package(full_dir)
    print(f"VERIFY: {report.seconds:.1f} s wall (target ≤ 30 s), {cpu_now() - c:.1f} s CPU, {report.items} items, "
          f"{'ok' if report.ok else f'{len(report.problems)} problems: ' + report.problems[0].message_cn}")

    t = time.perf_counter()
    again = build_package(items, settings, full_dir, built_on=dt.date(2026, 1, 10))
    print(f"resumed rebuild: {time.perf_counter() - t:.1f} s, skipped {again.skipped}, rendered {again.rendered}")

    if args.iso:
        from fupin_desktop.archive.iso import build_iso

        t = time.perf_counter()
        r = build_iso(full_dir, base / "full.iso", volume_id="Z012_2025")
        print(f"ISO 9660/Joliet image: {time.perf_counter() - t:.1f} s, {r.bytes / 2**20:.0f} MiB in {r.files} files")

    print("ratios (wall): stamp+PDF/A ÷ render floor = "
          f"{s['items'] / t_render:.2f}; whole build ÷ render floor = {t_full / t_render:.2f}; "
          f"bag ÷ hash floor = {s['bag'] / t_hash:.1f}; verify ÷ hash floor = {report.seconds / t_hash:.1f}")
    print(f"ratios (CPU): stamp+PDF/A build ÷ render floor = {cpu_core / cpu_render:.2f}; "
          f"whole build ÷ render floor = {cpu_full / cpu_render:.2f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
        for p in base.parent.glob(f".{base.name}*"):
            p.unlink()


if __name__ == "__main__":
    main()
