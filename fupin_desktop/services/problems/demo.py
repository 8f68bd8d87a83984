"""Demo data for the 入户排查 and 问题整改 tab: a visit to some households this year under the
shipped questionnaire; the problems those answers raise are at every stage of rectification."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...domain import survey as qs
from ...models import Household
from . import tracking as ps
from . import survey as svc

MAX_SURVEYS = 60
VISITORS = ("王芳 李军", "陈敏 周强", "刘洋 杨帆", "赵丽 吴涛")
NOTES = {"start": "已联系相关部门，正在整改", "resolve": "已整改到位，附整改照片",
         "close": "经村、乡两级实地核验，整改到位，予以销号"}


def _answer(q: qs.Question, rng, prefill: str | None) -> str | None:
    problem = rng.random() < 0.02
    if q.type == "text":
        return None
    if q.type == "number":
        if prefill is not None and not problem:
            return prefill
        if q.below is not None:
            return str(int(q.below) - rng.randint(200, 1500) if problem else
                       int(q.below) + rng.randint(800, 9000))
        return str(rng.randint(0, 3))
    if prefill is not None and not problem:
        return prefill
    good = [c for c in q.choices if c not in q.problem]
    if problem and q.problem:
        return rng.choice(q.problem)
    return good[0] if q.type == "yesno" else rng.choice(good)


def _utc_morning(day: dt.date) -> dt.datetime:
    """09:00 Beijing time on ``day`` as the naive UTC the database stores (same calendar day)."""
    return dt.datetime.combine(day, dt.time(1, 0))


def demo_extend(session, rng, ctx) -> None:
    tpl = svc.shipped_templates()[max(svc.shipped_templates())]
    ids = [h["id"] for h in ctx.households]
    chosen = sorted(rng.sample(ids, min(MAX_SURVEYS, len(ids))))
    start = dt.date(ctx.year, 3, 1)
    span = max(1, (min(ctx.today, dt.date(ctx.year, 10, 31)) - start).days)
    households = session.scalars(select(Household).where(Household.id.in_(chosen))).all()
    for hh in households:
        facts = svc._facts(session, hh, tpl, ctx.today)
        date = min(start + dt.timedelta(days=rng.randint(0, span)), ctx.today)
        answers = {}
        for q in tpl.questions:
            a = _answer(q, rng, facts.prefill.get(q.id))
            if a is not None:
                answers[q.id] = qs.normalise_answer(q, a)
        inp = svc.SurveyInput(hh.code, date, rng.choice(VISITORS), answers, "")
        saved = svc.add_survey_in(session, tpl, hh, inp, answers, inp.visitors, "",
                                  now=_utc_morning(date))
        for pid in saved.problems:
            p = session.get(ps.Problem, pid)
            p.due = date + dt.timedelta(days=rng.choice((30, 60, 90)))
            stage = rng.random()
            steps = (() if stage < 0.2 else ("start",) if stage < 0.4 else ("start", "resolve")
                     if stage < 0.7 else ("start", "resolve", "close"))
            day = date
            for action in steps:  # each step a few days after the last, never after today
                day = min(day + dt.timedelta(days=rng.randint(1, 20)), ctx.today)
                ps.step_in(session, p, action, NOTES[action],
                           confirmer="乡村振兴工作站" if action == "close" else None,
                           now=_utc_morning(day))
