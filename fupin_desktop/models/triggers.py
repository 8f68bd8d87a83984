"""Database triggers that keep closed periods read-only even for SQL outside the program.

Once a month is closed (a ``post_month_closures`` row names its run), the run, its slips and
their lines can be neither updated nor deleted, and the closure itself cannot be altered or
removed. Changes go through explicit corrections (更正) in a later open month. Created with the
tables (``create_all``) and by migration 0009.

Once an archive year is closed (``archive_years.closed``), the records it covers (visits,
measures, medical settlements dated in it, the households' income of it) can be neither
inserted, updated nor deleted, except inside a transaction that makes a 更正: it holds a
``period_corrections`` row (services/closures.py), invisible to every other connection.
Created with the tables and by migration 0011.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .base import Base

MESSAGE = "closed wage month is read-only (已关账月份的工资记录不能修改)"
YEAR_MESSAGE = "closed archive year is read-only (已关闭年度的档案记录不能修改，请以更正提交)"

# covered table -> the column dating a row (a date, or the year itself)
_YEAR_TABLES = {"visits": "date", "measures": "date", "medical_settlements": "settlement_date",
                "household_incomes": "year"}


def _year_expr(dialect: str, row: str, col: str) -> str:
    if col == "year":
        return f"{row}.year"
    if dialect == "sqlite":  # dates are stored as 'YYYY-MM-DD' text
        return f"CAST(substr({row}.{col}, 1, 4) AS INTEGER)"
    return f"CAST(EXTRACT(YEAR FROM {row}.{col}) AS INTEGER)"


def _year_closed(dialect: str, row: str, col: str) -> str:
    true = "1" if dialect == "sqlite" else "TRUE"
    return (f"EXISTS (SELECT 1 FROM archive_years y WHERE y.closed = {true} "
            f"AND y.year = {_year_expr(dialect, row, col)})")


_NO_CORRECTION = "NOT EXISTS (SELECT 1 FROM period_corrections)"


def sqlite_year_statements() -> list[str]:
    out = []
    for table, col in _YEAR_TABLES.items():
        for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            closed = " OR ".join(_year_closed("sqlite", r, col) for r in rows)
            out.append(f"CREATE TRIGGER IF NOT EXISTS trg_{table}_year_{op.lower()} BEFORE {op} "
                       f"ON {table} FOR EACH ROW WHEN ({closed}) AND {_NO_CORRECTION} "
                       f"BEGIN SELECT RAISE(ABORT, '{YEAR_MESSAGE}'); END")
    return out


def postgresql_year_statements() -> list[str]:
    out = []
    for table, col in _YEAR_TABLES.items():
        fn = f"fupin_{table}_year_closed"
        new, old = _year_closed("postgresql", "NEW", col), _year_closed("postgresql", "OLD", col)
        out.append(f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('fupin.maintenance', true), '') <> 'on' AND {_NO_CORRECTION} AND (
      (TG_OP <> 'DELETE' AND {new}) OR (TG_OP <> 'INSERT' AND {old})) THEN
    RAISE EXCEPTION '{YEAR_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""")
        out.append(f"DROP TRIGGER IF EXISTS trg_{table}_year_closed ON {table}")
        out.append(f"CREATE TRIGGER trg_{table}_year_closed BEFORE INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}()")
    return out


def drop_year_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS trg_{t}_year_{op}" for t in _YEAR_TABLES
                for op in ("insert", "update", "delete")]
    return [s for t in _YEAR_TABLES for s in (f"DROP TRIGGER IF EXISTS trg_{t}_year_closed ON {t}",
                                              f"DROP FUNCTION IF EXISTS fupin_{t}_year_closed()")]


def year_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return sqlite_year_statements()
    if dialect == "postgresql":
        return postgresql_year_statements()
    return []

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


def drop_month_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS trg_{t}_closed_{op}" for t in _CLOSED for op in ("update", "delete")]
    return [s for t in _CLOSED for s in (f"DROP TRIGGER IF EXISTS trg_{t}_closed ON {t}",
                                         f"DROP FUNCTION IF EXISTS fupin_{t}_closed()")]


def month_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return sqlite_statements()
    if dialect == "postgresql":
        return postgresql_statements()
    return []


def statements(dialect: str) -> list[str]:
    """Every trigger (closed months and closed archive years)."""
    return month_statements(dialect) + year_statements(dialect)


def drop_statements(dialect: str) -> list[str]:
    """Drop every trigger (tests and maintenance that must get past them)."""
    return drop_month_statements(dialect) + drop_year_statements(dialect)


def _after_create(target, connection, **kw) -> None:
    names = set(target.tables)
    if not set(_CLOSED) | set(_YEAR_TABLES) | {"archive_years", "period_corrections"} <= names:
        return
    for sql in statements(connection.dialect.name):
        connection.execute(DDL(sql.replace("%", "%%")))


event.listen(Base.metadata, "after_create", _after_create)
