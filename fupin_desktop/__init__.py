"""fupin_desktop: ledgers (台账) for a township's poverty-alleviation office."""

__version__ = "0.1.0"
APP_NAME = "fupin_desktop"
APP_TITLE = "乡村振兴台账管理系统"
