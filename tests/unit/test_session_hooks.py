"""Every new session factory gets the audit, closed-period and derived-income hooks, even when it
reuses the memory address of a freed one (SQLAlchemy's event.contains keyed them by address, so a
recycled address once left a database without its audit trail)."""

from __future__ import annotations

import gc

from sqlalchemy.orm import sessionmaker

from fupin_desktop import audit_events
from fupin_desktop.services import closures, income


def _listeners(factory, name):
    return list(getattr(factory().dispatch, name))


def test_each_new_factory_is_hooked_even_at_a_recycled_address():
    seen = set()
    recycled = 0
    for i in range(300):
        factory = sessionmaker()
        recycled += id(factory) in seen
        seen.add(id(factory))
        for hook in (audit_events, closures, income):
            hook.install(factory)
            hook.install(factory)  # twice: still one listener
        assert _listeners(factory, "after_flush").count(audit_events._after_flush) == 1
        assert _listeners(factory, "before_flush").count(income._before_flush) == 1
        assert _listeners(factory, "before_flush").count(closures._before_flush) == 1
        assert _listeners(factory, "after_commit").count(closures._clear) == 1
        del factory
        if i % 10 == 0:
            gc.collect()
    assert recycled > 0  # the situation the bug needed did occur
