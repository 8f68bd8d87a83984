"""How a cell of the national export becomes a value: the reader of each household and member
field with its warning code, and the cache that reads each distinct cell text once (an export
repeats 汉族, 初中, 是 … on every row). national_export._Parser applies them row by row."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from fupin_desktop.domain.bankcard import normalize_account
from fupin_desktop.domain.normalize import (
    clean_text, digits_text, parse_amount, parse_bool_cn, parse_date, parse_int,
)
from fupin_desktop.importers.national_records import HOUSEHOLD_COLUMNS


def measure_flag(v: object) -> bool:
    """Measure columns hold 是 or nothing: empty (handled by the caller) means no."""
    return bool(parse_bool_cn(v))


def phone_text(v: object) -> str | None:
    return digits_text(v, "电话号码")


def account_text(v: object) -> str | None:
    s = digits_text(v, "银行账号")
    return normalize_account(s) or None if s else None


# How each household field is read, and the warning code when it cannot be read.
READERS: dict[str, tuple[Callable[[object], object], str]] = {
    "monitoring_date": (parse_date, "bad-date"),
    "elimination_date": (parse_date, "bad-date"),
    "family_size": (parse_int, "bad-number"),
    "phone": (phone_text, "bad-phone"),
    "helper_phone": (phone_text, "bad-phone"),
    "bank_account": (account_text, "bank-not-text"),
    **{f: (parse_bool_cn, "bad-flag") for f in ("risk_eliminated", "dangerous_house",
                                                "safe_water", "dibao", "tekun")},
    **{f: (parse_amount, "bad-amount") for f in (
        "per_capita_income", "elimination_per_capita", "net_income", "wage_income", "business_income", "property_income",
        "transfer_income", "business_expense", "compliant_self_paid")},
    **{f: (measure_flag, "bad-flag") for f in HOUSEHOLD_COLUMNS if f.startswith("measure_")},
}
TEXT_READER = (clean_text, "bad-value")


def free_text(v: object) -> str | None:
    """Free text (address, notes) kept as typed: trimmed, but no NFKC, so full-width
    punctuation （，） survives a round trip through our own backup."""
    if v.__class__ is str:
        return v.strip() or None
    return clean_text(v)


READERS.update({
    "poverty_exit_year": (parse_int, "bad-number"),
    "income_persons": (parse_int, "bad-number"),
    **{f: (parse_bool_cn, "bad-flag") for f in ("food_secure", "clothing_secure",
                                                "education_secure", "medical_secure",
                                                "housing_secure")},
    "address": (free_text, "bad-value"),
    "note": (free_text, "bad-value"),
})

# member fields that are parsed (the rest are text): field -> (reader, warning code)
MEMBER_READERS: dict[str, tuple[Callable[[object], object], str]] = {
    "work_months": (parse_int, "bad-number"),
    "basic_medical_insurance": (parse_bool_cn, "bad-flag"),
    "critical_illness_insurance": (parse_bool_cn, "bad-flag"),
    "pension_insurance": (parse_bool_cn, "bad-flag"),
    "member_phone": (phone_text, "bad-phone"),
    "employee_medical_insurance": (parse_bool_cn, "bad-flag"),
    "out_of_school_reason": (clean_text, "bad-value"),
}


class Bad:
    """A cached parse failure: the same bad text on many rows warns on each of them."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class CellCache:
    """Raw cell -> parsed value for one reader. Exports repeat the same few values (汉族, 初中,
    是, 0.0, 12000.0) on every row; a dict lookup is cheaper than NFKC or Decimal each time.
    ``bool`` cells bypass it (True == 1 would collide with the number 1)."""

    __slots__ = ("fn", "data")

    def __init__(self, fn: Callable[[object], object]):
        self.fn = fn
        self.data: dict[object, object] = {None: None, "": fn("") if fn is not measure_flag else False}

    def __call__(self, raw: object) -> object:
        if raw.__class__ is bool:
            return self.compute(raw)
        try:
            return self.data[raw]
        except KeyError:
            return self.miss(raw)

    def miss(self, raw: object) -> object:
        value = self.compute(raw)
        if len(self.data) < 50_000:
            self.data[raw] = value
        return value

    def compute(self, raw: object) -> object:
        try:
            return self.fn(raw)
        except ValueError as exc:
            return Bad(str(exc))


def member_values(id_type, ethnicity, relation, education, school, health, skill, months,
                   medical, critical, pension) -> tuple:
    """Normalised member columns 2–15 (all but name, ID, sex, birth date and phone), with
    ``Bad`` markers for values that cannot be read. Cached per distinct combination."""
    out = []
    for v in (id_type, ethnicity, relation, education, school, health, skill):
        out.append(clean_text(v))
    for v, fn in ((months, parse_int), (medical, parse_bool_cn), (critical, parse_bool_cn),
                  (pension, parse_bool_cn)):
        try:
            out.append(fn(v))
        except ValueError as exc:
            out.append(Bad(str(exc)))
    return tuple(out)


# member cells that make up the cache key of member_values, by position in M_FIELDS
COMBO = itemgetter(1, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14)
COMBO_FIELDS = ("id_type", "ethnicity", "relation", "education", "school_status", "health",
                 "labour_skill", "work_months", "basic_medical_insurance",
                 "critical_illness_insurance", "pension_insurance")
