"""Alembic environment: always run with a connection handed over by fupin_desktop.migrate."""

from alembic import context

from fupin_desktop.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the program itself runs migrations
    raise RuntimeError("run migrations through fupin_desktop.migrate / `fupin db upgrade`")

# tools/new_migration.py --exclude PREFIX leaves tables still being designed out of a revision
_excluded = tuple(config.attributes.get("exclude_prefixes", ()))


def _include(obj, name, type_, reflected, compare_to):
    table = obj.name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (_excluded and (table or "").startswith(_excluded))


context.configure(
    include_object=_include,
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
