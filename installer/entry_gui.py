"""PyInstaller entry of the window (fupin-desktop): same as the `fupin-desktop` gui-script."""

import sys

from fupin_desktop.gui import main

if __name__ == "__main__":
    sys.exit(main())
