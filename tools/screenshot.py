"""Grab the main window (or one tab) to a PNG, offscreen: python tools/screenshot.py OUT.png [--db URL] [--tab N|NAME]."""

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
    a = ap.parse_args()
    from PySide6.QtCore import QTimer

    from fupin_desktop.database import open_database
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.context import AppContext
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

    QTimer.singleShot(800, grab)
    app.exec()
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
