"""Autogenerate a migration from the models: python tools/new_migration.py "message" [rev_id]."""

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from fupin_desktop import migrate

message = sys.argv[1]
rev_id = sys.argv[2] if len(sys.argv) > 2 else None
with tempfile.TemporaryDirectory() as tmp:
    engine = create_engine("sqlite:///" + (Path(tmp) / "m.db").as_posix())
    with engine.begin() as conn:  # bring a scratch database to head, then diff the models
        command.upgrade(migrate._config(conn), "head")
    with engine.begin() as conn:
        command.revision(migrate._config(conn), message=message, autogenerate=True, rev_id=rev_id)
    engine.dispose()
