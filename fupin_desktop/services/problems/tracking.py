"""问题清单 and 整改销号 (issue 15): add problems, move them through their statuses, attach
evidence, and keep the problems a 疑点 check run finds in step with its findings.

Every change is one ``db.write()``: the problem row, its ``ProblemEvent`` (who, when, note) and
the audit rows commit together. Evidence bytes are kept content-addressed beside the database,
with the same storage the archive uses for scans (services/attachments.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ...domain import problems as rules
from ...domain.field_specs import PROBLEM, form_errors
from ...errors import AccessError, ConflictError, InputError, UserError, ValidationError
from ...models import EvidenceFile, Household, Member, Problem, ProblemEvent, Village
from ...models.base import utcnow

EVIDENCE_MIMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ProblemRow:
    id: int
    household: str | None  # 户编号
    village: str
    source: str
    category: str
    text: str
    responsible: str | None
    due: dt.date | None
    status: str
    code: str | None
    head: str | None = None  # 户主
    member: str | None = None  # member name of a per-member finding
    found_on: dt.date | None = None
    overdue: bool = False
    version: int = 1

    def to_json(self) -> dict:
        return {"id": self.id, "household": self.household, "village": self.village,
                "source": self.source, "category": self.category, "text": self.text,
                "responsible": self.responsible, "due": self.due.isoformat() if self.due else None,
                "status": self.status, "code": self.code, "overdue": self.overdue}


@dataclass(frozen=True)
class EventRow:
    ts: dt.datetime
    user: str
    action: str  # ProblemEvent.action
    action_name: str  # 中文
    old_status: str | None
    new_status: str | None
    note: str | None
    confirmer: str | None
    check_run: dt.datetime | None


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    file_name: str
    mime: str
    size: int
    sha256: str
    added_at: dt.datetime
    added_by: str


@dataclass(frozen=True)
class ProblemDetail:
    problem: ProblemRow
    events: list[EventRow]
    evidence: list[EvidenceRow]


@dataclass
class ProblemFilter:
    status: str | None = None
    village: str | None = None
    responsible: str | None = None
    source: str | None = None
    overdue: bool = False
    year: int | None = None  # found in that year (the archive's problem ledger)
    # show each problem's status as it stood at the end of this day (from its history); the
    # status filter then applies to that status. None: the status now.
    as_of: dt.date | None = None


# ----------------------------------------------------------------------------------- reading

def _check_choice(value: str | None, allowed: Sequence[str], what: str, option: str) -> None:
    if value and value not in allowed:
        raise InputError(f"{option} “{value}”不是有效的{what}，应为：{'、'.join(allowed)}。")


def list_problems(db, flt: ProblemFilter | None = None, *, today: dt.date | None = None
                  ) -> list[ProblemRow]:
    flt = flt or ProblemFilter()
    today = today or dt.date.today()
    _check_choice(flt.status, rules.STATUSES, "状态", "--status")
    _check_choice(flt.source, rules.SOURCES, "来源", "--source")
    with db.read() as s:
        stmt = _base_query()
        if flt.village:
            from ..villages import village_id_by_name

            stmt = stmt.where(Problem.village_id == village_id_by_name(s, flt.village))
        if flt.status and flt.as_of is None:
            stmt = stmt.where(Problem.status == flt.status)
        if flt.source:
            stmt = stmt.where(Problem.source == flt.source)
        if flt.responsible:
            stmt = stmt.where(Problem.responsible == flt.responsible)
        if flt.overdue:
            stmt = stmt.where(Problem.due < today, Problem.status.in_(rules.OPEN_STATUSES))
        if flt.year:
            stmt = stmt.where(Problem.found_on >= dt.date(flt.year, 1, 1),
                              Problem.found_on <= dt.date(flt.year, 12, 31))
        if flt.as_of is None:
            return [_row(r, today) for r in s.execute(stmt)]
        rows = [_row(r, today) for r in s.execute(stmt.where(Problem.found_on <= flt.as_of))]
        then = _status_as_of(s, [r.id for r in rows], flt.as_of)
        out = []
        for r in rows:
            status = then.get(r.id, r.status)
            if flt.status and status != flt.status:
                continue
            out.append(dataclasses.replace(r, status=status,
                                           overdue=rules.is_overdue(status, r.due, flt.as_of)))
        return out


def _status_as_of(s, ids: list[int], day: dt.date) -> dict[int, str]:
    """Each problem's status after its last history step up to the end of ``day``."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    out: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        for pid, status in s.execute(
                select(ProblemEvent.problem_id, ProblemEvent.new_status)
                .where(ProblemEvent.problem_id.in_(ids[i:i + 500]), ProblemEvent.ts < end,
                       ProblemEvent.new_status.is_not(None))
                .order_by(ProblemEvent.problem_id, ProblemEvent.id)):
            out[pid] = status
    return out


def _base_query():
    head_name = (select(Member.name).where(Member.household_id == Problem.household_id,
                                           Member.relation == "户主", Member.deleted_at.is_(None))
                 .order_by(Member.id).limit(1).correlate(Problem).scalar_subquery())
    member_name = (select(Member.name).where(Member.id == Problem.member_id)
                   .correlate(Problem).scalar_subquery())
    return (select(Problem, Household.code, Village.name, Village.sort_order,
                   head_name.label("head"), member_name.label("member"))
            .outerjoin(Household, Household.id == Problem.household_id)
            .join(Village, Village.id == Problem.village_id)
            .order_by(Village.sort_order, Village.name, Household.code, Problem.id))


def _row(r, today: dt.date) -> ProblemRow:
    p, code, village, _order, head, member = r
    return ProblemRow(p.id, code, village, p.source, p.category, p.text, p.responsible, p.due,
                      p.status, p.code, head, member, p.found_on,
                      rules.is_overdue(p.status, p.due, today), p.version)


def get_problem(db, problem_id: int, *, today: dt.date | None = None) -> ProblemDetail:
    today = today or dt.date.today()
    with db.read() as s:
        r = s.execute(_base_query().where(Problem.id == problem_id)).first()
        if r is None:
            raise InputError(f"找不到编号为 {problem_id} 的问题，请用 problems list 查看现有问题。")
        events = [EventRow(e.ts, e.user, e.action, rules.ACTION_NAMES.get(e.action, e.action),
                           e.old_status, e.new_status, e.note, e.confirmer, e.check_run)
                  for e in s.scalars(select(ProblemEvent).where(ProblemEvent.problem_id == problem_id)
                                     .order_by(ProblemEvent.id))]
        files = [EvidenceRow(f.id, f.file_name, f.mime, f.size, f.sha256, f.added_at, f.added_by)
                 for f in s.scalars(select(EvidenceFile).where(EvidenceFile.problem_id == problem_id)
                                    .order_by(EvidenceFile.id))]
        return ProblemDetail(_row(r, today), events, files)


def responsibles(db) -> list[str]:
    """Names that are responsible for some problem (for the page's filter)."""
    with db.read() as s:
        return sorted(n for n in s.scalars(select(Problem.responsible).distinct()) if n)


# ----------------------------------------------------------------------------------- writing

def _text(value: str | None, what: str, field_: str, limit: int, required: bool = True) -> str:
    s = " ".join((value or "").split())
    if required and not s:
        raise ValidationError(f"请填写{what}。", field=field_)
    if len(s) > limit:
        raise ValidationError(f"{what}过长（最多{limit}个字）。", field=field_)
    # control characters that split() leaves (NUL, ESC…) would break every later export
    bad = form_errors(PROBLEM, {field_: s}, dt.date.today()).get(field_)
    if bad:
        raise ValidationError(bad, field=field_)
    return s


def _household(s, code: str) -> Household:
    hh = s.scalar(select(Household).where(Household.code == (code or "").strip()))
    if hh is None or hh.deleted_at is not None:
        raise InputError(f"找不到户编号为“{code}”的农户（或已删除），请核对户编号。")
    return hh


def _event(s, p: Problem, action: str, old: str | None, note: str | None = None, *,
           confirmer: str | None = None, check_run: dt.datetime | None = None,
           now: dt.datetime | None = None) -> ProblemEvent:
    ev = ProblemEvent(problem_id=p.id, ts=now or utcnow(), user=s.info.get("user", "unknown"),
                      action=action, old_status=old, new_status=p.status, note=note or None,
                      confirmer=confirmer, check_run=check_run)
    s.add(ev)
    s.flush()
    return ev


def new_problem(s, *, household: Household | None = None, village_id: int | None = None,
                source: str, category: str, text: str, code: str | None = None,
                responsible: str | None = None, due: dt.date | None = None,
                member_id: int | None = None, finding_key: str | None = None,
                survey_answer_id: int | None = None, found_on: dt.date | None = None,
                check_run: dt.datetime | None = None, now: dt.datetime | None = None) -> Problem:
    """Add a problem inside an open write session (surveys and check runs call this too).

    ``now`` (UTC, naive) stamps its history row, ``found_on`` defaults to today's local date —
    not the UTC date, which is still yesterday before 08:00 in China."""
    p = Problem(household_id=household.id if household else None,
                village_id=household.village_id if household else village_id,
                member_id=member_id, source=source, category=category[:40], text=text,
                code=code, responsible=(responsible or (household.helper_name if household else None)
                                        or None),
                due=due, status=rules.TODO, finding_key=finding_key,
                survey_answer_id=survey_answer_id, found_on=found_on or dt.date.today(),
                last_seen_run=check_run)
    s.add(p)
    s.flush()
    _event(s, p, "add", None, text if source != "手工" else None, check_run=check_run, now=now)
    return p


def add_problem(db, *, household_code: str | None = None, village: str | None = None,
                category: str, text: str, due: dt.date | None = None,
                responsible: str | None = None, source: str = "手工") -> int:
    """Add a problem by hand (or from a higher office's feedback); returns its id."""
    _check_choice(source, ("上级反馈", "手工"), "来源", "--source")
    category = _text(category, "问题类别", "category", 40)
    text = _text(text, "问题描述", "text", 2000)
    responsible = _text(responsible, "责任人", "responsible", 40, required=False) or None
    if not household_code and not village:
        raise ValidationError("请指定户编号（--household）或行政村。", field="household")
    with db.write(reason="问题整改：登记问题") as s:
        hh = _household(s, household_code) if household_code else None
        vid = None
        if hh is None:
            from ..villages import village_id_by_name

            vid = village_id_by_name(s, village)
        p = new_problem(s, household=hh, village_id=vid, source=source, category=category,
                        text=text, responsible=responsible, due=due)
        return p.id


def _load(s, problem_id: int) -> Problem:
    p = s.get(Problem, problem_id)
    if p is None:
        raise InputError(f"找不到编号为 {problem_id} 的问题，请用 problems list 查看现有问题。")
    return p


def _read_evidence(files: Iterable[Path | str]) -> list[tuple[str, bytes, str]]:
    from ..attachments import sniff_mime

    out = []
    for f in files:
        f = Path(f)
        try:
            data = f.read_bytes()
        except OSError as e:
            raise InputError(f"无法读取佐证材料“{f.name}”：{e.strerror or e}") from e
        if len(data) > MAX_EVIDENCE_BYTES:
            raise InputError(f"佐证材料“{f.name}”超过 50 MB，请压缩后再上传。")
        mime = sniff_mime(data)
        if mime not in EVIDENCE_MIMES:
            raise InputError(f"佐证材料“{f.name}”不是 PDF、JPG 或 PNG 文件。请把照片或扫描件保存为"
                             "这几种格式再上传。")
        out.append((f.name, data, mime))
    return out


def store_evidence(db, s, files: list[tuple[str, bytes, str]], *, problem_id: int | None = None,
                   event_id: int | None = None, survey_id: int | None = None) -> None:
    from ..attachments import store_attachment

    for name, data, mime in files:
        sha, _ = store_attachment(db, data)
        s.add(EvidenceFile(problem_id=problem_id, event_id=event_id, survey_id=survey_id,
                           sha256=sha, file_name=name[:255], mime=mime, size=len(data),
                           added_by=s.info.get("user", "unknown")))


def apply_action(db, problem_id: int, action: str, *, note: str = "",
                 evidence: Sequence[Path | str] = (), confirmer: str | None = None,
                 version: int | None = None) -> None:
    """start / resolve / close / reopen one problem (one transaction, one history step).

    销号 (close) needs a note; once accounts exist the logged-in confirmer must not be the person
    who marked the problem 已整改. In single-user mode ``confirmer`` is the name recorded.
    """
    if action not in rules.ACTIONS:
        raise ValueError(action)
    name = rules.ACTIONS[action][2]
    note = _text(note, "说明（--note）", "note", 1000, required=action in rules.NEEDS_NOTE)
    confirmer = _text(confirmer, "核验人", "confirmer", 40, required=False) or None
    files = _read_evidence(evidence)
    from ..users.accounts import accounts_exist

    accounts = accounts_exist(db) if action == "close" else False
    with db.write(reason=f"问题整改：{name}") as s:
        p = _load(s, problem_id)
        if version is not None and p.version != version:
            raise ConflictError()
        ev = step_in(s, p, action, note, confirmer=confirmer, accounts=accounts)
        store_evidence(db, s, files, problem_id=p.id, event_id=ev.id)


def step_in(s, p: Problem, action: str, note: str, *, confirmer: str | None = None,
            accounts: bool = False, now: dt.datetime | None = None) -> ProblemEvent:
    """Apply one status step to ``p`` inside an open write session; returns its history row.
    ``now`` (UTC, naive; default the clock) stamps the step.

    With accounts the confirmer of a 销号 is the logged-in user, who must not be the resolver."""
    err = rules.transition_error(action, p.status)
    if err:
        raise UserError(f"问题 {p.id}：{err}")
    user = s.info.get("user", "unknown")
    if action == "close" and accounts:
        if p.resolved_by and p.resolved_by == user:
            raise AccessError(f"问题 {p.id} 是您本人标记为“已整改”的，销号须由其他人核验。"
                              "请换一个账户登录后再销号。")
        confirmer = user
    old = p.status
    p.status = rules.ACTIONS[action][1]
    now = now or utcnow()
    if action == "resolve":
        p.resolved_by, p.resolved_at = user, now
    elif action == "close":
        p.closed_by, p.closed_at = confirmer or user, now
    elif action == "reopen":
        p.closed_by = p.closed_at = None
    return _event(s, p, action, old, note, confirmer=confirmer if action == "close" else None,
                  now=now)


def add_evidence(db, problem_id: int, files: Sequence[Path | str]) -> None:
    data = _read_evidence(files)
    with db.write(reason="问题整改：上传佐证材料") as s:
        _load(s, problem_id)
        store_evidence(db, s, data, problem_id=problem_id)


def evidence_path(db, sha256: str) -> Path:
    from ..attachments import attachment_path

    return attachment_path(db, sha256)


def assign(db, ids: Sequence[int], *, due: dt.date | None = None, responsible: str | None = None,
           clear_due: bool = False) -> int:
    """Bulk-assign a deadline and/or a responsible person; returns how many problems changed."""
    responsible = _text(responsible, "责任人", "responsible", 40, required=False) or None
    if due is None and responsible is None and not clear_due:
        raise ValidationError("请填写整改时限或责任人。", field="due")
    n = 0
    with db.write(reason="问题整改：批量设置时限/责任人") as s:
        for pid in ids:
            p = _load(s, pid)
            changes = []
            if (due is not None or clear_due) and p.due != due:
                changes.append(f"整改时限 {p.due or '无'} → {due or '无'}")
                p.due = due
            if responsible and p.responsible != responsible:
                changes.append(f"责任人 {p.responsible or '无'} → {responsible}")
                p.responsible = responsible
            if changes:
                _event(s, p, "assign", p.status, "；".join(changes))
                n += 1
    return n


# ------------------------------------------------------------------------ 疑点 check findings

@dataclass(frozen=True)
class FindingRecord:
    """What a check run hands over for one (non-exempted) finding."""

    code: str  # rule code, e.g. R07
    household_code: str  # 户编号
    message: str  # what to fix (Chinese)
    name: str = ""  # rule name, the problem's category
    member_id: int | None = None  # a per-member finding


@dataclass
class SyncResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)  # finding gone → 已整改待核验
    reopened: list[int] = field(default_factory=list)  # finding back after 已整改待核验
    skipped: list[str] = field(default_factory=list)  # households not in the register

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ("created", "updated", "unchanged", "resolved",
                                               "reopened", "skipped")}


def finding_key(code: str, household_code: str, member_id: int | None) -> str:
    return f"{code}|{household_code}|{member_id or ''}"[:120]


def sync_findings(db, findings: Iterable, run_at: dt.datetime, *,
                  codes: Sequence[str] | None = None) -> SyncResult:
    """Keep the 疑点检查 problems in step with one check run (``fupin check --save``).

    One problem per (code, household, member): a new finding adds one, a known one is updated
    (never duplicated). A problem whose finding this run no longer shows moves to 已整改待核验,
    its history naming the run; one that shows up again after that goes back to 整改中. When
    the run covered only some rules (``codes``), problems of other rules are left alone.
    ``findings`` are plain records with ``code``, ``household_code``, ``message`` and optional
    ``name`` and ``member_id`` (e.g. :class:`FindingRecord`).
    """
    res = SyncResult()
    with db.write(reason=f"疑点检查结果保存（{run_at:%Y-%m-%d %H:%M}）") as s:
        existing = {p.finding_key: p for p in s.scalars(
            select(Problem).where(Problem.source == "疑点检查", Problem.finding_key.is_not(None)))}
        households = dict(s.execute(select(Household.code, Household).where(
            Household.deleted_at.is_(None))).all())
        seen: set[str] = set()
        for f in findings:
            hcode = getattr(f, "household_code", None) or getattr(f, "household", None)
            hh = households.get(hcode)
            if hh is None:
                res.skipped.append(str(hcode))
                continue
            member_id = getattr(f, "member_id", None)
            key = finding_key(f.code, hcode, member_id)
            if key in seen:
                continue
            seen.add(key)
            category = (getattr(f, "name", "") or f.code)[:40]
            p = existing.get(key)
            if p is None:
                p = new_problem(s, household=hh, source="疑点检查", category=category,
                                text=f.message, code=f.code, member_id=member_id,
                                finding_key=key, found_on=run_at.date(), check_run=run_at)
                res.created.append(p.id)
                continue
            p.last_seen_run = run_at
            if p.status == rules.RESOLVED and p.resolved_by == "疑点检查":
                old = p.status
                p.status, p.resolved_by, p.resolved_at = rules.DOING, None, None
                _event(s, p, "update", old, f"复查仍发现：{f.message}", check_run=run_at)
                res.reopened.append(p.id)
            elif p.text != f.message or p.category != category:
                p.text, p.category = f.message, category
                _event(s, p, "update", p.status, f.message, check_run=run_at)
                res.updated.append(p.id)
            else:
                res.unchanged.append(p.id)
        for key, p in existing.items():
            if key in seen or p.status not in rules.OPEN_STATUSES:
                continue
            if codes is not None and p.code not in codes:
                continue
            old = p.status
            p.status, p.resolved_by, p.resolved_at = rules.RESOLVED, "疑点检查", utcnow()
            _event(s, p, rules.AUTO_RESOLVE, old,
                   f"{run_at:%Y-%m-%d %H:%M} 的检查未再发现该疑点，待核验销号。", check_run=run_at)
            res.resolved.append(p.id)
    return res


# ------------------------------------------------------------------------------ 清零 progress

def village_names(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Village.name).order_by(Village.sort_order, Village.name)))


def progress_by_village(db) -> list[tuple[str, dict[str, int]]]:
    """(行政村, {status: count}) for villages that have problems: the 清零 progress."""
    from sqlalchemy import func

    with db.read() as s:
        rows = s.execute(select(Village.name, Problem.status, func.count())
                         .join(Village, Village.id == Problem.village_id)
                         .group_by(Village.sort_order, Village.name, Problem.status)
                         .order_by(Village.sort_order, Village.name)).all()
    out: dict[str, dict[str, int]] = {}
    for village, status, n in rows:
        out.setdefault(village, dict.fromkeys(rules.STATUSES, 0))[status] = n
    return list(out.items())
