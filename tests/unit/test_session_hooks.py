"""Every new session factory gets the audit, closed-period and derived-income hooks, even when it
reuses the memory address of a freed one (SQLAlchemy's event.contains keyed them by address, so a
recycled address once left a database without its audit trail)."""

from __future__ import annotations

import gc

from sqlalchemy.orm import sessionmaker

from fupin_desktop import audit_events, database
from fupin_desktop.services import closures


def _listeners(factory, name):
    return list(getattr(factory().dispatch, name))


def test_each_new_factory_is_hooked_even_at_a_recycled_address():
    seen = set()
    recycled = 0
    for i in range(300):
        factory = sessionmaker()
        recycled += id(factory) in seen
        seen.add(id(factory))
        for install in (audit_events.install, closures.install, database.install_derived):
            install(factory)
            install(factory)  # twice: still one listener
        assert _listeners(factory, "after_flush").count(audit_events._after_flush) == 1
        assert _listeners(factory, "before_flush").count(database._income_before_flush) == 1
        assert _listeners(factory, "before_flush").count(closures._before_flush) == 1
        assert _listeners(factory, "after_commit").count(closures._clear) == 1
        del factory
        if i % 10 == 0:
            gc.collect()
    assert recycled > 0  # the situation the bug needed did occur
