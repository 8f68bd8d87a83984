import sys

from .gui import main

sys.exit(main())
