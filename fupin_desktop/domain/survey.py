"""The 入户排查 questionnaire: parse a template definition, check and judge answers.

A template is plain data (resources/survey/template_vN.json or an admin's added version):
sections, each with questions ``{id, text, type, options?, problem?, category?, prefill?}``.
``type`` is yesno (是/否), choice (one of ``options``), number or text; ``problem`` is the
answer (or list of answers, or ``{"below": n}`` / ``{"above": n}`` for numbers) that means a
problem, and ``category`` the 问题类别 of the problem it creates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SECTIONS = ("不愁吃", "不愁穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "收入与就业",
            "政策落实与满意度", "返贫风险")
TYPES = ("yesno", "choice", "number", "text")
YES, NO = "是", "否"
_YES_WORDS = {"是", "有", "y", "yes", "√", "✓", "1", "true"}
_NO_WORDS = {"否", "无", "没有", "n", "no", "×", "x", "0", "false"}


class TemplateError(ValueError):
    """A template definition that cannot be used (message in Chinese)."""


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    text: str
    type: str
    options: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()  # yesno/choice answers that mean a problem
    below: Decimal | None = None  # number: a value below this is a problem
    above: Decimal | None = None
    category: str = ""
    prefill: str = ""

    @property
    def can_flag(self) -> bool:
        return bool(self.problem) or self.below is not None or self.above is not None

    @property
    def choices(self) -> tuple[str, ...]:
        return (YES, NO) if self.type == "yesno" else self.options


@dataclass(frozen=True)
class Template:
    version: int
    name: str
    questions: tuple[Question, ...]

    @property
    def sections(self) -> list[tuple[str, list[Question]]]:
        out: dict[str, list[Question]] = {}
        for q in self.questions:
            out.setdefault(q.section, []).append(q)
        return list(out.items())

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


def _dec(v, where: str) -> Decimal:
    try:
        return Decimal(str(v))
    except InvalidOperation as e:
        raise TemplateError(f"{where}：界限值“{v}”不是数字") from e


def parse_template(raw: dict) -> Template:
    """A ``Template`` from its JSON form; TemplateError naming the question otherwise."""
    try:
        version = int(raw["version"])
        name = str(raw.get("name") or f"入户排查表第{version}版")
        sections = raw["sections"]
    except (KeyError, TypeError, ValueError) as e:
        raise TemplateError("调查表模板缺少 version 或 sections") from e
    if version < 1:
        raise TemplateError("调查表模板的版本号应为正整数")
    questions: list[Question] = []
    seen: set[str] = set()
    for sec in sections:
        title = str(sec.get("title") or "")
        if title not in SECTIONS:
            raise TemplateError(f"调查表模板的部分“{title}”不是{('、'.join(SECTIONS))}之一")
        for q in sec.get("questions") or ():
            qid = str(q.get("id") or "").strip()
            where = f"问题 {qid or '（无编号）'}"
            if not qid or qid in seen:
                raise TemplateError(f"{where}：编号为空或重复")
            seen.add(qid)
            qtype = q.get("type")
            if qtype not in TYPES:
                raise TemplateError(f"{where}：类型“{qtype}”应为 yesno、choice、number 或 text")
            options = tuple(str(o) for o in q.get("options") or ())
            if qtype == "choice" and not options:
                raise TemplateError(f"{where}：选择题没有选项")
            prob = q.get("problem")
            problem: tuple[str, ...] = ()
            below = above = None
            if isinstance(prob, dict):
                if qtype != "number":
                    raise TemplateError(f"{where}：只有数字题可用 below/above")
                below = _dec(prob["below"], where) if "below" in prob else None
                above = _dec(prob["above"], where) if "above" in prob else None
            elif prob is not None:
                problem = tuple(str(p) for p in (prob if isinstance(prob, list) else [prob]))
                allowed = (YES, NO) if qtype == "yesno" else options
                if qtype in ("number", "text") or any(p not in allowed for p in problem):
                    raise TemplateError(f"{where}：“问题答案”{'、'.join(problem)}不在可选答案中")
            category = str(q.get("category") or "")
            if (problem or below is not None or above is not None) and not category:
                raise TemplateError(f"{where}：有“问题答案”时必须填写问题类别")
            questions.append(Question(qid, title, str(q.get("text") or qid), qtype, options,
                                      problem, below, above, category, str(q.get("prefill") or "")))
    if not questions:
        raise TemplateError("调查表模板没有问题")
    return Template(version, name, tuple(questions))


def normalise_answer(q: Question, value) -> str | None:
    """The stored text of an answer (None = not answered); ValueError with a Chinese reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        s = YES if value else NO
    elif isinstance(value, float) and value.is_integer():
        s = str(int(value))
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip()
    if not s:
        return None
    if q.type == "yesno":
        low = s.lower()
        if low in _YES_WORDS:
            return YES
        if low in _NO_WORDS:
            return NO
        raise ValueError(f"“{s}”应填“是”或“否”")
    if q.type == "choice":
        if s in q.options:
            return s
        raise ValueError(f"“{s}”不是可选答案（{'、'.join(q.options)}）")
    if q.type == "number":
        try:
            d = Decimal(s.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"“{s}”不是数字") from None
        if not d.is_finite() or d < 0:
            raise ValueError(f"“{s}”应为不小于 0 的数字")
        return format(d.normalize(), "f") if d == d.to_integral() else str(d)
    if len(s) > 2000:
        raise ValueError("内容过长（最多2000个字）")
    return s


def is_problem(q: Question, answer: str | None) -> bool:
    if answer is None:
        return False
    if q.type == "number":
        d = Decimal(answer)
        return (q.below is not None and d < q.below) or (q.above is not None and d > q.above)
    return answer in q.problem


def problem_text(q: Question, answer: str) -> str:
    """What the problem created from a problem answer says."""
    return f"{q.text}：{answer}"


def check_answers(tpl: Template, answers: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """(clean answers, errors) with errors keyed by question id (Chinese messages)."""
    clean, errors = {}, {}
    for qid, value in answers.items():
        q = tpl.question(qid)
        if q is None:
            errors[qid] = f"第{tpl.version}版调查表中没有问题“{qid}”"
            continue
        try:
            v = normalise_answer(q, value)
        except ValueError as e:
            errors[qid] = f"{q.id}（{q.text}）：{e}"
            continue
        if v is not None:
            clean[qid] = v
    return clean, errors


# the 入户排查录入表 (exporters/survey_sheet.py writes it, importers/survey.py reads it back)
HEAD = (("户编号", 21), ("行政村", 10), ("户主", 8), ("排查日期", 12), ("排查人员", 14))
VERSION_TITLE = "调查表版本"
NOTES_TITLE = "备注"


def question_header(q) -> str:
    return f"{q.id} {q.text}"
