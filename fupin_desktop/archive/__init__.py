"""Year-end archive (归档) core: numbering, boxing, 归档章, PDF/A, BagIt, catalogue, ISO, verify.

Qt-free and database-free on purpose: the services layer turns database rows into the plain
dataclasses of :mod:`fupin_desktop.archive.model` and calls these pure functions, so the rules of
DA/T 22-2015 can be tested without a database and reused by the CLI and the GUI alike.

Heavy libraries (reportlab, pikepdf, pycdlib) are imported inside functions, so importing this
package costs nothing at GUI start-up.
"""

from fupin_desktop.archive.model import (  # noqa: F401
    DEFAULT_CATEGORIES,
    RETENTION_LABELS,
    RETENTION_ORDER,
    ArchiveItem,
    Category,
    Problem,
)
