"""Settlements (就医结算): list/filter (in SQL), read one, totals, and the member picker.

Everything returns plain dataclasses; the GUI never sees ORM objects. Editing lives in
:mod:`.settlement_edit`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from ...models import Household, Member, Settlement, Village
from ...domain import medical_calc as calc
from ...domain.medical_totals import DELETED_MARK, SUM_FIELDS, ZERO, SettlementTotals
from .period import Period
from .settings import policy_targets


@contextlib.contextmanager
def reading(src):
    """A Session from a Database (read transaction) or the Session itself."""
    if isinstance(src, Session):
        yield src
    else:
        with src.read() as s:
            yield s


@dataclass(slots=True)
class SettlementFilter:
    period: Period | None = None
    date_from: dt.date | None = None  # inclusive, combined with period if both given
    date_to: dt.date | None = None  # inclusive
    village_id: int | None = None
    care_type: str | None = None
    below_target_only: bool = False
    member_id: int | None = None
    household_id: int | None = None
    household_ids: tuple[int, ...] | None = None  # several households at once (the archive)
    text: str | None = None  # 姓名 / 证件号码 / 结算单据号 / 医疗机构 / 诊断
    include_deleted: bool = False
    order: str = "date"  # "date" (newest first, for the tab) | "ledger" (village, date)
    limit: int | None = None
    offset: int = 0


@dataclass(slots=True)
class SettlementRow:
    id: int
    version: int
    member_id: int
    member_name: str
    id_number: str
    household_id: int
    household_code: str
    village_id: int
    village_name: str
    hospital_name: str
    hospital_level: str | None
    care_type: str
    admission_date: dt.date | None
    discharge_date: dt.date | None
    diagnosis: str | None
    settlement_no: str
    settlement_date: dt.date
    total_cost: Decimal
    policy_cost: Decimal
    basic_insurance: Decimal
    critical_insurance: Decimal
    medical_assistance: Decimal
    other_support: Decimal
    other_kind: str | None
    pay_after_treatment: bool
    one_stop: bool
    self_paid: Decimal
    policy_ratio: Decimal | None
    target: Decimal | None  # this year's target for its care type (None: no target)
    below_target: bool
    source: str | None
    note: str | None
    deleted: bool = False
    # the member or the household was deleted after the money was paid: ledgers still list
    # the settlement, marked 已删除
    person_deleted: bool = False

    @property
    def display_name(self) -> str:
        """The name as lists show it: marked when the member or household was deleted."""
        return self.member_name + DELETED_MARK if self.person_deleted else self.member_name

    def form_data(self) -> dict:
        """The dict the edit form starts from (pass it back to save_settlement)."""
        return {k: getattr(self, k) for k in calc.LABELS if k not in ("self_paid", "policy_ratio")}


_COLUMNS = (
    Settlement.id, Settlement.version, Settlement.member_id, Member.name, Member.id_number,
    Household.id, Household.code, Village.id, Village.name, Settlement.hospital_name,
    Settlement.hospital_level, Settlement.care_type, Settlement.admission_date,
    Settlement.discharge_date, Settlement.diagnosis, Settlement.settlement_no,
    Settlement.settlement_date, Settlement.total_cost, Settlement.policy_cost,
    Settlement.basic_insurance, Settlement.critical_insurance, Settlement.medical_assistance,
    Settlement.other_support, Settlement.other_kind, Settlement.pay_after_treatment,
    Settlement.one_stop, Settlement.self_paid, Settlement.policy_ratio, Settlement.source,
    Settlement.note, Settlement.deleted_at, Member.deleted_at, Household.deleted_at,
)


def _year_bounds(session: Session, flt: SettlementFilter) -> range:
    if flt.period is not None:
        return flt.period.years()
    lo, hi = session.execute(select(func.min(Settlement.settlement_date),
                                     func.max(Settlement.settlement_date))).one()
    if flt.date_from:
        lo = max(lo, flt.date_from) if lo else flt.date_from
    if flt.date_to:
        hi = min(hi, flt.date_to) if hi else flt.date_to
    if lo is None or hi is None:
        return range(0)
    return range(lo.year, hi.year + 1)


def _below_target_clause(session: Session, years) -> object:
    """SQL for "ratio below its year's target" (targets are settings, one per year)."""
    parts = []
    for y in years:
        t = policy_targets(session, y)
        in_year = and_(Settlement.settlement_date >= dt.date(y, 1, 1),
                       Settlement.settlement_date < dt.date(y + 1, 1, 1))
        by_type = or_(*[and_(Settlement.care_type == ct, Settlement.policy_ratio < v)
                        for ct, v in t.items()])
        parts.append(and_(in_year, by_type))
    return or_(*parts) if parts else false()


def build_query(session: Session, flt: SettlementFilter, columns=_COLUMNS, aggregate=False):
    q = (select(*columns)
         .join(Member, Member.id == Settlement.member_id)
         .join(Household, Household.id == Member.household_id)
         .join(Village, Village.id == Household.village_id))
    if not flt.include_deleted:
        q = q.where(Settlement.deleted_at.is_(None))
    if flt.period is not None:
        q = q.where(Settlement.settlement_date >= flt.period.start,
                    Settlement.settlement_date < flt.period.end)
    if flt.date_from:
        q = q.where(Settlement.settlement_date >= flt.date_from)
    if flt.date_to:
        q = q.where(Settlement.settlement_date <= flt.date_to)
    if flt.village_id is not None:
        q = q.where(Household.village_id == flt.village_id)
    if flt.care_type:
        q = q.where(Settlement.care_type == flt.care_type)
    if flt.member_id is not None:
        q = q.where(Settlement.member_id == flt.member_id)
    if flt.household_id is not None:
        q = q.where(Member.household_id == flt.household_id)
    if flt.household_ids is not None:
        q = q.where(Member.household_id.in_(flt.household_ids))
    if flt.text and flt.text.strip():
        like = f"%{flt.text.strip()}%"
        q = q.where(or_(Member.name.like(like), Member.id_number.like(like.upper()),
                        Settlement.settlement_no.ilike(like), Settlement.hospital_name.like(like),
                        Settlement.diagnosis.like(like)))
    if flt.below_target_only:
        q = q.where(_below_target_clause(session, _year_bounds(session, flt)))
    if aggregate:
        return q
    if flt.order == "ledger":
        q = q.order_by(Village.sort_order, Village.name, Settlement.settlement_date,
                       Settlement.settlement_no)
    else:
        q = q.order_by(Settlement.settlement_date.desc(), Settlement.settlement_no.desc())
    if flt.limit is not None:
        q = q.limit(flt.limit).offset(flt.offset)
    return q


def _rows(session: Session, q) -> list[SettlementRow]:
    targets: dict[int, dict] = {}
    out = []
    for r in session.execute(q):
        year = r[16].year
        t = targets.get(year)
        if t is None:
            t = targets[year] = policy_targets(session, year)
        target = t.get(r[11])
        ratio = None if r[27] is None else Decimal(r[27]).quantize(calc.RATIO_PLACES)
        out.append(SettlementRow(
            *r[:17], fen(r[17]), fen(r[18]), fen(r[19]), fen(r[20]), fen(r[21]), fen(r[22]),
            r[23], bool(r[24]), bool(r[25]), fen(r[26]), ratio, target,
            calc.is_below_target(r[11], ratio, t),
            r[28], r[29], r[30] is not None, r[31] is not None or r[32] is not None))
    return out


def fen(v) -> Decimal:
    # SQLite hands Numeric back through float: re-quantise so sums stay exact in fen
    return ZERO if v is None else Decimal(v).quantize(calc.FEN)


def list_settlements(src, flt: SettlementFilter | None = None) -> list[SettlementRow]:
    """Settlements matching ``flt`` (Database or Session). The tab and the ledgers call this."""
    flt = flt or SettlementFilter()
    with reading(src) as s:
        return _rows(s, build_query(s, flt))


def count_settlements(src, flt: SettlementFilter | None = None) -> int:
    flt = flt or SettlementFilter()
    with reading(src) as s:
        q = build_query(s, dataclasses.replace(flt, limit=None, offset=0))
        return s.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0


def settlement_totals(src, flt: SettlementFilter | None = None) -> SettlementTotals:
    """Totals of everything ``flt`` matches (ignoring limit/offset), summed in SQL — for the
    tab's status line under a paged table. Ledgers sum their printed rows instead."""
    flt = flt or SettlementFilter()
    with reading(src) as s:
        years = _year_bounds(s, flt)
        below = _below_target_clause(s, years)
        cols = [func.count(), func.sum(case((Settlement.care_type == "住院", 1), else_=0)),
                func.sum(case((below, 1), else_=0)),
                *[func.sum(getattr(Settlement, f)) for f in SUM_FIELDS]]
        r = s.execute(build_query(s, flt, cols, aggregate=True)).one()
        t = SettlementTotals(count=r[0] or 0, inpatient_count=int(r[1] or 0),
                             below_target_count=int(r[2] or 0))
        for f, v in zip(SUM_FIELDS, r[3:]):
            setattr(t, f, fen(v))
        return t


def get_settlement(src, settlement_id: int) -> SettlementRow | None:
    with reading(src) as s:
        rows = _rows(s, build_query(s, SettlementFilter(include_deleted=True))
                     .where(Settlement.id == settlement_id))
        return rows[0] if rows else None


# ------------------------------------------------------------------- member picker

@dataclass(frozen=True, slots=True)
class MemberChoice:
    id: int
    name: str
    id_number: str
    household_code: str
    village_name: str
    status: str


def search_members(src, text: str, limit: int = 20) -> list[MemberChoice]:
    """Members whose 姓名 or 证件号码 contains ``text`` (for the settlement form's picker)."""
    text = (text or "").strip()
    if not text:
        return []
    like = f"%{text.upper() if text[-1:] in 'xX' else text}%"
    with reading(src) as s:
        q = (select(Member.id, Member.name, Member.id_number, Household.code, Village.name,
                    Member.status)
             .join(Household, Household.id == Member.household_id)
             .join(Village, Village.id == Household.village_id)
             .where(Member.deleted_at.is_(None), Household.deleted_at.is_(None),
                    or_(Member.name.like(like), Member.id_number.like(like)))
             .order_by(Member.name, Member.id).limit(limit))
        return [MemberChoice(*r) for r in s.execute(q)]
