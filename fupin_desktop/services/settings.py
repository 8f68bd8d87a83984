"""Typed access to the installation's settings (models.Setting), with defaults.

Values are stored as JSON. Money is kept as text ("7400.00") so it never passes through float;
the monitoring threshold is a table year → amount that the clerk edits in the settings dialog.
Nothing in the program hard-codes a year: :func:`monitoring_threshold` falls back to the latest
year the table knows (or the earliest, for a year before all of them).

``get`` takes a Database or a Session; ``set`` takes the Session of a ``db.write()`` so the
change is audited through the ORM and commits with the rest of that unit of work.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..models import Setting

TOWNSHIP = "township_name"        # 乡镇名称
COUNTY = "county"                 # 县（区、市）
FONDS_NO = "fonds_no"             # 全宗号
FONDS_NAME = "fonds_name"         # 全宗名称
LEDGER_UNIT = "ledger_unit"       # 编制单位 printed on ledgers
PREPARER = "preparer"             # 制表人
REVIEWER = "reviewer"             # 审核人
MONITORING_THRESHOLDS = "monitoring_thresholds"  # {"2024": "7400.00", …}
MASKING = "masking"               # {"id": [head, tail, stars], "bank": …, "phone": …}
IDLE_LOCK_MINUTES = "idle_lock_minutes"  # the GUI asks for the password again after this idle time
REGION_CODE = "region_code"       # 行政区划代码 of the township (12, 9 or 6 digits)
BACKUP_KEEP = "backup_keep"       # automatic backups kept: {"daily": 7, "weekly": 4, "monthly": 12}

# Monitoring thresholds (防止返贫监测范围, 元/人·年) as provincial notices set them in recent
# years; only the starting values of a new installation — the office edits them.
DEFAULT_THRESHOLDS = {"2021": "6000.00", "2022": "6500.00", "2023": "6900.00",
                      "2024": "7400.00", "2025": "7800.00"}
# DESIGN.md §3: ID 6 + ******** + 4, bank card 6 + *** + 4, phone 3 + **** + 4.
DEFAULT_MASKING = {"id": [6, 4, "********"], "bank": [6, 4, "***"], "phone": [3, 4, "****"]}
DEFAULT_BACKUP_KEEP = {"daily": 7, "weekly": 4, "monthly": 12}

DEFAULTS: dict[str, object] = {
    TOWNSHIP: "",
    COUNTY: "",
    FONDS_NO: "",
    FONDS_NAME: "",
    LEDGER_UNIT: "",
    PREPARER: "",
    REVIEWER: "",
    MONITORING_THRESHOLDS: DEFAULT_THRESHOLDS,
    MASKING: DEFAULT_MASKING,
    IDLE_LOCK_MINUTES: 30,
    REGION_CODE: "",
    BACKUP_KEEP: DEFAULT_BACKUP_KEEP,
}

LABELS = {
    TOWNSHIP: "乡镇名称", COUNTY: "所属县（区、市）", FONDS_NO: "全宗号", FONDS_NAME: "全宗名称",
    LEDGER_UNIT: "编制单位", PREPARER: "制表人", REVIEWER: "审核人",
    MONITORING_THRESHOLDS: "监测范围（人均纯收入标准）", MASKING: "公示打码方式",
    IDLE_LOCK_MINUTES: "空闲自动锁定（分钟）",
    REGION_CODE: "行政区划代码", BACKUP_KEEP: "自动备份保留份数",
}

FEN = Decimal("0.01")
_TEXT_KEYS = (TOWNSHIP, COUNTY, FONDS_NO, FONDS_NAME, LEDGER_UNIT, PREPARER, REVIEWER)


def _read(db_or_session, fn):
    if isinstance(db_or_session, Session):
        return fn(db_or_session)
    with db_or_session.read() as s:
        return fn(s)


def get(db_or_session, key: str):
    """The stored value of ``key``, or its default (a copy: callers may modify it)."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = _read(db_or_session, lambda s: s.get(Setting, key))
    if row is None or row.value is None:
        return copy.deepcopy(DEFAULTS[key])
    return copy.deepcopy(row.value)


def get_all(db_or_session) -> dict[str, object]:
    """Every known setting with defaults filled in (one query)."""
    from sqlalchemy import select

    stored = _read(db_or_session, lambda s: {r.key: r.value for r in s.scalars(select(Setting))})
    return {k: copy.deepcopy(stored[k] if stored.get(k) is not None else d)
            for k, d in DEFAULTS.items()}


def set(session: Session, key: str, value) -> None:  # noqa: A001 - the module's public verb
    """Store ``value`` for ``key`` after checking it; audited by the ORM in the same transaction."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    from .users.access import require_admin

    require_admin(session)  # settings are the admin's (issue 13)
    value = _clean(key, value)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value
    session.flush()


def _clean(key: str, value):
    label = LABELS[key]
    if key in _TEXT_KEYS:
        text = "" if value is None else str(value).strip()
        if len(text) > 100:
            raise ValidationError(f"“{label}”过长（最多100个字）", field=key)
        return text
    if key == MONITORING_THRESHOLDS:
        if not isinstance(value, dict):
            raise ValidationError(f"“{label}”应为“年度 → 金额”的表", field=key)
        return {str(y): str(a) for y, a in sorted(
            (_year(y), _amount(a, y)) for y, a in value.items())}
    if key == MASKING:
        return _masking(value)
    if key == IDLE_LOCK_MINUTES:
        try:
            minutes = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"“{label}”应为整数分钟", field=key) from None
        if not 1 <= minutes <= 480:
            raise ValidationError(f"“{label}”应在 1—480 分钟之间", field=key)
        return minutes
    if key == REGION_CODE:
        return region_code(value)
    if key == BACKUP_KEEP:
        return _backup_keep(value)
    raise KeyError(key)  # pragma: no cover - every key is handled above


def _year(y) -> int:
    try:
        year = int(str(y).strip())
    except ValueError:
        raise ValidationError(f"监测范围的年度“{y}”不是年份", field=MONITORING_THRESHOLDS) from None
    if not 2000 <= year <= 2100:
        raise ValidationError(f"监测范围的年度“{y}”不在2000—2100之间", field=MONITORING_THRESHOLDS)
    return year


def _amount(a, year) -> Decimal:
    try:
        d = Decimal(str(a).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{year}年监测范围“{a}”不是金额", field=MONITORING_THRESHOLDS) from None
    if not d.is_finite() or d <= 0 or d >= 1_000_000:
        raise ValidationError(f"{year}年监测范围应为大于0的金额（元/人·年）",
                              field=MONITORING_THRESHOLDS)
    return d.quantize(FEN, ROUND_HALF_UP)


def _masking(value) -> dict:
    if not isinstance(value, dict) or frozenset(value) != frozenset(DEFAULT_MASKING):
        raise ValidationError("打码方式应分别给出证件号码、银行账号、电话的保留位数", field=MASKING)
    out = {}
    for kind, spec in value.items():
        try:
            head, tail, stars = int(spec[0]), int(spec[1]), str(spec[2])
        except (TypeError, ValueError, IndexError):
            raise ValidationError("打码方式应为“前保留位数、后保留位数、替代符号”", field=MASKING) from None
        if head < 0 or tail < 0 or head + tail > 12 or not stars:
            raise ValidationError("打码后保留的位数过多或替代符号为空，请重新设置", field=MASKING)
        out[kind] = [head, tail, stars]
    return out


def region_code(value) -> str:
    """A 行政区划代码: 12 digits (统计用区划代码, down to the village level), 9 (乡镇级) or 6 (县级);
    empty is allowed (not set yet)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if text and (not text.isascii() or not text.isdigit() or len(text) not in (6, 9, 12)):
        raise ValidationError(f"行政区划代码“{text}”无效：应为12位数字（例如 522727104000），"
                              "也可填写9位乡镇代码或6位县级代码。", field=REGION_CODE)
    return text


def _backup_keep(value) -> dict:
    label = LABELS[BACKUP_KEEP]
    if not isinstance(value, dict) or not frozenset(value) <= frozenset(DEFAULT_BACKUP_KEEP):
        raise ValidationError(f"“{label}”应分别给出每日、每周、每月保留的份数", field=BACKUP_KEEP)
    out = dict(DEFAULT_BACKUP_KEEP)
    for kind, n in value.items():
        try:
            count = int(str(n).strip())
        except ValueError:
            raise ValidationError(f"“{label}”应为整数", field=BACKUP_KEEP) from None
        if not 0 <= count <= 400:
            raise ValidationError(f"“{label}”应在 0—400 之间", field=BACKUP_KEEP)
        out[kind] = count
    if not any(out.values()):
        raise ValidationError(f"“{label}”不能全为 0：至少要保留一份备份", field=BACKUP_KEEP)
    return out


# ---- typed helpers -------------------------------------------------------------------------

def monitoring_thresholds(db_or_session) -> dict[int, Decimal]:
    """Year → threshold (元/人·年), sorted by year."""
    raw = get(db_or_session, MONITORING_THRESHOLDS) or {}
    return {int(y): Decimal(str(a)) for y, a in sorted(raw.items(), key=lambda kv: int(kv[0]))}


def threshold_for(table: dict[int, Decimal], year: int) -> Decimal | None:
    """The threshold of ``year`` from ``table``: that year, else the latest earlier year, else the
    earliest year known (a year before the table starts); None for an empty table."""
    if not table:
        return None
    if year in table:
        return table[year]
    earlier = [y for y in table if y < year]
    return table[max(earlier)] if earlier else table[min(table)]


def monitoring_threshold(db_or_session, year: int) -> Decimal | None:
    return threshold_for(monitoring_thresholds(db_or_session), year)


def set_monitoring_threshold(session: Session, year: int, amount) -> None:
    table = get(session, MONITORING_THRESHOLDS)
    table[str(_year(year))] = str(_amount(amount, year))
    set(session, MONITORING_THRESHOLDS, table)


def masking_pattern(db_or_session) -> dict[str, tuple[int, int, str]]:
    return {k: (int(v[0]), int(v[1]), str(v[2])) for k, v in get(db_or_session, MASKING).items()}


def masker(db_or_session):
    """Functions (mask_id, mask_bank, mask_phone) following the stored pattern."""
    from ..domain.masking import mask_text

    p = masking_pattern(db_or_session)

    def make(kind):
        head, tail, stars = p[kind]
        return lambda v: mask_text(v, head, tail, stars)

    return make("id"), make("bank"), make("phone")


def _same(value):
    return value


def output_maskers(db_or_session, masked: bool = False):
    """(mask_id, mask_bank, mask_phone) for an export or ledger: masking functions when the
    clerk asked for a masked (公示) copy or the reader is an auditor, else the values as they are."""
    from .users.access import must_mask

    if must_mask(db_or_session, masked):
        return masker(db_or_session)
    return _same, _same, _same


@dataclass(frozen=True)
class TownshipInfo:
    """What headers of ledgers, files and archive documents print."""

    township: str
    county: str
    fonds_no: str
    fonds_name: str
    unit: str  # 编制单位; falls back to “<乡镇>人民政府”
    preparer: str
    reviewer: str


def township_info(db_or_session) -> TownshipInfo:
    v = get_all(db_or_session)
    township = v[TOWNSHIP]
    unit = v[LEDGER_UNIT] or (f"{township}人民政府" if township else "")
    fonds_name = v[FONDS_NAME] or (f"{v[COUNTY]}{township}人民政府" if township else "")
    return TownshipInfo(township=township, county=v[COUNTY], fonds_no=v[FONDS_NO],
                        fonds_name=fonds_name, unit=unit, preparer=v[PREPARER],
                        reviewer=v[REVIEWER])


def save_township_setup(session: Session, *, township: str, county: str = "", fonds_no: str = "",
                        region: str = "") -> None:
    """What the first-run wizard asks: 乡镇名称, 县, 全宗号 and 行政区划代码, checked together
    (``ValidationError.errors`` names every bad field) and stored in the session's unit of work."""
    from ..archive.model import CODE_RE

    errors = {}
    township = (township or "").strip()
    if not township:
        errors[TOWNSHIP] = "请填写乡镇名称（例如 清河镇）。"
    fonds = (fonds_no or "").strip().upper()
    if fonds and not CODE_RE.match(fonds):
        errors[FONDS_NO] = "全宗号只能由1—16个字母或数字组成（例如 Z012，由档案馆给定）；不知道可以先空着。"
    try:
        region = region_code(region)
    except ValidationError as exc:
        errors[REGION_CODE] = exc.message
    if errors:
        raise ValidationError("；".join(errors.values()), field=next(iter(errors)), errors=errors)
    set(session, TOWNSHIP, township)
    set(session, COUNTY, county)
    set(session, FONDS_NO, fonds)
    set(session, REGION_CODE, region)
