"""入户排查 (household survey) use cases: templates, prefill from the register, saving a visit
with its answers (each "problem" answer becomes a problem), history, and the entry-sheet import.

Templates: every ``resources/survey/template_v*.json`` shipped with the program, plus versions an
admin adds (``SurveyTemplate`` rows). New visits use the highest version; a saved visit keeps the
version it was answered under, so old answers are always read against their own questions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from ...domain import survey as qs
from ...errors import InputError, ValidationError
from ...models import Household, HouseholdIncome, Member, Survey, SurveyAnswer, SurveyTemplate
from ..users.access import require_admin

SOURCE = "入户排查"


# ---------------------------------------------------------------------------------- templates

@lru_cache(maxsize=1)
def shipped_templates() -> dict[int, qs.Template]:
    from ...paths import resource_path

    out = {}
    for f in sorted(resource_path("survey").glob("template_v*.json")):
        t = qs.parse_template(json.loads(f.read_text(encoding="utf-8")))
        out[t.version] = t
    return out


def templates(db_or_session) -> dict[int, qs.Template]:
    out = dict(shipped_templates())

    def read(s):
        for row in s.scalars(select(SurveyTemplate)):
            out.setdefault(row.version, qs.parse_template(row.definition))

    if hasattr(db_or_session, "read"):
        with db_or_session.read() as s:
            read(s)
    else:
        read(db_or_session)
    return out


def current_template(db_or_session) -> qs.Template:
    ts = templates(db_or_session)
    return ts[max(ts)]


def template(db_or_session, version: int | None) -> qs.Template:
    ts = templates(db_or_session)
    if version is None:
        return ts[max(ts)]
    if version not in ts:
        raise InputError(f"没有第 {version} 版入户排查表。现有版本：{'、'.join(map(str, sorted(ts)))}")
    return ts[version]


def add_template(db, path: Path | str) -> int:
    """An admin adds a new questionnaire version (JSON like resources/survey/template_v1.json)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"无法读取调查表模板“{path.name}”：{e}") from e
    try:
        t = qs.parse_template(raw)
    except qs.TemplateError as e:
        raise InputError(f"调查表模板“{path.name}”有误：{e}") from e
    with db.write(reason=f"入户排查：新增调查表第{t.version}版") as s:
        require_admin(s)
        top = max(templates(s))
        if t.version <= top:
            raise InputError(f"新版本号应大于现有的最高版本 {top}（模板中写的是 {t.version}）。")
        s.add(SurveyTemplate(version=t.version, name=t.name, definition=raw,
                             added_by=s.info.get("user", "unknown")))
    return t.version


# ---------------------------------------------------------------------------------- prefill

@dataclass(frozen=True)
class HouseholdFacts:
    """What the register already knows about a household, for the form's header and prefill."""

    id: int
    code: str
    village: str
    head: str | None
    members: int
    helper: str | None
    address: str | None
    prefill: dict[str, str]  # question id -> answer


def _yes(v: bool | None, invert: bool = False) -> str | None:
    if v is None:
        return None
    return qs.YES if bool(v) != invert else qs.NO


def _facts(s, hh: Household, tpl: qs.Template, as_of: dt.date) -> HouseholdFacts:
    members = [m for m in s.scalars(select(Member).where(Member.household_id == hh.id,
                                                          Member.deleted_at.is_(None)))
               if m.status == "正常"]
    head = next((m.name for m in members if m.relation == "户主"), None)
    school_age = sum(1 for m in members if m.birth_date and 6 <= _age(m.birth_date, as_of) <= 15)
    insured = [m.basic_medical_insurance for m in members]
    income = s.scalar(select(HouseholdIncome).where(HouseholdIncome.household_id == hh.id)
                      .order_by(HouseholdIncome.year.desc()).limit(1))
    housing_ok = None
    if hh.housing_secure is not None or hh.dangerous_house is not None:
        housing_ok = _yes(bool(hh.housing_secure is not False and not hh.dangerous_house))
    known = {
        "household.food_secure": _yes(hh.food_secure),
        "household.clothing_secure": _yes(hh.clothing_secure),
        "household.education_secure_not": _yes(hh.education_secure, invert=True),
        "household.medical_secure": _yes(hh.medical_secure),
        "household.housing_ok": housing_ok,
        "household.safe_water": _yes(hh.safe_water),
        "members.school_age": str(school_age) if members else None,
        "members.all_insured": (None if not members or any(v is None for v in insured)
                                else _yes(all(insured))),
        "income.per_capita": (str(income.per_capita_income) if income is not None
                              and income.per_capita_income is not None else None),
    }
    prefill = {q.id: known[q.prefill] for q in tpl.questions
               if q.prefill and known.get(q.prefill) is not None}
    return HouseholdFacts(hh.id, hh.code, hh.village.name, head, len(members), hh.helper_name,
                          hh.address, prefill)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _household(s, code: str) -> Household:
    hh = s.scalar(select(Household).where(Household.code == str(code).strip()))
    if hh is None or hh.deleted_at is not None:
        raise InputError(f"找不到户编号为“{code}”的农户（或已删除），请核对户编号。")
    return hh


def household_facts(db, codes: Sequence[str], *, version: int | None = None,
                    as_of: dt.date | None = None) -> list[HouseholdFacts]:
    as_of = as_of or dt.date.today()
    with db.read() as s:
        tpl = template(s, version)
        return [_facts(s, _household(s, c), tpl, as_of) for c in codes]


# ---------------------------------------------------------------------------------- saving

@dataclass
class SurveyInput:
    household_code: str
    date: dt.date
    visitors: str
    answers: Mapping[str, object]  # question id -> value as typed (是/否, option, number, text)
    notes: str = ""
    template_version: int | None = None  # None: the current version
    files: Sequence[Path | str] = ()  # scans / photos of the paper form


@dataclass(frozen=True)
class SurveySaved:
    id: int
    problems: list[int]


def _check_head(inp: SurveyInput, today: dt.date) -> tuple[str, str]:
    visitors = " ".join((inp.visitors or "").split())
    errors = {}
    if not visitors:
        errors["visitors"] = "请填写排查人员。"
    elif len(visitors) > 200:
        errors["visitors"] = "排查人员过长（最多200个字）。"
    if inp.date is None:
        errors["date"] = "请填写排查日期。"
    elif inp.date > today or inp.date.year < 2000:
        errors["date"] = "排查日期不能晚于今天。"
    notes = (inp.notes or "").strip()
    if len(notes) > 4000:
        errors["notes"] = "备注过长（最多4000个字）。"
    from ...domain.field_specs import SURVEY, form_errors  # control characters, as the import

    for key, msg in form_errors(SURVEY, {"visitors": visitors, "notes": notes}, today,
                                skip=set(errors)).items():
        errors[key] = msg
    if errors:
        raise ValidationError("；".join(errors.values()), field=next(iter(errors)), errors=errors)
    return visitors, notes


def add_survey_in(s, tpl: qs.Template, hh: Household, inp: SurveyInput, answers: dict[str, str],
                  visitors: str, notes: str, *, now: dt.datetime | None = None) -> SurveySaved:
    """Write one visit, its answers and one problem per problem answer (open write session)."""
    from .tracking import new_problem

    sv = Survey(household_id=hh.id, date=inp.date, visitors=visitors,
                template_version=tpl.version, notes=notes or None)
    s.add(sv)
    s.flush()
    problems = []
    for q in tpl.questions:
        if q.id not in answers:
            continue
        flag = qs.is_problem(q, answers[q.id])
        a = SurveyAnswer(survey_id=sv.id, question_id=q.id, value=answers[q.id], is_problem=flag)
        s.add(a)
        if flag:
            s.flush()
            p = new_problem(s, household=hh, source=SOURCE, category=q.category,
                            text=qs.problem_text(q, answers[q.id]), code=q.id,
                            survey_answer_id=a.id, found_on=inp.date, now=now)
            problems.append(p.id)
    return SurveySaved(sv.id, problems)


def save_survey(db, inp: SurveyInput, *, today: dt.date | None = None) -> SurveySaved:
    today = today or dt.date.today()
    visitors, notes = _check_head(inp, today)
    from .tracking import _read_evidence, store_evidence

    files = _read_evidence(inp.files)
    with db.write(reason="入户排查：登记排查结果") as s:
        tpl = template(s, inp.template_version)
        answers, errors = qs.check_answers(tpl, inp.answers)
        if errors:
            raise ValidationError("；".join(errors.values()), field=next(iter(errors)),
                                  errors=errors)
        hh = _household(s, inp.household_code)
        saved = add_survey_in(s, tpl, hh, inp, answers, visitors, notes)
        store_evidence(db, s, files, survey_id=saved.id)
        return saved


# ---------------------------------------------------------------------------------- history

@dataclass(frozen=True)
class SurveyRow:
    id: int
    date: dt.date
    visitors: str
    template_version: int
    notes: str | None
    answers: dict[str, str]
    problem_answers: list[str]  # question ids answered with a problem
    files: list[str] = field(default_factory=list)


def list_surveys(db, household_code: str) -> list[SurveyRow]:
    from ...models import EvidenceFile

    with db.read() as s:
        hh = _household(s, household_code)
        out = []
        for sv in s.scalars(select(Survey).where(Survey.household_id == hh.id,
                                                 Survey.deleted_at.is_(None))
                            .order_by(Survey.date.desc(), Survey.id.desc())):
            ans = list(s.scalars(select(SurveyAnswer).where(SurveyAnswer.survey_id == sv.id)
                                 .order_by(SurveyAnswer.id)))
            files = list(s.scalars(select(EvidenceFile.file_name)
                                   .where(EvidenceFile.survey_id == sv.id)))
            out.append(SurveyRow(sv.id, sv.date, sv.visitors, sv.template_version, sv.notes,
                                 {a.question_id: a.value for a in ans},
                                 [a.question_id for a in ans if a.is_problem], files))
        return out


def household_code_of(db, household_id: int) -> str:
    with db.read() as s:
        hh = s.get(Household, household_id)
        if hh is None or hh.deleted_at is not None:
            raise InputError("找不到该农户，可能已被删除，请刷新。")
        return hh.code
