"""The archive's workers load a chunk's household files in one set of bulk queries
(archive/itemfile.prefetch → render_household_item.prefetch): the same PDFs as one household at a
time, and a number of queries that does not grow with the chunk."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from sqlalchemy import event, select

from fupin_desktop.archive.itemfile import prefetch
from fupin_desktop.models import Household
from fupin_desktop.services.archive import render
from fupin_desktop.services.demo import generate_demo

TODAY = dt.date(2025, 11, 20)
_VOLATILE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[[^]]*\]")


class _Job:  # what prefetch reads of an ItemJob
    def __init__(self, source):
        self.source = source


@pytest.fixture
def town(any_db):
    generate_demo(any_db, households=14, seed=5, today=TODAY)
    render.use_database(any_db)
    with any_db.read() as s:
        ids = s.scalars(select(Household.id).order_by(Household.id)).all()
    return any_db, ids


def _sources(db, ids):
    return [partial(render.render_household_item, db.url, hid, "2025-12-31", 2025, "一户一档")
            for hid in ids]


def _queries(db, job):
    n = [0]

    def count(*_a):
        n[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        job()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return n[0]


def test_a_prefetched_chunk_renders_the_same_files(town):
    db, ids = town
    alone = [_VOLATILE.sub(b"", src()) for src in _sources(db, ids)]
    sources = _sources(db, ids)
    prefetch([_Job(s) for s in sources])
    assert len(render._PREFETCHED) == len(ids)
    chunk = [_VOLATILE.sub(b"", src()) for src in sources]
    assert chunk == alone
    assert not render._PREFETCHED  # each file took its data


def test_a_chunk_costs_about_the_queries_of_a_few_households(town):
    db, ids = town
    few = _queries(db, lambda: prefetch([_Job(s) for s in _sources(db, ids[:4])]))
    many = _queries(db, lambda: prefetch([_Job(s) for s in _sources(db, ids)]))
    render._PREFETCHED.clear()
    # loading household by household would add at least two queries a household (10 more here);
    # a bulk query may be left out where a chunk holds no rows of its kind
    assert many - few <= 2, (few, many)
