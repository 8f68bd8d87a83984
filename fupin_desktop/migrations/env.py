"""Alembic environment: always run with a connection handed over by fupin_desktop.migrate."""

from alembic import context

from fupin_desktop.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the program itself runs migrations
    raise RuntimeError("run migrations through fupin_desktop.migrate / `fupin db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
