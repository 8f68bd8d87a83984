"""PyInstaller entry of the command line (fupin): same as the `fupin` console script."""

import sys

from fupin_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
