"""GB 11643 ID numbers: normalisation, MOD 11-2, birth date, sex, region."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fupin_desktop.domain.idcard import (
    WEIGHTS, IdCheck, check_char, is_known_region, normalize_id, validate_id,
)

TODAY = dt.date(2025, 11, 20)


def reference_check_char(body17: str) -> str:
    """The textbook definition, to test the fast implementation against."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, WEIGHTS)) % 11]


def make_id(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + reference_check_char(body)


births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
regions = st.sampled_from(["110101", "522729", "440305", "650102", "810000", "310115"])
valid_ids = st.builds(make_id, regions, births, st.integers(0, 999))


# -- check character ------------------------------------------------------------------------
def test_weights_are_powers_of_two_mod_11():
    assert WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_textbook_definition(body):
    assert check_char(body) == reference_check_char(body)


@pytest.mark.parametrize("idno", ["11010519491231002X", "440524188001010014", "522729196208023116",
                                  "52272919650324216X"])
def test_check_char_known_examples(idno):
    assert check_char(idno[:17]) == idno[17]


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1234567890123456a",
                                 "１２３４５６７８９０１２３４５６７"])
def test_check_char_refuses_non_digit_bodies(bad):
    with pytest.raises(ValueError):
        check_char(bad)


# -- properties of MOD 11-2 ---------------------------------------------------------------------
@given(valid_ids)
def test_valid_body_with_computed_check_char_passes(idno):
    r = validate_id(idno, TODAY)
    assert r.ok and r.code is None and r.normalized == idno
    assert r.birth_date == dt.date(int(idno[6:10]), int(idno[10:12]), int(idno[12:14]))
    assert r.sex == ("男" if int(idno[16]) % 2 else "女")
    assert r.region_known


@given(valid_ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_substitution_is_detected(idno, pos, ch):
    assume(idno[pos] != ch)
    assume(pos == 17 or ch != "X")  # X is only a check character
    changed = idno[:pos] + ch + idno[pos + 1:]
    r = validate_id(changed, TODAY)
    assert not r.ok
    # a changed birth digit may make the date impossible: that is reported first
    assert r.code in ({"id-checksum", "id-birthdate"} if 6 <= pos < 14 else {"id-checksum"})
    if r.code == "id-checksum":
        assert check_char(changed[:17]) != changed[17]


@given(valid_ids, st.integers(0, 16))
def test_any_adjacent_transposition_is_detected(idno, pos):
    a, b = idno[pos], idno[pos + 1]
    assume(a != b)
    swapped = idno[:pos] + b + a + idno[pos + 2:]
    r = validate_id(swapped, TODAY)
    assert not r.ok
    assert r.code in ({"id-checksum", "id-birthdate"} if 5 <= pos < 14 else {"id-checksum"})


def test_mod_11_2_detects_every_substitution_and_adjacent_swap_exhaustively():
    """The property behind the two tests above, for all digit values and positions: weights are
    non-zero mod 11 (substitution) and neighbours' weights differ mod 11 (transposition)."""
    for i, w in enumerate(WEIGHTS):
        for d in range(10):
            for e in range(10):
                if d != e:
                    assert (d - e) * w % 11 != 0  # substitution changes the sum
                    if i < 16:
                        # swapping d,e at i,i+1 changes the sum by (d-e)*(w_i - w_{i+1})
                        assert (d - e) * (w - WEIGHTS[i + 1]) % 11 != 0
    # and the check character itself: changing it alone always mismatches (it is a function)


# -- normalisation -----------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("52272919760323564x", "52272919760323564X"),
    (" 522729199506230037\u00a0", "522729199506230037"),
    ("５２２７２９２０１３０４２３１７８７", "522729201304231787"),
    ("522729 19950623 0037", "522729199506230037"),
    ("\u3000522729199506230037\u3000", "522729199506230037"),
    ("52272919760323564ｘ", "52272919760323564X"),
    ("", ""),
    (None, ""),
])
def test_normalize_id(raw, expected):
    assert normalize_id(raw) == expected


@pytest.mark.parametrize("number", [522729196208023116, 5.227291962080231e17])
def test_normalize_id_refuses_numbers(number):
    with pytest.raises(TypeError):
        normalize_id(number)


def test_validate_normalises_before_checking():
    r = validate_id(" ５２２７２９１９７６０３２３５６４ｘ\u00a0", TODAY)
    assert r.ok and r.normalized == "52272919760323564X" and r.sex == "女"


# -- failures and their messages ------------------------------------------------------------------
def test_length_message_names_the_actual_length():
    r = validate_id("52272919620802311", TODAY)
    assert (r.ok, r.code) == (False, "id-length")
    assert r.message == "证件号码应为18位，实为17位，请核对后重新填写"
    assert validate_id("", TODAY).code == "id-length"
    assert validate_id("5227291962080231161", TODAY).message.startswith("证件号码应为18位，实为19位")


def test_old_15_digit_number_is_a_length_error():
    assert validate_id("522729620802311", TODAY).code == "id-length"


def test_letters_inside_are_refused():
    r = validate_id("52272919620802311O", TODAY)  # letter O instead of a digit
    assert r.code == "id-checksum" and "最后一位" in r.message
    r = validate_id("5227291962O8023116", TODAY)
    assert r.code == "id-checksum" and "第11位" in r.message


@pytest.mark.parametrize("ymd", ["19851310", "19711327", "19690229", "20230230", "18991231"])
def test_impossible_birth_date(ymd):
    idno = make_id_raw("522729", ymd, 123)
    r = validate_id(idno, TODAY)
    assert r.code == "id-birthdate" and ymd in r.message


def test_birth_date_in_the_future():
    idno = make_id("522729", dt.date(2025, 11, 21), 1)
    assert validate_id(idno, TODAY).code == "id-birthdate"
    assert "晚于今天" in validate_id(idno, TODAY).message
    assert validate_id(idno, dt.date(2025, 11, 21)).ok  # born today is fine


def test_leap_day_birth_is_valid():
    assert validate_id(make_id("522729", dt.date(2000, 2, 29), 5), TODAY).ok


def make_id_raw(region: str, ymd: str, seq: int) -> str:
    body = f"{region}{ymd}{seq:03d}"
    return body + reference_check_char(body)


def test_checksum_message():
    r = validate_id("522729196208023117", TODAY)
    assert r.code == "id-checksum" and "校验位" in r.message
    assert r.birth_date is None and r.sex is None


# -- region ---------------------------------------------------------------------------------------
def test_unknown_region_is_only_flagged():
    idno = make_id("990101", dt.date(1980, 1, 1), 1)
    r = validate_id(idno, TODAY)
    assert r.ok and not r.region_known


@pytest.mark.parametrize("code, known", [("110101", True), ("522729", True), ("820000", True),
                                         ("710000", True), ("000000", False), ("990000", False),
                                         ("190101", False), ("", False)])
def test_is_known_region(code, known):
    assert is_known_region(code) is known


def test_idcheck_is_frozen():
    r = validate_id("522729196208023116", TODAY)
    assert isinstance(r, IdCheck)
    with pytest.raises(AttributeError):
        r.ok = False  # type: ignore[misc]


def test_default_today_is_the_real_today():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert validate_id(make_id("522729", tomorrow, 1)).code == "id-birthdate"
