"""Autogenerate a migration from the models.

    python tools/new_migration.py "message" REV_ID [--exclude TABLE_PREFIX ...]

REV_ID is the next 4-digit number (migrate.known_revisions() reads ids from file names).
"""

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from fupin_desktop import migrate

args = sys.argv[1:]
excluded = [args[i + 1] for i, a in enumerate(args) if a == "--exclude"]
positional = [a for i, a in enumerate(args) if a != "--exclude" and (i == 0 or args[i - 1] != "--exclude")]
message, rev_id = positional[0], positional[1]
with tempfile.TemporaryDirectory() as tmp:
    engine = create_engine("sqlite:///" + (Path(tmp) / "m.db").as_posix())
    with engine.begin() as conn:  # bring a scratch database to head, then diff the models
        command.upgrade(migrate._config(conn), "head")
    with engine.begin() as conn:
        cfg = migrate._config(conn)
        cfg.attributes["exclude_prefixes"] = excluded
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
    engine.dispose()
