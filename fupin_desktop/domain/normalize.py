"""Turn raw spreadsheet cells (str, int, float, bool, date, datetime, None) into clean values.

Each parser accepts what township files really contain (full-width digits, U+00A0, `元`,
thousands separators, dates typed six different ways) and raises ``ValueError`` with a Chinese
message when it cannot make sense of a cell. Empty cells become ``None``.

These run once per cell of a 150,000-row import: the common case (plain ASCII text, a number)
takes a fast path before any NFKC or regex work.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# Excel's 1900 date system: serial 1 = 1900-01-01, and the phantom 1900-02-29 (serial 60) means
# day 0 is 1899-12-30 for every serial after February 1900.
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31

_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_DIGITS_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})?")

# placeholders clerks type into a cell that means "nothing here"
_EMPTY_MARKS = frozenset({"-", "--", "—", "——", "/", "无", "空"})
_NA_MARKS = frozenset({"-", "--", "—", "——", "/"})  # for yes/no cells, where 无 means "no"


def clean_text(v: object) -> str | None:
    """Text of a cell: NFKC, trimmed (incl. U+00A0 and U+3000); ``None`` when empty.

    Numbers become their plain decimal text ("3" for 3.0); dates become ISO text.
    """
    if v is None:
        return None
    if v.__class__ is str:
        s = v.strip() if v.isascii() else unicodedata.normalize("NFKC", v).strip()
        return s or None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    s = unicodedata.normalize("NFKC", str(v)).strip()
    return s or None


def digits_text(v: object, what: str = "号码") -> str | None:
    """A number kept as text (phone, bank account, code): the cell text without spaces.

    A numeric cell is accepted only when it cannot have lost digits (< 10**15, integral), since
    Excel keeps 15 significant digits; otherwise ``ValueError`` tells the clerk to re-type it as
    text. Used for phone numbers and account numbers, never for ID numbers (those are refused
    outright when numeric).
    """
    if v is None:
        return None
    if v.__class__ is str:
        s = v if v.isascii() else unicodedata.normalize("NFKC", v)
        s = "".join(s.split())
        return s or None
    if isinstance(v, bool):
        raise ValueError(f"{what}不能是“是/否”，请填写号码")
    if isinstance(v, int):
        if abs(v) >= 10**15:
            raise ValueError(f"{what}是数字格式，超过15位的部分已被 Excel 改动，请把该列设为文本后重新填写")
        return str(v)
    if isinstance(v, float):
        if not v.is_integer() or abs(v) >= 1e15:
            raise ValueError(f"{what}是数字格式，超过15位的部分已被 Excel 改动，请把该列设为文本后重新填写")
        return str(int(v))
    raise ValueError(f"无法识别的{what}“{v}”")


def _nfkc_strip(v: str) -> str:
    return (v if v.isascii() else unicodedata.normalize("NFKC", v)).strip()


def _make_date(y: int, m: int, d: int, raw: object) -> _dt.date:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"日期“{raw}”不存在，请核对年、月、日") from None


def _from_number(n: float, raw: object) -> _dt.date:
    """A numeric date cell: 20210301 / 202103 typed as a number, or an Excel serial day."""
    if n != n or not float(n).is_integer():
        raise ValueError(f"无法把数字“{raw}”识别为日期，请写成 2021-03-01 的形式")
    i = int(n)
    if 19000101 <= i <= 99991231:
        return _make_date(i // 10000, i // 100 % 100, i % 100, raw)
    if 190001 <= i <= 999912 and 1 <= i % 100 <= 12:
        return _make_date(i // 100, i % 100, 1, raw)
    if 1 <= i <= _MAX_SERIAL:
        if i < 61:  # before the phantom 1900-02-29
            i += 1
        return _EXCEL_EPOCH + _dt.timedelta(days=i)
    raise ValueError(f"无法把数字“{raw}”识别为日期，请写成 2021-03-01 的形式")


def parse_date(v: object) -> _dt.date | None:
    """A date from a cell; month-only forms (202103, 2021-03, 2021年3月) give the 1st.

    Accepts date/datetime objects, Excel serial numbers, 2021/3/1, 2021-03-01, 2021.3.1,
    20210301, 2021年3月1日 (optionally followed by a time of day).
    """
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, bool):
        raise ValueError(f"无法把“{'是' if v else '否'}”识别为日期")
    if isinstance(v, (int, float)):
        return _from_number(v, v)
    if not isinstance(v, str):
        raise ValueError(f"无法识别的日期“{v}”，请写成 2021-03-01 或 2021年3月1日 的形式")
    s = _nfkc_strip(v)
    if not s or s in _EMPTY_MARKS:
        return None
    if s.isdigit():
        if len(s) == 8:
            return _make_date(int(s[:4]), int(s[4:6]), int(s[6:]), v)
        if len(s) == 6 and 1 <= int(s[4:]) <= 12:
            return _make_date(int(s[:4]), int(s[4:]), 1, v)
        if len(s) == 5:  # an Excel serial exported as text (a bare year like 2021 is refused)
            return _from_number(int(s), v)
        raise ValueError(f"无法识别的日期“{v}”，请写成 2021-03-01 或 2021年3月1日 的形式")
    m = _FULL_DATE.fullmatch(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), v)
    m = _MONTH.fullmatch(s)
    if m:
        month = int(m[2])
        if 1 <= month <= 12:
            return _dt.date(int(m[1]), month, 1)
        raise ValueError(f"日期“{v}”的月份不存在，请核对")
    raise ValueError(f"无法识别的日期“{v}”，请写成 2021-03-01 或 2021年3月1日 的形式")


def _quantize(d: Decimal, raw: object) -> Decimal:
    if not d.is_finite():
        raise ValueError(f"金额“{raw}”不是数字，请填写阿拉伯数字")
    try:
        return d.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than Decimal's precision (1e26, 10**30)
        raise ValueError(f"金额“{raw}”过大，请核对（金额不超过 1,000,000,000 元）") from None


# characters that decorate an amount but do not change it
_AMOUNT_JUNK = str.maketrans("", "", ",，元¥￥ \u00a0\u3000")


def parse_amount(v: object) -> Decimal | None:
    """Money as ``Decimal`` in cents, or ``None`` for an empty cell. A number cell is rounded to
    cents (half up, as Excel shows it); text with more than two decimals is refused.

    A float cell goes through ``repr`` (the shortest text that round-trips), so 5866.67 stays
    5866.67 rather than 5866.670000000000072759576141834259033203125.
    """
    if v is None:
        return None
    cls = v.__class__
    if cls is float:
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(f"金额“{v}”不是数字，请填写阿拉伯数字")
        return _quantize(Decimal(repr(v)), v)
    if cls is int:
        return _quantize(Decimal(v), v)
    if cls is Decimal:
        return _quantize(v, v)
    if cls is str:
        s = v if v.isascii() else unicodedata.normalize("NFKC", v)
        s = s.translate(_AMOUNT_JUNK)
        if s.upper().startswith("RMB"):
            s = s[3:]
        if not s or s in _EMPTY_MARKS:
            return None
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise ValueError(f"无法识别的金额“{v.strip()}”，请只填写数字，如 12345.60") from None
        # typed text with a third decimal is a typo, not a rounding (a number cell's float
        # noise, 12666.666…, is rounded as Excel shows it)
        if d.is_finite() and d.as_tuple().exponent < -2 and d != d.quantize(CENT, rounding=ROUND_HALF_UP):
            raise ValueError(f"金额“{v.strip()}”超过两位小数，请核对（金额精确到分，如 12345.60）")
        return _quantize(d, v)
    if isinstance(v, bool):
        raise ValueError("金额不能是“是/否”，请填写数字")
    raise ValueError(f"无法识别的金额“{v}”，请只填写数字，如 12345.60")


# units clerks append to counts: 5人, 12个月, 30天
_INT_UNITS = ("个月", "人", "口", "月", "天", "日", "岁", "次", "个")


def parse_int(v: object) -> int | None:
    """A whole number (people, months, days); accepts 12.0, '12', '１２', '12个月'."""
    if v is None:
        return None
    cls = v.__class__
    if cls is int:
        return v
    if cls is float:
        if v.is_integer():
            return int(v)
        raise ValueError(f"“{v}”不是整数，请填写整数")
    if cls is str:
        s = _nfkc_strip(v).replace(",", "")
        if not s or s in _EMPTY_MARKS:
            return None
        for unit in _INT_UNITS:
            if s.endswith(unit):
                s = s[: -len(unit)].strip()
                break
        try:
            if s.isascii() and s.lstrip("+-").isdigit():
                return int(s)
            d = Decimal(s)
        except (InvalidOperation, ValueError):
            raise ValueError(f"无法识别的数字“{v.strip()}”，请填写整数") from None
        if d.is_finite() and d == d.to_integral_value():
            return int(d)
        raise ValueError(f"“{v.strip()}”不是整数，请填写整数")
    if isinstance(v, bool):
        raise ValueError("这里应填写整数，不能是“是/否”")
    raise ValueError(f"无法识别的数字“{v}”，请填写整数")


_TRUE = frozenset({"是", "√", "✓", "✔", "有", "Y", "YES", "TRUE", "T", "1", "对", "已"})
_FALSE = frozenset({"否", "×", "✗", "✘", "无", "N", "NO", "FALSE", "F", "0", "不是", "未", "没有"})


def parse_bool_cn(v: object) -> bool | None:
    """是/否, √/×, 有/无, Y/N, 1/0 (text or number); empty gives ``None``."""
    if v is None:
        return None
    cls = v.__class__
    if cls is str:
        s = v.strip() if v.isascii() else unicodedata.normalize("NFKC", v).strip()
        if not s or s in _NA_MARKS:
            return None
        su = s.upper()
        if su in _TRUE:
            return True
        if su in _FALSE:
            return False
        raise ValueError(f"无法识别“{s}”，请填写“是”或“否”")
    if cls is bool:
        return v
    if cls is int or cls is float:
        if v == 1:
            return True
        if v == 0:
            return False
        raise ValueError(f"无法识别“{v}”，请填写“是”或“否”")
    raise ValueError(f"无法识别“{v}”，请填写“是”或“否”")
