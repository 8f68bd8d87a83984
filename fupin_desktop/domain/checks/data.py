"""Plain data the 疑点 rules read (filled by services/checks from bulk queries)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

ACTIVE = "正常"
LABOUR = frozenset({"普通劳动力", "技能劳动力"})
NO_LABOUR = frozenset({"无劳动力", "丧失劳动力"})
_SYNONYMS = {"无劳动能力": "无劳动力", "非在校生": "", "住房出现安全问题": "因安全住房",
             "饮水安全问题": "因安全饮水"}


@lru_cache(maxsize=4096)
def _norm_text(text: str) -> str:
    text = text.strip()
    return _SYNONYMS.get(text, text)


_NORMED: dict[object, str] = {None: ""}


def norm(value: object) -> str:
    """Treat the export's interchangeable spellings as one value (a dict hit for the few dozen
    values a township holds: this runs ~20 times per member)."""
    try:
        return _NORMED[value]
    except KeyError:
        out = _norm_text(value if isinstance(value, str) else str(value))
        if len(_NORMED) < 100_000:
            _NORMED[value] = out
        return out


@dataclass(unsafe_hash=True, slots=True)
class Member:
    """One member record. Hashable, but not frozen (nor are the other records the loader builds by
    the hundred thousand): a frozen dataclass's __init__ costs five times as much, and nothing
    changes a record once loaded. Slots: a third less memory, and each field read by the rules
    is a slot, not a dict lookup."""
    id_number: str
    name: str = ""
    relation: str = ""          # 与户主关系
    sex: str = ""
    birth_date: _dt.date | None = None
    status: str = ACTIVE        # 状态
    status_date: _dt.date | None = None
    ethnicity: str = ""         # 民族
    health: str = ""            # 健康状况
    labour: str = ""            # 劳动技能
    school: str = ""            # 在校生状况
    education: str = ""         # 文化程度
    out_of_school_reason: str = ""  # 义务教育阶段未上学原因
    resident_insurance: str = ""    # 城乡居民基本医疗保险
    employee_insurance: str = ""    # 职工基本医疗保险
    critical_insurance: str = ""    # 大病保险
    pension: str = ""               # 养老保险
    dibao: str = ""                 # 享受低保 (是/否/"")
    tekun: str = ""                 # 享受特困供养
    document_type: str = ""         # 证件类型
    disability_card: str = ""       # 残疾人证 (empty when not recorded)


@dataclass(unsafe_hash=True, slots=True)
class Income:
    per_capita: Decimal | None = None
    wage: Decimal | None = None          # 工资性收入
    business: Decimal | None = None      # 生产经营性收入
    self_pay: Decimal | None = None      # 合规自付支出


@dataclass(unsafe_hash=True, slots=True)
class Assignment:
    member_id: str
    post: str
    start: _dt.date
    end: _dt.date | None = None     # None: still active
    min_age: int | None = None      # the post rules' age range (inclusive min, exclusive max)
    max_age: int | None = None


@dataclass(unsafe_hash=True, slots=True)
class Settlement:
    member_id: str
    admitted: _dt.date | None
    settled: _dt.date | None
    self_pay: Decimal = Decimal(0)
    basic_paid: Decimal = Decimal(0)    # 基本医保 paid


@dataclass(unsafe_hash=True, slots=True)
class Period:
    member_id: str
    start: _dt.date | None
    end: _dt.date | None


@dataclass(slots=True)
class Ledgers:
    """What the posts, wages and medical ledgers hold for one household (the check year). Not
    frozen, like the other records (the loader builds one per household; nothing changes it)."""
    assignments: tuple[Assignment, ...] = ()
    last_attendance: dict[str, _dt.date] = field(default_factory=dict)  # member id -> latest mark
    wages_paid: Decimal = Decimal(0)        # paid to the household's members in the year
    settlements: tuple[Settlement, ...] = ()
    chronic_cards: tuple[Period, ...] = ()
    signings: tuple[Period, ...] = ()
    posts_kept: bool = True     # False: the township keeps no posts ledger here (X04 cannot judge)
    medical_kept: bool = True   # False: no medical settlements are kept here (X07 cannot judge)


@dataclass(unsafe_hash=True, slots=True)
class Household:
    number: str                  # 户编号
    village: str = ""
    head_name: str = ""
    household_type: str = ""     # 户类型
    monitor_type: str = ""       # 监测对象类别
    risks: tuple[str, ...] = ()  # 致贫/返贫风险1–5 (in order, may hold "")
    risk_cleared: str = ""       # 风险是否已消除
    clear_method: str = ""       # 风险消除方式
    clear_date: _dt.date | None = None
    cleared_per_capita: Decimal | None = None  # 风险消除后人均纯收入 (None: not recorded)
    identified: _dt.date | None = None   # 识别监测时间
    dangerous_house: str = ""    # 是否危房
    safe_water: str = ""         # 是否安全饮水
    measures: dict[str, str] = field(default_factory=dict)  # 帮扶措施 kind -> text
    members: tuple[Member, ...] = ()
    income: Income | None = None
    ledgers: Ledgers | None = None


@dataclass(frozen=True)
class Context:
    as_of: _dt.date
    year: int
    threshold: Decimal | None = None
    all_ids: dict[str, int] = field(default_factory=dict)  # id -> count over every member record
    alert_line: Decimal | None = None      # 因病返贫 self-pay alert line
    payment_ids: tuple[tuple[str, str], ...] = ()  # (ID, where: 工资表/银行代发) from payroll and bank files


def age(member: Member, on: _dt.date) -> int | None:
    return _age(member.birth_date, member.id_number, on)


@lru_cache(maxsize=65536)
def _age(birth: _dt.date | None, id_number: str, on: _dt.date) -> int | None:
    born = birth or birth_from_id(id_number)
    if born is None:
        return None
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def birth_from_id(id_number: str) -> _dt.date | None:
    text = (id_number or "").strip()
    if len(text) != 18:
        return None
    try:
        return _dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None


def active(members):
    return [m for m in members if m.status == ACTIVE]
