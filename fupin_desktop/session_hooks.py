"""Attach a session event listener to one sessionmaker exactly once.

``sqlalchemy.event.contains(factory, …)`` cannot answer this for a sessionmaker: its registry keys
listeners by ``id(factory)``, and the key outlives a freed factory (the listener lives on the
Session class-level dispatch), so a new factory at a recycled address looks "already hooked" and
would run without the audit trail, the closed-period guard or the derived income. The mark is
kept on the factory object itself instead.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

_MARK = "_fupin_listeners"


def listen_once(factory: sessionmaker, identifier: str, fn: Callable) -> None:
    installed = factory.__dict__.setdefault(_MARK, set())
    if (identifier, fn) in installed:
        return
    event.listen(factory, identifier, fn)
    installed.add((identifier, fn))
