"""Archive settings: categories (类别) and their order, 类别/保管期限 per kind of item, boxes.

全宗号 and 全宗名称 are township settings (services/settings.py); everything archive-specific is
one JSON value under ``archive.config`` in the settings table, read with defaults filled in.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ...archive.model import (
    CODE_RE, DEFAULT_CATEGORIES, RETENTION_NAMES, ArchiveSettings, Category,
)
from ...errors import ValidationError
from ...models import Setting
from .. import settings as township_settings

CONFIG_KEY = "archive.config"
THICKNESSES = (20, 30, 40, 50)  # mm, the box sizes DA/T 22-2015 practice uses
DEFAULT_CAPACITIES = {20: 200, 30: 300, 40: 400, 50: 500}  # pages (sheets) per box


@dataclass(frozen=True)
class KindSpec:
    title: str  # what the clerk sees (and the 题名 stem)
    category: str  # default 类别代码
    retention: str  # default 保管期限
    rank: int  # order inside a 类别 before dates (ledgers first, then files, then scans)


# Every kind of item the archive knows, in the order the settings dialog lists them.
ITEM_KINDS: dict[str, KindSpec] = {
    "ledger:households": KindSpec("户信息台账", "SB", "Y", 10),
    "ledger:members": KindSpec("家庭成员信息台账", "SB", "Y", 11),
    "ledger:monitoring": KindSpec("防止返贫监测对象台账", "TP", "Y", 12),
    "ledger:measures": KindSpec("帮扶措施台账", "SC", "D30", 13),
    "ledger:posts": KindSpec("公益性岗位人员台账", "SC", "D30", 14),
    "ledger:attendance": KindSpec("公益性岗位签到考勤表（每月）", "SC", "D10", 15),
    "ledger:payroll": KindSpec("公益性岗位补贴发放花名册（每月）", "SC", "D30", 16),
    "ledger:wages-annual": KindSpec("公益性岗位补贴年度汇总", "SC", "D30", 17),
    "ledger:medical": KindSpec("医疗救助台账", "SC", "D30", 18),
    "ledger:chronic": KindSpec("慢性病卡台账", "SC", "D30", 19),
    "ledger:signing": KindSpec("家庭医生签约台账", "SC", "D10", 20),
    "ledger:visits": KindSpec("走访记录台账", "ZH", "D30", 21),
    "ledger:problems": KindSpec("问题整改台账", "ZG", "D30", 22),
    "household-file": KindSpec("一户一档", "PK", "Y", 30),
    "registered": KindSpec("登记的文件（扫描件等）", "ZH", "D30", 40),
}


@dataclass
class ArchiveConfig:
    categories: list[Category] = field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    # kind -> (类别代码, 保管期限)
    kinds: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {k: (s.category, s.retention) for k, s in ITEM_KINDS.items()})
    box_thickness_mm: int = 30
    box_capacities: dict[int, int] = field(default_factory=lambda: dict(DEFAULT_CAPACITIES))
    organizer: str = ""  # 整理人 (default for new years)
    checker: str = ""  # 检查人

    def category_of(self, kind: str) -> str:
        return self.kinds.get(kind, (ITEM_KINDS[kind].category, ""))[0]

    def retention_of(self, kind: str) -> str:
        return self.kinds.get(kind, ("", ITEM_KINDS[kind].retention))[1]

    def category_name(self, code: str) -> str:
        return next((c.name for c in self.categories if c.code == code), code)

    def to_json(self) -> dict:
        return {"categories": [[c.code, c.name] for c in self.categories],
                "kinds": {k: list(v) for k, v in self.kinds.items()},
                "box_thickness_mm": self.box_thickness_mm,
                "box_capacities": {str(k): v for k, v in sorted(self.box_capacities.items())},
                "organizer": self.organizer, "checker": self.checker}


def _from_json(raw: Mapping | None) -> ArchiveConfig:
    cfg = ArchiveConfig()
    if not raw:
        return cfg
    if raw.get("categories"):
        cfg.categories = [Category(str(c), str(n)) for c, n in raw["categories"]]
    for kind, value in (raw.get("kinds") or {}).items():
        if kind in ITEM_KINDS:  # a kind this version no longer has is dropped
            cfg.kinds[kind] = (str(value[0]), str(value[1]))
    # a kind newer than the saved settings brings its default category along (e.g. 整改类)
    codes = {c.code for c in cfg.categories}
    for kind, spec in ITEM_KINDS.items():
        if kind not in (raw.get("kinds") or {}) and spec.category not in codes:
            cfg.categories.append(next(c for c in DEFAULT_CATEGORIES if c.code == spec.category))
            codes.add(spec.category)
    cfg.box_thickness_mm = int(raw.get("box_thickness_mm", cfg.box_thickness_mm))
    if raw.get("box_capacities"):
        cfg.box_capacities = {int(k): int(v) for k, v in raw["box_capacities"].items()}
    cfg.organizer = str(raw.get("organizer") or "")
    cfg.checker = str(raw.get("checker") or "")
    return cfg


def _session_get(db_or_session, fn):
    if isinstance(db_or_session, Session):
        return fn(db_or_session)
    with db_or_session.read() as s:
        return fn(s)


def load_config(db_or_session) -> ArchiveConfig:
    row = _session_get(db_or_session, lambda s: s.get(Setting, CONFIG_KEY))
    return _from_json(copy.deepcopy(row.value) if row is not None else None)


def validate_config(cfg: ArchiveConfig) -> None:
    """ValidationError (Chinese, naming the field) for a configuration that cannot number items."""
    if not cfg.categories:
        raise ValidationError("至少需要一个类别。", field="categories")
    seen_codes, seen_names = set(), set()
    for c in cfg.categories:
        if not c.name.strip():
            raise ValidationError(f"类别代码“{c.code}”没有名称，请填写类别名称。", field="categories")
        if not CODE_RE.match(c.code):
            raise ValidationError(f"类别“{c.name}”的代码“{c.code}”无效：只能由1—16个字母或数字组成"
                                  "（例如 SB）。", field="categories")
        if c.code.upper() in seen_codes or c.name in seen_names:
            raise ValidationError(f"类别“{c.name}”（{c.code}）重复，请为每个类别设置不同的名称和代码。",
                                  field="categories")
        seen_codes.add(c.code.upper())
        seen_names.add(c.name)
    codes = {c.code for c in cfg.categories}
    for kind, (cat, ret) in cfg.kinds.items():
        title = ITEM_KINDS[kind].title
        if cat not in codes:
            raise ValidationError(f"“{title}”的类别“{cat}”不在类别列表中，请重新选择。", field="kinds")
        if ret not in RETENTION_NAMES:
            raise ValidationError(f"“{title}”的保管期限“{ret}”无效，应为永久、定期30年或定期10年。",
                                  field="kinds")
    if cfg.box_thickness_mm not in THICKNESSES:
        raise ValidationError(f"档案盒厚度应为 {'、'.join(map(str, THICKNESSES))} mm 之一。",
                              field="box_thickness_mm")
    for t in THICKNESSES:
        cap = cfg.box_capacities.get(t)
        if cap is None or not 1 <= cap <= 5000:
            raise ValidationError(f"{t} mm 档案盒的容量应为 1—5000 页。", field="box_capacities")
    for label, text in (("整理人", cfg.organizer), ("检查人", cfg.checker)):
        if len(text) > 40:
            raise ValidationError(f"“{label}”过长（最多40个字）。", field="people")


def save_config(session: Session, cfg: ArchiveConfig) -> None:
    """Check and store ``cfg`` in the session's unit of work (audited through the ORM)."""
    validate_config(cfg)
    value = cfg.to_json()
    row = session.get(Setting, CONFIG_KEY)
    if row is None:
        session.add(Setting(key=CONFIG_KEY, value=value))
    elif row.value != value:
        row.value = value
    session.flush()


def save_fonds(session: Session, fonds_no: str, fonds_name: str) -> None:
    """全宗号 and 全宗名称 (township settings, checked here: the 全宗号 is part of every 档号)."""
    fonds_no = (fonds_no or "").strip().upper()
    errors = {}
    if not CODE_RE.match(fonds_no):
        errors["fonds_no"] = "全宗号只能由1—16个字母或数字组成（例如 Z012，由档案馆给定）。"
    if not (fonds_name or "").strip():
        errors["fonds_name"] = "请填写全宗名称（立档单位的全称，例如 平塘县清河镇人民政府）。"
    if errors:
        raise ValidationError("；".join(errors.values()), field=next(iter(errors)), errors=errors)
    township_settings.set(session, township_settings.FONDS_NO, fonds_no)
    township_settings.set(session, township_settings.FONDS_NAME, fonds_name.strip())


def set_box_thickness(session: Session, thickness_mm: int) -> ArchiveConfig:
    cfg = load_config(session)
    cfg.box_thickness_mm = int(thickness_mm)
    save_config(session, cfg)
    return cfg


def core_settings(db_or_session, cfg: ArchiveConfig | None = None, *, closed: bool = True,
                  workers: int | None = None) -> ArchiveSettings:
    """The archive core's settings. ``closed`` is True by default: the services number the items
    themselves (open or closed rules) and the core must keep those numbers."""
    cfg = cfg or load_config(db_or_session)
    info = _session_get(db_or_session, township_settings.township_info)
    if not info.fonds_no:
        raise ValidationError("还没有设置全宗号。请在“档案设置”中填写全宗号（例如 Z012，由档案馆给定）后再归档。",
                              field="fonds_no")
    if not info.fonds_name:
        raise ValidationError("还没有设置全宗名称（或乡镇名称）。请在“档案设置”中填写后再归档。", field="fonds_name")
    out = ArchiveSettings(info.fonds_no, info.fonds_name, categories=tuple(cfg.categories),
                          box_thickness_mm=cfg.box_thickness_mm,
                          box_capacities=dict(cfg.box_capacities), closed=closed,
                          workers=workers or min(8, max(2, os.cpu_count() or 2)))
    out.validate()
    return out
