"""Printed 入户排查 forms (A4 portrait): one form per household, prefilled from the register.

Each question has tick boxes for its answers; the answer the register already holds is ticked
in grey (the visitor confirms it or crosses it out and ticks another), numbers the register knows
are printed on the line. Signature lines for the household and the visitors close the form.
"""

from __future__ import annotations

import os

from ..formats.fonts import FONT, metrics, new_canvas, wrap_text

MM = 72.0 / 25.4
A4 = (595.2755905511812, 841.8897637795277)
MARGIN = 15 * MM
SIZE = 9.5
LINE = 13.0


class _Form:
    def __init__(self, c, tpl, unit: str):
        self.c, self.tpl, self.unit = c, tpl, unit
        self.m = metrics(FONT)
        self.page = 0
        self.y = 0.0

    def new_page(self, facts, cont: bool) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        c, w, h = self.c, A4[0], A4[1]
        c.setFont(FONT, 15)
        title = self.tpl.name + ("（续）" if cont else "")
        c.drawCentredString(w / 2, h - MARGIN - 4, title)
        c.setFont(FONT, 8)
        c.drawRightString(w - MARGIN, h - MARGIN - 18, f"第{self.tpl.version}版　{self.unit}")
        self.y = h - MARGIN - 30
        if not cont:
            self._header(facts)
        else:
            c.setFont(FONT, SIZE)
            c.drawString(MARGIN, self.y, f"户编号：{facts.code}　户主：{facts.head or ''}")
            self.y -= LINE * 1.4

    def _header(self, f) -> None:
        c = self.c
        rows = [(("户编号", f.code), ("行政村", f.village), ("户主", f.head or "")),
                (("家庭人口", f"{f.members}人"), ("帮扶责任人", f.helper or ""),
                 ("住址", f.address or "")),
                (("排查日期", "　　年　　月　　日"), ("排查人员", ""), ("", ""))]
        w = A4[0] - 2 * MARGIN
        cw = w / 3
        rh = LINE * 1.5
        c.setLineWidth(0.6)
        for i, row in enumerate(rows):
            top = self.y - i * rh
            for j, (k, v) in enumerate(row):
                x = MARGIN + j * cw
                c.rect(x, top - rh, cw, rh)
                if k:
                    c.setFont(FONT, SIZE)
                    c.drawString(x + 4, top - rh + 6, f"{k}：{v}")
        self.y -= len(rows) * rh + LINE
        c.setFont(FONT, 8)
        c.setFillGray(0.35)
        c.drawString(MARGIN, self.y, "说明：灰色“✓”为农户信息中已登记的情况，请入户核实；属实不必改动，"
                                     "不符的请划掉并勾选实际情况。")
        c.setFillGray(0)
        self.y -= LINE * 1.3

    def need(self, height: float, facts) -> None:
        if self.y - height < MARGIN + 14:
            self.new_page(facts, cont=True)

    def section(self, title: str, facts) -> None:
        self.need(LINE * 3, facts)
        c = self.c
        c.setFillGray(0.88)
        c.rect(MARGIN, self.y - 4, A4[0] - 2 * MARGIN, LINE + 2, stroke=0, fill=1)
        c.setFillGray(0)
        c.setFont(FONT, SIZE + 1)
        c.drawString(MARGIN + 4, self.y, title)
        self.y -= LINE * 1.5

    def box(self, x: float, y: float, ticked: bool) -> None:
        c = self.c
        s = 8.0
        c.setLineWidth(0.7)
        c.rect(x, y - 1.5, s, s)
        if ticked:
            c.setStrokeGray(0.45)
            c.setLineWidth(1.3)
            p = c.beginPath()
            p.moveTo(x + 1.5, y + 2.5)
            p.lineTo(x + 3.3, y + 0.3)
            p.lineTo(x + 7.2, y + 6.0)
            c.drawPath(p, stroke=1, fill=0)
            c.setStrokeGray(0)

    def question(self, q, prefill: str | None, facts) -> None:
        c = self.c
        width = A4[0] - 2 * MARGIN
        answer_w = 0.0
        if q.type in ("yesno", "choice"):
            answer_w = sum(self.m.width(o) * SIZE + 16 for o in q.choices) + 6
        elif q.type == "number":
            answer_w = 90
        text_w = width - min(answer_w, width * 0.55) - 8
        lines = wrap_text(f"{q.id}　{q.text}", text_w / SIZE, self.m)
        answer_lines = 1
        if answer_w > width * 0.55:  # long options go on their own line
            answer_lines = 2
        height = max(len(lines), answer_lines) * LINE + (2 * LINE if q.type == "text" else 0) + 3
        self.need(height, facts)
        c.setFont(FONT, SIZE)
        for i, ln in enumerate(lines):
            c.drawString(MARGIN + 4, self.y - i * LINE, ln)
        y = self.y
        if q.type in ("yesno", "choice"):
            x = A4[0] - MARGIN - min(answer_w, width * 0.55)
            if answer_lines == 2:
                y = self.y - LINE * max(len(lines) - 1, 1)
                x = MARGIN + 20
            for o in q.choices:
                self.box(x, y, prefill == o)
                c.drawString(x + 11, y, o)
                x += self.m.width(o) * SIZE + 16
        elif q.type == "number":
            x = A4[0] - MARGIN - 90
            c.setLineWidth(0.5)
            c.line(x, y - 2, x + 80, y - 2)
            if prefill is not None:
                c.setFillGray(0.4)
                c.drawString(x + 4, y, prefill)
                c.setFillGray(0)
        else:
            c.setLineWidth(0.4)
            for k in (1, 2):
                yy = self.y - (len(lines) - 1) * LINE - k * LINE - 2
                c.line(MARGIN + 20, yy, A4[0] - MARGIN, yy)
        self.y -= height
        c.setStrokeGray(0.8)
        c.setLineWidth(0.3)
        c.line(MARGIN, self.y + LINE - 4, A4[0] - MARGIN, self.y + LINE - 4)
        c.setStrokeGray(0)

    def footer(self, facts) -> None:
        self.need(LINE * 4, facts)
        c = self.c
        c.setFont(FONT, SIZE)
        c.drawString(MARGIN + 4, self.y, "其他情况及备注：")
        c.setLineWidth(0.4)
        c.line(MARGIN + 80, self.y - 2, A4[0] - MARGIN, self.y - 2)
        c.line(MARGIN + 20, self.y - LINE * 1.3, A4[0] - MARGIN, self.y - LINE * 1.3)
        self.y -= LINE * 3
        third = (A4[0] - 2 * MARGIN) / 3
        for i, label in enumerate(("户主（或家庭成员）签字：", "排查人员签字：", "村（社区）审核：")):
            c.drawString(MARGIN + 4 + i * third, self.y, label)


def render_survey_forms(tpl, households, out, *, unit: str = "") -> int:
    """One form per ``HouseholdFacts``; returns the number of pages written."""
    from .ledger import write_output

    def write(target):
        c = new_canvas(target, A4, title=tpl.name, subject="入户排查表")
        form = _Form(c, tpl, unit)
        for facts in households:
            form.new_page(facts, cont=False)
            for title, questions in tpl.sections:
                form.section(title, facts)
                for q in questions:
                    form.question(q, facts.prefill.get(q.id), facts)
            form.footer(facts)
        c.showPage()
        c.save()
        return form.page

    if isinstance(out, (str, os.PathLike)):
        return write_output(out, write)
    return write(out)
