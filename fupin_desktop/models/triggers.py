"""Database triggers that keep a closed wage month read-only even for SQL outside the program.

Once a month is closed (a ``post_month_closures`` row names its run), the run, its slips and
their lines can be neither updated nor deleted, and the closure itself cannot be altered or
removed. Changes go through explicit corrections (更正) in a later open month. Created with the
tables (``create_all``) and by migration 0010.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .base import Base

MESSAGE = "closed wage month is read-only (已关账月份的工资记录不能修改)"

# (trigger name, table, condition naming the closed run of OLD)
_CLOSED = {
    "post_wage_lines": "EXISTS (SELECT 1 FROM post_wage_slips s JOIN post_month_closures c "
                       "ON c.run_id = s.run_id WHERE s.id = OLD.slip_id)",
    "post_wage_slips": "EXISTS (SELECT 1 FROM post_month_closures c WHERE c.run_id = OLD.run_id)",
    "post_wage_runs": "EXISTS (SELECT 1 FROM post_month_closures c WHERE c.run_id = OLD.id)",
    "post_month_closures": "1 = 1",
}


def sqlite_statements() -> list[str]:
    out = []
    for table, cond in _CLOSED.items():
        for op in ("UPDATE", "DELETE"):
            name = f"trg_{table}_closed_{op.lower()}"
            out.append(f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table} "
                       f"FOR EACH ROW WHEN {cond} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    return out


def postgresql_statements() -> list[str]:
    out = []
    for table, cond in _CLOSED.items():
        fn = f"fupin_{table}_closed"
        out.append(f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
BEGIN
  IF {cond} AND coalesce(current_setting('fupin.maintenance', true), '') <> 'on' THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql""")
        out.append(f"DROP TRIGGER IF EXISTS trg_{table}_closed ON {table}")
        out.append(f"CREATE TRIGGER trg_{table}_closed BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {fn}()")
    return out


# Restoring a backup over PostgreSQL replaces every row: it sets this for its own transaction
# only (SQLite restores pages with the backup API, where no trigger fires).
PG_MAINTENANCE = "SET LOCAL fupin.maintenance = 'on'"


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS trg_{t}_closed_{op}" for t in _CLOSED for op in ("update", "delete")]
    return [s for t in _CLOSED for s in (f"DROP TRIGGER IF EXISTS trg_{t}_closed ON {t}",
                                         f"DROP FUNCTION IF EXISTS fupin_{t}_closed()")]


def statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return sqlite_statements()
    if dialect == "postgresql":
        return postgresql_statements()
    return []


def _after_create(target, connection, **kw) -> None:
    names = set(target.tables)
    if not set(_CLOSED) <= names:
        return
    for sql in statements(connection.dialect.name):
        connection.execute(DDL(sql.replace("%", "%%")))


event.listen(Base.metadata, "after_create", _after_create)
