"""Cell normalisers: text, dates, money, integers, yes/no."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.normalize import (
    clean_text, digits_text, parse_amount, parse_bool_cn, parse_date, parse_int,
)


# -- clean_text -----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    (" 谢诺 ", "谢诺"),
    ("\u00a0长顺县\u3000", "长顺县"),
    ("ＡＢＣ１２３", "ABC123"),
    ("", None),
    ("  \u00a0\u3000 ", None),
    (None, None),
    (3.0, "3"),
    (12, "12"),
    (2.5, "2.5"),
    (True, "是"),
    (dt.date(2021, 3, 1), "2021-03-01"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_keeps_inner_spaces():
    assert clean_text(" 帮扶 单位 ") == "帮扶 单位"


# -- digits_text ----------------------------------------------------------------------------------
def test_digits_text_keeps_text_as_is():
    assert digits_text(" 157 9936 7514\u00a0") == "15799367514"
    assert digits_text("１５７９９３６７５１４") == "15799367514"
    assert digits_text("") is None


def test_digits_text_accepts_exact_numbers_only():
    assert digits_text(15799367514.0) == "15799367514"
    assert digits_text(15799367514) == "15799367514"
    with pytest.raises(ValueError, match="文本"):
        digits_text(6.228486073815055e18, "银行账号")
    with pytest.raises(ValueError):
        digits_text(1234.5)


# -- parse_date -----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [
    "2021/3/1", "2021-03-01", "2021.3.1", "20210301", "2021年3月1日", " 2021-03-01 ",
    "２０２１年３月１日", "2021-3-1", "2021/03/01 00:00:00", "2021-03-01T08:30", "2021 年 3 月 1 日",
    dt.date(2021, 3, 1), dt.datetime(2021, 3, 1, 10, 30), 44256, 44256.0, 20210301.0,
])
def test_parse_date_forms(raw):
    assert parse_date(raw) == dt.date(2021, 3, 1)


@pytest.mark.parametrize("raw", ["202103", "2021-03", "2021年3月", "2021/3", "2021.03", 202103.0,
                                 "2021年03月"])
def test_parse_month_forms_give_the_first(raw):
    assert parse_date(raw) == dt.date(2021, 3, 1)


@pytest.mark.parametrize("raw", [None, "", "  ", "-", "/", "无"])
def test_parse_date_empty(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize("serial, expected", [(1, dt.date(1900, 1, 1)), (59, dt.date(1900, 2, 28)),
                                              (61, dt.date(1900, 3, 1)),
                                              (45981, dt.date(2025, 11, 20))])
def test_excel_serials(serial, expected):
    assert parse_date(serial) == expected


@pytest.mark.parametrize("raw, fragment", [
    ("2021-02-30", "不存在"), ("20211301", "不存在"), ("2021-13", "月份"), ("三月一日", "无法识别"),
    ("2021", "无法识别"), ("abc", "无法识别"), (44256.5, "无法"), (True, "无法"),
])
def test_parse_date_errors_are_chinese(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_date(raw)


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 12, 31)))
def test_parse_date_round_trips_every_text_form(d):
    for text in (f"{d:%Y-%m-%d}", f"{d:%Y%m%d}", f"{d.year}/{d.month}/{d.day}",
                 f"{d.year}.{d.month}.{d.day}", f"{d.year}年{d.month}月{d.day}日"):
        assert parse_date(text) == d
    serial = (d - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == d


# -- parse_amount ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("12,345.60元", "12345.60"),
    ("￥12,345.6", "12345.60"),
    ("¥ 100", "100.00"),
    ("１２，３４５.６０元", "12345.60"),
    ("5,866.67元", "5866.67"),
    ("0.00元", "0.00"),
    (" 8760\u00a0", "8760.00"),
    ("-500", "-500.00"),
    ("RMB 20", "20.00"),
    (5866.67, "5866.67"),
    (0.1 + 0.2, "0.30"),
    (12666.666666666666, "12666.67"),
    (2.675, "2.68"),  # repr '2.675' rounds half up, not the binary 2.67499999…
    (1200.5, "1200.50"),
    (36000, "36000.00"),
    (Decimal("1.005"), "1.01"),
])
def test_parse_amount(raw, expected):
    got = parse_amount(raw)
    assert isinstance(got, Decimal) and got == Decimal(expected)
    assert got.as_tuple().exponent == -2


@pytest.mark.parametrize("raw", [None, "", " ", "-", "元"])
def test_parse_amount_empty(raw):
    assert parse_amount(raw) is None


@pytest.mark.parametrize("raw", ["一千元", "12.3.4", "NaN", "Infinity", "1.2万", True, float("nan")])
def test_parse_amount_errors(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)


@pytest.mark.parametrize("raw", ["12.345", "5,866.667元", "0.001"])
def test_typed_amount_with_a_third_decimal_is_refused(raw):
    with pytest.raises(ValueError, match="超过两位小数"):
        parse_amount(raw)
    assert parse_amount("12.3400") == Decimal("12.34")  # trailing zeros are no third decimal


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_parse_amount_of_any_float_cell_is_the_typed_cents(d):
    # what Excel stores for a typed amount is the nearest double; its repr gives the typed text back
    assert parse_amount(float(d)) == d
    assert parse_amount(f"{d:,}元") == d


# -- parse_int ------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [(12, 12), (12.0, 12), ("12", 12), ("１２", 12),
                                           ("12个月", 12), ("5人", 5), (" 6 ", 6), ("1,200", 1200),
                                           ("3.0", 3), (None, None), ("", None), ("-", None)])
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", [12.5, "12.5", "abc", "十二", True])
def test_parse_int_errors(raw):
    with pytest.raises(ValueError):
        parse_int(raw)


# -- parse_bool_cn --------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["是", "√", "有", "Y", "y", "yes", "1", 1, 1.0, True, " 是 ", "✓"])
def test_true_values(raw):
    assert parse_bool_cn(raw) is True


@pytest.mark.parametrize("raw", ["否", "×", "无", "N", "n", "no", "0", 0, 0.0, False])
def test_false_values(raw):
    assert parse_bool_cn(raw) is False


@pytest.mark.parametrize("raw", [None, "", "  ", "-", "/"])
def test_empty_values(raw):
    assert parse_bool_cn(raw) is None


@pytest.mark.parametrize("raw", ["也许", "2", 2, "是的吧"])
def test_unknown_values(raw):
    with pytest.raises(ValueError, match="是.*否"):
        parse_bool_cn(raw)
