"""Grab the main window (or one tab) to a PNG, offscreen: python tools/screenshot.py OUT.png [--db URL] [--tab N|NAME].

``--each-tab`` treats OUT as a folder and grabs every tab and sub-page in turn (NN-tab[-page].png);
it exits 1 if any of them raised, so CI can run it on a real X display as a smoke test."""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--db")
    ap.add_argument("--tab", default="0", help="tab index, or its class/object name (HouseholdsTab, overview_tab)")
    ap.add_argument("--size", default="1400x860")
    ap.add_argument("--each-tab", action="store_true", help="OUT is a folder: grab every tab and page")
    a = ap.parse_args()
    from PySide6.QtCore import QTimer

    from fupin_desktop.services.opening import open_database
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.main_window import MainWindow

    app = create_app(sys.argv[:1])
    ctx = AppContext(open_database(a.db))
    w = MainWindow(ctx)
    width, height = map(int, a.size.split("x"))
    w.resize(width, height)
    if w.tabs.count():
        if a.tab.isdigit():
            w.tabs.setCurrentIndex(int(a.tab))
        elif w.show_tab(a.tab) is None:
            ap.error(f"no tab named {a.tab}")
    w.show()

    def grab():
        w.grab().save(a.out)
        app.quit()

    if a.each_tab:
        return _each_tab(app, w, a.out)
    QTimer.singleShot(800, grab)
    app.exec()
    print(a.out)
    return 0


def _each_tab(app, w, out: str) -> int:
    """Show every tab and sub-page for a moment, grab it, and count what raised meanwhile."""
    import time
    from pathlib import Path

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    hook = sys.excepthook
    sys.excepthook = lambda t, e, tb: (errors.append(f"{t.__name__}: {e}"), hook(t, e, tb))

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    settle(1.5)
    shots = 0
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        tab = w.tabs.widget(i)
        pages = getattr(tab, "pages", None)
        for j in range(pages.count() if pages is not None else 1):
            if pages is not None:
                pages.setCurrentIndex(j)
            settle(1.0)  # let the page's background list load
            name = tab.objectName() + (f"-{j}" if pages is not None else "")
            path = folder / f"{shots:02d}-{name}.png"
            if not w.grab().save(str(path)):
                errors.append(f"could not save {path}")
            shots += 1
            print(path)
    w.close()
    settle(0.5)
    for e in errors:
        print("error:", e, file=sys.stderr)
    return 1 if errors or shots == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
