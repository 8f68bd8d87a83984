"""Bulk statements for importers: fast inserts and version-checked updates in one transaction.

ORM ``add_all`` costs about 7× a bulk INSERT at 150,000 rows; these helpers keep the speed
without giving up what the ORM guarantees elsewhere: the same stored values, and optimistic
locking (a record a clerk saved meanwhile is not silently overwritten).
"""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy import Boolean, and_, bindparam, insert, update


def bulk_insert(session, table, rows: list[dict]) -> None:
    """INSERT ``rows`` (dicts with the same keys) into ``table`` inside ``session``'s
    transaction. No audit rows: callers record what they inserted (audit_events.record_bulk)."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        _sqlite_executemany(conn, table, rows)
    elif conn.dialect.driver == "psycopg":
        _pg_copy(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def bulk_update_versioned(session, table, updates, now) -> bool:
    """Apply ``updates`` = [(row read earlier with .id/.version, {column: (old, new)})].

    Rows are grouped by the set of columns they change (one executemany per group); each
    UPDATE matches ``version = the version read`` and bumps it, setting ``updated_at = now``.
    Returns False when some row had changed since it was read (the caller rolls back).
    """
    groups: dict[tuple, list] = {}
    for ex, ch in updates:
        groups.setdefault(tuple(sorted(ch)), []).append((ex, ch))
    conn = session.connection()
    sane = conn.dialect.supports_sane_multi_rowcount
    for cols, items in groups.items():
        stmt = (update(table).where(and_(table.c.id == bindparam("b_id"),
                                         table.c.version == bindparam("b_version")))
                .values({**{c: bindparam(f"v_{c}") for c in cols},
                         "version": bindparam("b_next"), "updated_at": bindparam("b_now")}))
        params = [{"b_id": ex.id, "b_version": ex.version, "b_next": ex.version + 1,
                   "b_now": now, **{f"v_{c}": ch[c][1] for c in cols}} for ex, ch in items]
        result = conn.execute(stmt, params)
        if sane and result.rowcount != len(params):
            return False
    return True


def _sqlite_executemany(conn, table, rows: list[dict]) -> None:
    """INSERT through the driver's executemany with the column types' own bind processors.

    Same stored values as ``conn.execute(insert(table), rows)``, without SQLAlchemy building a
    parameter dict per row (half the time of a 150,000-row import). Booleans need no
    processing: sqlite3 stores True/False as 1/0 itself.
    """
    keys = list(rows[0])
    dialect = conn.dialect
    prep = dialect.identifier_preparer
    procs = []
    for i, k in enumerate(keys):
        t = table.c[k].type
        if not isinstance(t, Boolean):
            p = t.dialect_impl(dialect).bind_processor(dialect)
            if p is not None:
                procs.append((i, p))
    sql = (f"INSERT INTO {prep.format_table(table)} "
           f"({', '.join(prep.quote(k) for k in keys)}) VALUES ({', '.join('?' * len(keys))})")
    get = itemgetter(*keys)
    data = []
    last: dict[int, tuple] = {}  # created_at/updated_at: one value for every row
    for r in rows:
        t = list(get(r))
        for i, p in procs:
            v = t[i]
            if v is not None:
                memo = last.get(i)
                if memo is not None and memo[0] is v:
                    t[i] = memo[1]
                else:
                    t[i] = p(v)
                    last[i] = (v, t[i])
        data.append(tuple(t))
    conn.exec_driver_sql(sql, data)


def _pg_copy(conn, table, rows: list[dict]) -> None:
    """COPY … FROM STDIN through psycopg 3, which adapts date, Decimal, bool and datetime itself
    (the types SQLAlchemy passes to it unchanged on PostgreSQL); several times faster than a
    batched INSERT for 150,000 rows, in the same transaction."""
    keys = list(rows[0])
    prep = conn.dialect.identifier_preparer
    sql = (f"COPY {prep.format_table(table)} ({', '.join(prep.quote(k) for k in keys)}) "
           "FROM STDIN")
    get = itemgetter(*keys)
    cur = conn.connection.driver_connection.cursor()
    try:
        with cur.copy(sql) as copy:
            for r in rows:
                copy.write_row(get(r))
    finally:
        cur.close()
