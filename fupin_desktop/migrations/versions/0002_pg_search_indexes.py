"""PostgreSQL: trigram indexes for the registry's substring search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

The registry searches 姓名 / 证件号码 / 户编号 / 电话 anywhere in the text (LIKE '%…%'); B-tree
indexes cannot help there, pg_trgm GIN indexes can (county scale: ≈150 ms → ≈30 ms). SQLite has
no such index; nothing happens there. Without the privilege to create the extension the
migration leaves the schema as it is: searching still works, only slower.
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TRIGRAM_COLUMNS = (
    ("members", "name"), ("members", "id_number"), ("members", "phone"),
    ("households", "code"), ("households", "phone"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():  # a savepoint: a refusal must not abort the whole upgrade
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for table, column in TRIGRAM_COLUMNS:
                bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_trgm_{table}_{column} "
                                     f"ON {table} USING gin ({column} gin_trgm_ops)")
    except Exception:  # no privilege on a managed server, or the extension lives elsewhere
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in TRIGRAM_COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_trgm_{table}_{column}")
