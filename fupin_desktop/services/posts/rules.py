"""The rules of the posts module (eligibility, grading, wages), each stored as a setting.

Every rule is one row of the ``settings`` table (key ``posts.*``, JSON value), so it is shown
in the settings screen, changed through the ORM (audited, with the clerk's reason) and copied
into each closed month's wage run, which therefore stays explainable after a rule changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import ValidationError
from ...models import Setting
from ...models.posts import GRADES

FEN = Decimal("0.01")


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, eq=False)  # identity hash: the default may be a dict
class RuleDef:
    key: str
    attr: str
    label: str
    kind: str  # int | bool | money | money_or_null | decimal | grade_money | grade_thresholds
    default: object
    help: str = ""


RULE_DEFS: tuple[RuleDef, ...] = (
    RuleDef("posts.age_min", "age_min", "上岗最低年龄（周岁）", "int", 16, "上岗之日须年满此年龄"),
    RuleDef("posts.age_max", "age_max", "上岗最高年龄（周岁）", "int", 65, "上岗之日年龄不超过此数"),
    RuleDef("posts.one_per_household", "one_per_household", "一户一岗", "bool", True,
            "同一户同一期间只能有一人在岗"),
    RuleDef("posts.required_days", "required_days", "每月应出勤天数（岗位未设定时）", "int", 22,
            "岗位自身设定了应出勤天数时以岗位为准；月中上岗、离岗按在岗天数折算"),
    RuleDef("posts.absent_day_deduction", "absent_day_deduction", "旷工每天扣款（元）",
            "money_or_null", None, "留空表示按日补贴 × 旷工扣款倍数计算"),
    RuleDef("posts.absent_day_factor", "absent_day_factor", "旷工扣款倍数", "decimal", "2",
            "旷工每天扣款留空时：旷工1天扣几天的日补贴（日补贴 = 补贴标准 ÷ 应出勤天数）"),
    RuleDef("posts.shortfall_day_deduction", "shortfall_day_deduction", "出勤不足每天扣款（元）",
            "money_or_null", None,
            "出勤天数加旷工天数少于应出勤天数时，每差1天扣款；留空表示按日补贴扣"),
    RuleDef("posts.yellow_flag_deduction", "yellow_flag_deduction", "黄旗逾期未整改每面扣款（元）",
            "money", "50.00", "整改期限在本月、到期未整改的黄旗，每面扣款"),
    RuleDef("posts.red_flag_bonus", "red_flag_bonus", "红旗每面奖励（元）", "money", "20.00",
            "本月检查获得红旗，每面奖励"),
    RuleDef("posts.grade_bonus", "grade_bonus", "月度考核等次奖励（元）", "grade_money",
            {"优秀": "50.00", "合格": "0.00", "不合格": "0.00"}, "负数表示扣款"),
    RuleDef("posts.grade_thresholds", "grade_thresholds", "考核等次分数线", "grade_thresholds",
            {"优秀": 90, "合格": 60}, "检查得分不低于此分数评为该等次，低于“合格”线为不合格"),
    RuleDef("posts.grade_fail_absent_days", "grade_fail_absent_days", "月旷工达此天数评为不合格",
            "int", 3, "0 表示不按旷工评定等次"),
    RuleDef("posts.rectify_days", "rectify_days", "黄旗整改期限（天）", "int", 7,
            "检查时未写整改期限的，按检查日期加此天数"),
    RuleDef("posts.revocation_yellow_flags", "revocation_yellow_flags", "建议撤岗：黄旗面数",
            "int", 3, "统计期内黄旗达到此面数，工资表提示建议撤销岗位"),
    RuleDef("posts.revocation_window_months", "revocation_window_months", "建议撤岗：统计月数",
            "int", 6, "含当月在内的连续月数"),
    RuleDef("posts.floor_at_zero", "floor_at_zero", "实发金额不低于0元", "bool", True,
            "扣款超过应发金额时按0元发放"),
)
RULES_BY_KEY = {r.key: r for r in RULE_DEFS}


@dataclass(frozen=True)
class PostRules:
    age_min: int = 16
    age_max: int = 65
    one_per_household: bool = True
    required_days: int = 22
    absent_day_deduction: Decimal | None = None
    absent_day_factor: Decimal = Decimal("2")
    shortfall_day_deduction: Decimal | None = None
    yellow_flag_deduction: Decimal = Decimal("50.00")
    red_flag_bonus: Decimal = Decimal("20.00")
    grade_bonus: dict = field(default_factory=lambda: {
        "优秀": Decimal("50.00"), "合格": Decimal("0.00"), "不合格": Decimal("0.00")})
    grade_thresholds: dict = field(default_factory=lambda: {"优秀": 90, "合格": 60})
    grade_fail_absent_days: int = 3
    rectify_days: int = 7
    revocation_yellow_flags: int = 3
    revocation_window_months: int = 6
    floor_at_zero: bool = True

    def to_json(self) -> dict:
        """JSON-safe snapshot keyed by setting key (stored with each closed wage run)."""
        out = {}
        for r in RULE_DEFS:
            out[r.key] = _to_json(getattr(self, r.attr))
        return out

    def replace(self, **changes) -> PostRules:
        d = asdict(self)
        d.update(changes)
        return PostRules(**d)

    def grade_for_score(self, score: float | int | Decimal | None) -> str | None:
        if score is None:
            return None
        if score >= self.grade_thresholds["优秀"]:
            return "优秀"
        if score >= self.grade_thresholds["合格"]:
            return "合格"
        return "不合格"


def _to_json(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dict):
        return {k: _to_json(x) for k, x in v.items()}
    return v


def _money(value, label: str, *, allow_negative: bool = False) -> Decimal:
    try:
        d = Decimal(str(value).replace(",", "").replace("元", "").strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"“{label}”应为金额，如 50.00") from None
    if not d.is_finite() or (d < 0 and not allow_negative):
        raise ValueError(f"“{label}”应为不小于0的金额")
    return fen(d)


def parse_value(rule: RuleDef, value):
    """Check and convert one rule's value; ``ValueError`` with a Chinese message."""
    k, label = rule.kind, rule.label
    if k == "int":
        try:
            i = int(str(value).strip())
        except ValueError:
            raise ValueError(f"“{label}”应为整数") from None
        if i < 0 or i > 120:
            raise ValueError(f"“{label}”应在0到120之间")
        return i
    if k == "bool":
        if isinstance(value, bool):
            return value
        s = str(value).strip().lower()
        if s in ("是", "true", "1", "yes", "y"):
            return True
        if s in ("否", "false", "0", "no", "n"):
            return False
        raise ValueError(f"“{label}”应为“是”或“否”")
    if k == "money":
        return _money(value, label)
    if k == "money_or_null":
        return None if value is None or str(value).strip() == "" else _money(value, label)
    if k == "decimal":
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"“{label}”应为数字") from None
        if not d.is_finite() or d < 0:
            raise ValueError(f"“{label}”应为不小于0的数字")
        return d
    if k == "grade_money":
        if not isinstance(value, dict) or set(value) != set(GRADES):
            raise ValueError(f"“{label}”应分别填写优秀、合格、不合格的金额")
        return {g: _money(value[g], f"{label}（{g}）", allow_negative=True) for g in GRADES}
    if k == "grade_thresholds":
        if not isinstance(value, dict) or set(value) != {"优秀", "合格"}:
            raise ValueError(f"“{label}”应填写优秀、合格两条分数线")
        try:
            out = {g: int(value[g]) for g in ("优秀", "合格")}
        except (TypeError, ValueError):
            raise ValueError(f"“{label}”应为0到100的整数") from None
        if not (0 <= out["合格"] <= out["优秀"] <= 100):
            raise ValueError(f"“{label}”应满足 0 ≤ 合格线 ≤ 优秀线 ≤ 100")
        return out
    raise AssertionError(k)


def rules_from_json(data: dict | None) -> PostRules:
    """Rules from a {setting key: JSON value} dict; missing or unreadable keys use defaults."""
    values = {}
    for r in RULE_DEFS:
        if data and r.key in data:
            try:
                values[r.attr] = parse_value(r, data[r.key])
                continue
            except ValueError:
                pass  # a hand-edited bad value must not stop the payroll: use the default
        values[r.attr] = parse_value(r, r.default)
    return PostRules(**values)


def load_rules(session: Session) -> PostRules:
    rows = session.execute(select(Setting.key, Setting.value)
                           .where(Setting.key.in_(list(RULES_BY_KEY)))).all()
    return rules_from_json(dict(rows))


def save_rules(db, changes: dict, reason: str | None = None) -> PostRules:
    """Store changed rules (key or attribute name -> value). Raises ValidationError(errors=…)."""
    from ..users.access import require_admin

    require_admin(db)
    by_attr = {r.attr: r for r in RULE_DEFS}
    parsed, errors = {}, {}
    for name, value in changes.items():
        rule = RULES_BY_KEY.get(name) or by_attr.get(name)
        if rule is None:
            errors[name] = f"未知的规则“{name}”"
            continue
        try:
            parsed[rule] = parse_value(rule, value)
        except ValueError as exc:
            errors[rule.key] = str(exc)
    if errors:
        raise ValidationError("；".join(errors.values()), errors=errors)
    with db.write(reason=reason) as s:
        for rule, value in parsed.items():
            row = s.get(Setting, rule.key)
            if row is None:
                s.add(Setting(key=rule.key, value=_to_json(value)))
            elif row.value != _to_json(value):
                row.value = _to_json(value)
        s.flush()
        rules = load_rules(s)
        if rules.age_min > rules.age_max:  # checked against the stored other bound; rolls back
            msg = "最低年龄不能大于最高年龄"
            raise ValidationError(msg, errors={"posts.age_min": msg})
        return rules


@dataclass(frozen=True)
class RuleRow:
    key: str
    label: str
    value_text: str
    help: str


def value_text(rule: RuleDef, value) -> str:
    if value is None:
        return "（按日补贴计算）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if rule.kind == "grade_money":
        return "，".join(f"{g} {value[g]} 元" for g in GRADES)
    if rule.kind == "grade_thresholds":
        return f"优秀 ≥ {value['优秀']} 分，合格 ≥ {value['合格']} 分"
    return str(value)


def describe_rules(rules: PostRules) -> list[RuleRow]:
    """The rules as the settings screen and the CLI show them."""
    return [RuleRow(r.key, r.label, value_text(r, getattr(rules, r.attr)), r.help) for r in RULE_DEFS]
