"""Excel exports of the registry: `fupin export households|members OUT.xlsx [--masked]`.

Both use the national monitoring export's header names, title row 1, note row 2 and header
row 3, so the household import reads them back: ``members`` is one row per current member with
the household columns repeated; ``households`` is the backup: the same sheet with every member
(人员状态 死亡/迁出… included) first, then a sheet of one row per household with its 户主, and
the 各年度收入 sheet (every year's income).
Columns the national export lacks (村民小组, 脱贫年度, 家庭住址, 人员状态, 户备注 …) are read by
our importer, so the backup restores every household and member field; only 收入年度 is
informational (the income of one year is exported, --year chooses which).

ID, bank and phone numbers are text cells; ``masked`` (公示) replaces them per the masking
setting — a masked file is for posting, not for importing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from sqlalchemy import and_, case, func, select

from ..models import Household, HouseholdIncome, Member, Village
from ..models.household import MEASURE_CATEGORIES
from ..models.member import RELATIONS
from .table_xlsx import XlsxColumn as C

H, M, I, V = (Household.__table__, Member.__table__, HouseholdIncome.__table__,
              Village.__table__)


def _yes(v) -> str | None:
    return None if v is None else ("是" if v else "否")


def _mark(v) -> str | None:  # measure columns: 是 or empty, as the national export writes them
    return "是" if v else None


# (column, value getter over a joined row `r` and the masking functions `mk`)
Getter = Callable[[object, dict], object]
_HOUSEHOLD_HEAD: list[tuple[C, Getter]] = [
    (C("县", "text", 10), lambda r, mk: r.county),
    (C("乡(镇)", "text", 10), lambda r, mk: r.township),
    (C("行政村", "text", 10), lambda r, mk: r.village_name),
    (C("村民小组", "text", 8), lambda r, mk: r.group_name),
    (C("户编号", "code", 19), lambda r, mk: r.code),
    (C("户类型", "text", 9), lambda r, mk: r.household_type),
    (C("脱贫年度", "int", 8), lambda r, mk: r.poverty_exit_year),
    (C("监测对象类别", "text", 13), lambda r, mk: r.monitoring_category),
    (C("识别监测时间", "date", 11), lambda r, mk: r.monitoring_date),
    *[(C(f"致贫返贫风险{i}", "text", 12), lambda r, mk, i=i: getattr(r, f"risk{i}"))
      for i in range(1, 6)],
    (C("风险是否已消除", "text", 8), lambda r, mk: _yes(r.risk_eliminated)),
    (C("风险消除方式", "text", 9), lambda r, mk: r.elimination_method),
    (C("风险消除时间", "date", 11), lambda r, mk: r.elimination_date),
    (C("风险消除后人均纯收入(元)", "money", 12), lambda r, mk: r.elimination_per_capita),
    (C("家庭人口数", "int", 7), lambda r, mk: r.family_size),
]
_HOUSEHOLD_TAIL: list[tuple[C, Getter]] = [
    (C("收入年度", "int", 7), lambda r, mk: r.income_year),
    (C("人均纯收入(元)", "money", 12), lambda r, mk: r.per_capita_income),
    (C("家庭纯收入(元)", "money", 12), lambda r, mk: r.net_income),
    (C("工资性收入(元)", "money", 12), lambda r, mk: r.wage_income),
    (C("生产经营性收入(元)", "money", 12), lambda r, mk: r.business_income),
    (C("财产性收入(元)", "money", 11), lambda r, mk: r.property_income),
    (C("转移性收入(元)", "money", 11), lambda r, mk: r.transfer_income),
    (C("生产经营性支出(元)", "money", 12), lambda r, mk: r.business_expense),
    (C("合规自付支出(元)", "money", 12), lambda r, mk: r.compliant_self_paid),
    (C("户联系电话", "code", 13), lambda r, mk: mk["phone"](r.phone)),
    (C("开户银行", "text", 14), lambda r, mk: r.bank_name),
    (C("银行账号", "code", 22), lambda r, mk: mk["bank"](r.bank_account)),
    (C("是否危房户", "text", 7), lambda r, mk: _yes(r.dangerous_house)),
    (C("是否解决安全饮用水", "text", 9), lambda r, mk: _yes(r.safe_water)),
    (C("享受低保", "text", 7), lambda r, mk: _yes(r.low_income_support)),
    (C("享受特困", "text", 7), lambda r, mk: _yes(r.extreme_poverty_support)),
    (C("帮扶责任人", "text", 9), lambda r, mk: r.helper_name),
    (C("帮扶责任人单位", "text", 16), lambda r, mk: r.helper_unit),
    (C("帮扶责任人联系电话", "code", 13), lambda r, mk: mk["phone"](r.helper_phone)),
    *[(C(cn, "text", 7), lambda r, mk, a=attr: _mark(getattr(r, f"measure_{a}")))
      for attr, cn in MEASURE_CATEGORIES],
]
# columns the national export lacks, so that our backup restores every field
_HOUSEHOLD_EXTRA: list[tuple[C, Getter]] = [
    (C("家庭住址", "text", 24), lambda r, mk: r.address),
    (C("不愁吃", "text", 6), lambda r, mk: _yes(r.food_secure)),
    (C("不愁穿", "text", 6), lambda r, mk: _yes(r.clothing_secure)),
    (C("义务教育有保障", "text", 8), lambda r, mk: _yes(r.education_secure)),
    (C("基本医疗有保障", "text", 8), lambda r, mk: _yes(r.medical_secure)),
    (C("住房安全有保障", "text", 8), lambda r, mk: _yes(r.housing_secure)),
    (C("收入计算人口数", "int", 8), lambda r, mk: r.income_persons),
    (C("户备注", "text", 20), lambda r, mk: r.note),
]
_MEMBER: list[tuple[C, Getter]] = [
    (C("姓名", "text", 9), lambda r, mk: r.name),
    (C("证件类型", "text", 10), lambda r, mk: r.id_type),
    (C("证件号码", "code", 20), lambda r, mk: mk["id"](r.id_number)),
    (C("性别", "text", 5), lambda r, mk: r.sex),
    (C("民族", "text", 7), lambda r, mk: r.ethnicity),
    (C("出生日期", "date", 11), lambda r, mk: r.birth_date),
    (C("与户主关系", "text", 8), lambda r, mk: r.relation),
    (C("文化程度", "text", 10), lambda r, mk: r.education),
    (C("在校生状况", "text", 12), lambda r, mk: r.school_status),
    (C("健康状况", "text", 10), lambda r, mk: r.health),
    (C("劳动技能", "text", 14), lambda r, mk: r.labour_skill),
    (C("务工时间(月)", "int", 8), lambda r, mk: r.work_months),
    (C("是否参加城乡居民基本医疗保险", "text", 9), lambda r, mk: _yes(r.basic_medical_insurance)),
    (C("是否参加大病保险", "text", 9), lambda r, mk: _yes(r.critical_illness_insurance)),
    (C("是否参加城乡居民基本养老保险", "text", 9), lambda r, mk: _yes(r.pension_insurance)),
    (C("是否参加职工基本医疗保险", "text", 9), lambda r, mk: _yes(r.employee_medical_insurance)),
    (C("义务教育阶段未上学原因", "text", 14), lambda r, mk: r.out_of_school_reason),
    (C("家庭成员联系电话", "code", 13), lambda r, mk: mk["phone"](r.member_phone)),
    (C("人员状态", "text", 7), lambda r, mk: r.status),
    (C("状态变更日期", "date", 11), lambda r, mk: r.status_date),
    (C("状态说明", "text", 16), lambda r, mk: r.status_note),
]
# members export: 享受低保 / 享受特困 on a member's row are that member's own (the importer reads
# them so), the household's flag where the member has none recorded
_OWN = {"享受低保": lambda r, mk: _yes(r.low_income_support if r.m_dibao is None else r.m_dibao),
        "享受特困": lambda r, mk: _yes(r.extreme_poverty_support if r.m_tekun is None else r.m_tekun)}
_HOUSEHOLD_TAIL_MEMBERS = [(c, _OWN.get(c.title, g)) for c, g in _HOUSEHOLD_TAIL]
_HEAD: list[tuple[C, Getter]] = [
    (C("姓名(户主)", "text", 9), lambda r, mk: r.head_name),
    (C("证件号码(户主)", "code", 20), lambda r, mk: mk["id"](r.head_id_number)),
    (C("与户主关系", "text", 8), lambda r, mk: "户主" if r.head_name else None),
    (C("现有人数", "int", 7), lambda r, mk: r.active_members),
]
_NO = (C("序号", "int", 6), None)


def _maskers(db, masked: bool) -> dict:
    from ..services.settings import output_maskers

    mask_id, mask_bank, mask_phone = output_maskers(db, masked)
    return {"id": mask_id, "bank": mask_bank, "phone": mask_phone}


def _income_year(s, year: int | None) -> int | None:
    return year if year is not None else s.scalar(select(func.max(I.c.year)))


def _household_select(year: int | None, village_id: int | None):
    income = and_(I.c.household_id == H.c.id, I.c.year == year)
    stmt = (select(H, V.c.name.label("village_name"), I.c.year.label("income_year"),
                   I.c.persons.label("income_persons"),
                   *(I.c[k] for k in ("per_capita_income", "net_income", "wage_income",
                                       "business_income", "property_income", "transfer_income",
                                       "business_expense", "compliant_self_paid")))
            .join(V, V.c.id == H.c.village_id).outerjoin(I, income)
            .where(H.c.deleted_at.is_(None)))
    if village_id is not None:
        stmt = stmt.where(H.c.village_id == village_id)
    return stmt


_RANK = case({rel: i for i, rel in enumerate(RELATIONS)}, value=M.c.relation, else_=len(RELATIONS))


def _member_rows(s, year, village_id, include_inactive: bool,
                 empty_households: bool = False) -> Iterator:
    """``empty_households`` (the backup): a household without members gets one row with the
    member columns empty, so that it is restored too."""
    hs = _household_select(year, village_id).subquery("h")
    live = and_(M.c.household_id == hs.c.id, M.c.deleted_at.is_(None))
    if not include_inactive:
        live = and_(live, M.c.status == "正常")
    stmt = (select(hs, *(M.c[k] for k in ("name", "id_type", "id_number", "sex", "ethnicity",
                                          "birth_date", "relation", "education", "school_status",
                                          "health", "labour_skill", "work_months",
                                          "basic_medical_insurance", "critical_illness_insurance",
                                          "pension_insurance", "employee_medical_insurance",
                                          "out_of_school_reason", "status", "status_date",
                                          "status_note")),
                   M.c.phone.label("member_phone"), M.c.low_income_support.label("m_dibao"),
                   M.c.extreme_poverty_support.label("m_tekun"))
            .join(M, live, isouter=empty_households)
            .join(V, V.c.id == hs.c.village_id)
            .order_by(V.c.sort_order, V.c.name, hs.c.code, _RANK, M.c.birth_date, M.c.id))
    yield from s.execute(stmt.execution_options(yield_per=2000))


def _incomes_table(s, village_id):
    """The backup's 各年度收入 sheet: every year's income of every household exported (the
    member sheet carries one year only); importers/backup_incomes.py reads it back."""
    from ..importers.backup_incomes import COLUMNS, SHEET_NAME
    from .table_xlsx import XlsxTable

    cols = [C("户编号", "code", 19), C("收入年度", "int", 8),
            *(C(t, "int" if c == "persons" else "money", 12) for t, c in COLUMNS.items())]
    stmt = (select(H.c.code, I.c.year, *(I.c[c] for c in COLUMNS.values()))
            .join(H, H.c.id == I.c.household_id).join(V, V.c.id == H.c.village_id)
            .where(H.c.deleted_at.is_(None))
            .order_by(V.c.sort_order, V.c.name, H.c.code, I.c.year))
    if village_id is not None:
        stmt = stmt.where(H.c.village_id == village_id)
    return XlsxTable(cols, (tuple(r) for r in s.execute(stmt)), sheet_name=SHEET_NAME)


def _count_empty(rows, counter: list) -> Iterator:
    for r in rows:
        if r.id_number is None:
            counter[0] += 1
        yield r


def _household_rows(s, year, village_id) -> Iterator:
    head = (select(M.c.name, M.c.id_number).where(
        M.c.household_id == H.c.id, M.c.relation == "户主", M.c.deleted_at.is_(None))
        .order_by(M.c.status != "正常", M.c.id).limit(1))
    active = (select(func.count()).select_from(M).where(
        M.c.household_id == H.c.id, M.c.status == "正常", M.c.deleted_at.is_(None))
        .scalar_subquery())
    stmt = (_household_select(year, village_id)
            .add_columns(head.with_only_columns(M.c.name).scalar_subquery().label("head_name"),
                         head.with_only_columns(M.c.id_number).scalar_subquery()
                         .label("head_id_number"),
                         active.label("active_members"))
            .order_by(V.c.sort_order, V.c.name, H.c.code))
    yield from s.execute(stmt.execution_options(yield_per=2000))


def _title(db, what: str, masked: bool, year, village_name) -> tuple[str, str]:
    from ..services.settings import township_info

    info = township_info(db)
    place = "".join(x for x in (info.county, info.township, village_name) if x)
    title = f"{place}{what}" + ("（公示）" if masked else "")
    note = (f"导出时间:{dt.datetime.now():%Y-%m-%d %H:%M:%S}    导出范围:{place or '全部'}"
            f"    收入年度:{year or '无'}")
    return title, note


def _export(db, out, kind: str, masked: bool, year: int | None, village: str | None,
            include_inactive: bool = False) -> dict:
    from ..services.access import must_mask
    from .table_xlsx import XlsxTable, write_tables_xlsx

    masked = must_mask(db, masked)  # an auditor's export is always masked

    with db.read() as s:
        village_id = None
        if village:
            village_id = s.scalar(select(V.c.id).where(V.c.name == village))
            if village_id is None:
                from ..errors import InputError

                raise InputError(f"没有名为“{village}”的行政村")
        y = _income_year(s, year)
        mk = _maskers(s, masked)
        empty = [0]

        def table(what: str) -> XlsxTable:
            if what == "members":
                spec = _HOUSEHOLD_HEAD + _HOUSEHOLD_TAIL_MEMBERS + _HOUSEHOLD_EXTRA + _MEMBER
                backup = kind == "households"
                source = _member_rows(s, y, village_id, include_inactive or backup, backup)
            else:
                spec = _HOUSEHOLD_HEAD[:5] + _HEAD + _HOUSEHOLD_HEAD[5:] + _HOUSEHOLD_TAIL
                source = _household_rows(s, y, village_id)
            getters = [g for _, g in spec]
            if what == "members":
                source = _count_empty(source, empty)
            rows = ([n, *(g(r, mk) for g in getters)] for n, r in enumerate(source, 1))
            title, note = _title(s, "家庭成员信息" if what == "members" else "户信息", masked, y,
                                 village)
            return XlsxTable([_NO[0], *(c for c, _ in spec)], rows, title, note,
                             "家庭成员信息" if what == "members" else "户信息")

        if kind == "members":
            n = write_tables_xlsx(out, [table("members")])[0]
            return {"out": str(out), "rows": n, "masked": masked, "income_year": y}
        # the backup: every member (the sheet the importer reads comes first), then the
        # one-row-per-household overview
        rows_m, n, _ = write_tables_xlsx(out, [table("members"), table("households"),
                                               _incomes_table(s, village_id)])
        n_members = rows_m - empty[0]  # the rows of households without members hold nobody
    return {"out": str(out), "rows": n, "masked": masked, "income_year": y,
            "members": n_members}


def export_members(db, out, *, masked: bool = False, year: int | None = None,
                   village: str | None = None, include_inactive: bool = False) -> dict:
    """One row per current member (status 正常), household columns repeated, as the national
    export lists them; ``include_inactive`` adds members who died or moved out (人员状态 says
    so — the importer does not read that column, so such a file is not for re-importing).
    Returns {"out", "rows", "masked", "income_year"}."""
    return _export(db, out, "members", masked, year, village, include_inactive)


def export_households(db, out, *, masked: bool = False, year: int | None = None,
                      village: str | None = None) -> dict:
    """The lossless backup of the registry: sheet 1 lists every member (also those who died
    or moved out, 人员状态 says so) with every household and member field, in the layout
    `import households` reads, so export → import into an empty database gives the same
    households and members; sheet 2 is one row per household (not deleted) with its 户主 and
    现有人数. Returns {"out", "rows" (households), "members", "masked", "income_year"}."""
    return _export(db, out, "households", masked, year, village)
