"""打印预览: time from opening the dialog to the first page shown, for a 100-page ledger-like PDF
with the bundled CJK font, against a floor (pypdfium2 opening the file and rendering page 1 at the
same scale, bare) measured in the same run. Target: first page within 1 s.

    python bench/bench_preview.py [--pages 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    from fupin_desktop.formats.fonts import register_fonts

    font = register_fonts()
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    for p in range(pages):
        c.setFont(font, 9)
        for row in range(40):  # a ledger page: 40 rows of mixed Chinese text and numbers
            c.drawString(30, 560 - row * 13, f"{p * 40 + row + 1:>5}  龙潭村  5227271001{row:06d}  "
                                             f"张三  脱贫户  正常  工资性收入 12,345.67  人均 8,901.23")
        c.showPage()
    c.save()


def floor_once(path: Path, scale: float) -> float:
    import pypdfium2 as pdfium

    t = time.perf_counter()
    doc = pdfium.PdfDocument(str(path))
    doc[0].render(scale=scale).to_pil()
    doc.close()
    return time.perf_counter() - t


def preview_once(app, path: Path) -> tuple[float, float]:
    from fupin_desktop.views.common.print_preview import PrintPreviewDialog

    t = time.perf_counter()
    dlg = PrintPreviewDialog(str(path), "台账")
    dlg.show()
    while not dlg.is_shown(0):
        app.processEvents()
        time.sleep(0.002)
    elapsed = time.perf_counter() - t
    scale = dlg._scale()
    dlg.done(0)
    dlg.deleteLater()
    app.processEvents()
    return elapsed, scale


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    from fupin_desktop.views.app import create_app

    app = create_app(sys.argv[:1])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "ledger.pdf"
        make_pdf(path, a.pages)
        shown, floors = [], []
        for _ in range(a.runs):
            s, scale = preview_once(app, path)
            shown.append(s)
            floors.append(floor_once(path, scale))
    first, floor = statistics.median(shown), statistics.median(floors)
    print(f"pages {a.pages}: first page shown {first:.3f} s (median of {a.runs}); "
          f"floor (bare pypdfium2 open + render page 1) {floor:.3f} s; ratio {first / floor:.1f}x; "
          f"target <= 1 s: {'met' if first <= 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
