"""Settings: defaults, typed values, the per-year monitoring threshold, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from fupin_desktop.errors import ValidationError
from fupin_desktop.models import AuditLog
from fupin_desktop.services import settings


def test_defaults_when_nothing_is_stored(db):
    assert settings.get(db, settings.TOWNSHIP) == ""
    thresholds = settings.monitoring_thresholds(db)
    assert thresholds and all(isinstance(v, Decimal) for v in thresholds.values())
    assert list(thresholds) == sorted(thresholds)
    # a caller changing the returned value does not change the default
    settings.get(db, settings.MASKING)["id"][0] = 99
    assert settings.get(db, settings.MASKING)["id"][0] == 6


def test_set_and_get_roundtrip_is_audited(any_db):
    with any_db.write() as s:
        settings.set(s, settings.TOWNSHIP, "  清河镇 ")
    with any_db.write() as s:
        settings.set(s, settings.TOWNSHIP, "白云镇")
    assert settings.get(any_db, settings.TOWNSHIP) == "白云镇"
    with any_db.read() as s:
        assert settings.get(s, settings.TOWNSHIP) == "白云镇"  # a Session works too
        audit = s.execute(select(AuditLog.action, AuditLog.changes).where(
            AuditLog.table_name == "settings").order_by(AuditLog.id)).all()
    assert [a for a, _ in audit] == ["insert", "update"]
    assert audit[1][1]["value"] == ["清河镇", "白云镇"]


def test_threshold_per_year_with_fallbacks(db):
    with db.write() as s:
        settings.set(s, settings.MONITORING_THRESHOLDS, {"2023": "6900", 2024: 7400.5})
    assert settings.monitoring_threshold(db, 2024) == Decimal("7400.50")
    assert settings.monitoring_threshold(db, 2023) == Decimal("6900.00")
    assert settings.monitoring_threshold(db, 2027) == Decimal("7400.50")  # latest known year
    assert settings.monitoring_threshold(db, 2019) == Decimal("6900.00")  # earliest known year
    with db.write() as s:
        settings.set_monitoring_threshold(s, 2026, "8,100")
    assert settings.monitoring_threshold(db, 2027) == Decimal("8100.00")
    assert settings.monitoring_threshold(db, 2025) == Decimal("7400.50")
    assert settings.threshold_for({}, 2025) is None


@pytest.mark.parametrize("key,value,field", [
    (settings.MONITORING_THRESHOLDS, {"2024": "-1"}, settings.MONITORING_THRESHOLDS),
    (settings.MONITORING_THRESHOLDS, {"二〇二四": "7000"}, settings.MONITORING_THRESHOLDS),
    (settings.MONITORING_THRESHOLDS, {"2024": "abc"}, settings.MONITORING_THRESHOLDS),
    (settings.MONITORING_THRESHOLDS, [7000], settings.MONITORING_THRESHOLDS),
    (settings.TOWNSHIP, "镇" * 101, settings.TOWNSHIP),
    (settings.MASKING, {"id": [6, 4, "*"]}, settings.MASKING),
    (settings.MASKING, {"id": [10, 8, "*"], "bank": [6, 4, "*"], "phone": [3, 4, "*"]},
     settings.MASKING),
])
def test_bad_values_are_refused_with_a_field(db, key, value, field):
    with pytest.raises(ValidationError) as err, db.write() as s:
        settings.set(s, key, value)
    assert err.value.field == field and err.value.message
    assert settings.get(db, key) == settings.DEFAULTS[key]  # nothing stored


def test_unknown_key(db):
    with pytest.raises(KeyError):
        settings.get(db, "no_such_setting")


def test_masker_follows_the_stored_pattern(db):
    mask_id, mask_bank, mask_phone = settings.masker(db)
    assert mask_id("522727198102126738") == "522727********6738"
    assert mask_phone("13179266838") == "131****6838"
    with db.write() as s:
        settings.set(s, settings.MASKING, {"id": [3, 2, "#"], "bank": [4, 4, "*"],
                                           "phone": [0, 4, "-"]})
    mask_id, mask_bank, mask_phone = settings.masker(db)
    assert mask_id("522727198102126738") == "522#38"
    assert mask_bank("6228480000000000001") == "6228*0001"
    assert mask_phone("13179266838") == "-6838"


def test_township_info_fills_unit_and_fonds_name(db):
    with db.write() as s:
        settings.set(s, settings.TOWNSHIP, "清河镇")
        settings.set(s, settings.COUNTY, "平塘县")
    info = settings.township_info(db)
    assert info.unit == "清河镇人民政府" and info.fonds_name == "平塘县清河镇人民政府"
    with db.write() as s:
        settings.set(s, settings.LEDGER_UNIT, "清河镇乡村振兴工作站")
    assert settings.township_info(db).unit == "清河镇乡村振兴工作站"


def test_township_setup_checks_every_field_and_stores_them(db):
    import pytest

    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services import settings

    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            settings.save_township_setup(s, township="", fonds_no="Z-01", region="52272710")
    assert set(err.value.errors) == {settings.TOWNSHIP, settings.FONDS_NO, settings.REGION_CODE}
    assert "12位数字" in err.value.errors[settings.REGION_CODE]
    for good in ("522727104000", "522727104", "522727", "５２２７２７"):
        assert settings.region_code(good).isdigit()
    with db.write() as s:
        settings.save_township_setup(s, township=" 清河镇 ", county="平塘县", fonds_no="z012",
                                     region="522727104000")
    info = settings.township_info(db)
    assert (info.township, info.county, info.fonds_no) == ("清河镇", "平塘县", "Z012")
    assert settings.get(db, settings.REGION_CODE) == "522727104000"
