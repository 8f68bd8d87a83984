"""Box documents (DA/T 22-2015 附录 B): 盒脊 labels, 档案盒封面 and the 备考表 of each box.

盒脊 labels are drawn at the real width of the box's spine (20/30/40/50 mm) and 265 mm tall,
side by side on A4 portrait with cut lines, so they can be printed at 100 % and glued on.
"""

from __future__ import annotations

from fupin_desktop.reports.archive_common import (
    MM, ArchivePaper, PaperBox, canvas, centred, date_cn, fit_size, retention_name,
    vertical,
)
from fupin_desktop.formats.fonts import FONT, metrics, wrap_text
from fupin_desktop.reports.ledger import write_output

A4 = (595.2755905511812, 841.8897637795277)
SPINE_H_MM = 265.0
PAGE_MARGIN_MM = 10.0
GAP_MM = 3.0


def spines_per_page(thickness_mm: float) -> int:
    return max(1, int((210 - 2 * PAGE_MARGIN_MM + GAP_MM) // (thickness_mm + GAP_MM)))


# (field, share of the label's height): the same on every label, so a row of boxes lines up
# 类别 (机构（问题）) is what tells two boxes of one year and 保管期限 apart (DA/T 22-2015 附录 B).
SPINE_FIELDS = (("全宗号", 0.13), ("年度", 0.12), ("保管期限", 0.17), ("类别", 0.22), ("起止件号", 0.24),
                ("盒号", 0.12))
_RETENTION_LINES = {"Y": ["永久"], "D30": ["定期", "30年"], "D10": ["定期", "10年"]}


def _two_per_line(name: str) -> list[str]:
    """A category name stacked two characters a line, so it stays large on a 20 mm spine."""
    return [name[i:i + 2] for i in range(0, len(name), 2)] or [""]


def _spine(c, paper: ArchivePaper, box: PaperBox, x: float, y_top: float) -> None:
    """One label, its top left corner at (x, y_top)."""
    w, h = box.thickness_mm * MM, SPINE_H_MM * MM
    name_size = min(14.0, max(8.0, w * 0.30))
    value_size = min(20.0, max(10.0, w * 0.36))
    values = {"全宗号": [paper.fonds_no], "年度": [str(paper.year)],
              "保管期限": _RETENTION_LINES.get(box.retention, [retention_name(box.retention)]),
              "类别": _two_per_line(paper.category_name(box.category)),
              "起止件号": [f"{box.first_item_no:04d}", "至", f"{box.last_item_no:04d}"],
              "盒号": [str(box.box_no)]}
    c.setLineWidth(0.8)
    c.setDash(3, 2)  # cut line
    c.rect(x, y_top - h, w, h)
    c.setDash()
    c.setLineWidth(0.5)
    mid, y = x + w / 2, y_top
    for k, (name, share) in enumerate(SPINE_FIELDS):
        bottom = y - share * h
        below_name = vertical(c, name, mid, y - 3 * MM, name_size)
        lines = values[name]
        sizes = [fit_size(v, w - 3 * MM, value_size, 6.0) for v in lines]
        block = sum(sz * 1.25 for sz in sizes)
        # the value block centred in the space under the field name
        yv = (below_name + bottom) / 2 + block / 2
        for v, sz in zip(lines, sizes):
            c.setFont(FONT, sz)
            c.drawCentredString(mid, yv - sz * 0.95, v)
            yv -= sz * 1.25
        if k < len(SPINE_FIELDS) - 1:
            c.line(x, bottom, x + w, bottom)
        y = bottom


def render_spines(paper: ArchivePaper, out) -> int:
    """盒脊 labels of every box; returns the page count."""
    return write_output(out, lambda target: _spines(paper, target))


def _spines(paper: ArchivePaper, out) -> int:
    c = canvas(out, A4, "盒脊", paper.fonds_name)
    W, H = A4
    boxes = paper.boxes or []
    pages = 0
    i = 0
    while i < len(boxes) or pages == 0:
        thickness = boxes[i].thickness_mm if boxes else 30
        per_page = spines_per_page(thickness)
        row = boxes[i:i + per_page]
        used = len(row) * thickness + max(0, len(row) - 1) * GAP_MM
        x = (W - used * MM) / 2
        y_top = H - (297 - SPINE_H_MM) / 2 * MM
        for b in row:
            _spine(c, paper, b, x, y_top)
            x += (b.thickness_mm + GAP_MM) * MM
        c.setFont(FONT, 8)
        note = (f"{paper.fonds_name} {paper.year}年度 盒脊（{thickness} mm，按 100% 比例打印，沿虚线裁下）"
                if boxes else f"{paper.year}年度没有档案盒。")
        c.drawCentredString(W / 2, 6 * MM, note)
        c.showPage()
        pages += 1
        i += max(1, len(row))
    c.save()
    return pages


def _table(c, rows, x0: float, y: float, label_w: float, value_w: float, row_h: float,
           size: float) -> float:
    c.setLineWidth(0.8)
    top = y
    for label, value in rows:
        c.setFont(FONT, size)
        c.drawCentredString(x0 + label_w / 2, y - row_h / 2 - size * 0.35, label)
        vs = fit_size(value, value_w - 6 * MM, size)
        c.setFont(FONT, vs)
        c.drawCentredString(x0 + label_w + value_w / 2, y - row_h / 2 - vs * 0.35, value)
        y -= row_h
        c.line(x0, y, x0 + label_w + value_w, y)
    c.rect(x0, y, label_w + value_w, top - y)
    c.line(x0 + label_w, y, x0 + label_w, top)
    return y


def render_box_covers(paper: ArchivePaper, out) -> int:
    """档案盒封面 (front of each box): 全宗名称, the title and the box's identification."""
    return write_output(out, lambda target: _box_covers(paper, target))


def _box_covers(paper: ArchivePaper, out) -> int:
    c = canvas(out, A4, "档案盒封面", paper.fonds_name)
    W, H = A4
    for b in paper.boxes or []:
        c.setLineWidth(1.2)
        c.rect(15 * MM, 15 * MM, W - 30 * MM, H - 30 * MM)
        centred(c, paper.fonds_name, W / 2, H - 45 * MM, fit_size(paper.fonds_name, W - 50 * MM, 18))
        centred(c, "文 书 档 案", W / 2, H - 95 * MM, 40, bold=True)
        rows = [("全宗号", paper.fonds_no), ("年度", str(paper.year)),
                ("保管期限", retention_name(b.retention)),
                ("类别", paper.category_name(b.category)),
                ("起止件号", f"{b.first_item_no:04d} — {b.last_item_no:04d}"),
                ("件数、页数", f"{b.items} 件　{b.pages} 页"), ("盒号", str(b.box_no))]
        _table(c, rows, 40 * MM, H - 135 * MM, 40 * MM, W - 120 * MM, 14 * MM, 15)
        c.showPage()
    if not paper.boxes:
        centred(c, f"{paper.year}年度没有档案盒。", W / 2, H / 2, 16)
        c.showPage()
    c.save()
    return max(1, len(paper.boxes))


def box_note_text(paper: ArchivePaper, b: PaperBox) -> str:
    """The generated 盒内文件情况说明 of a box (plus the clerk's own note, if any)."""
    text = (f"本盒为{paper.year}年度{retention_name(b.retention)}“{paper.category_name(b.category)}”"
            f"文件，件号 {b.first_item_no:04d} 至 {b.last_item_no:04d}，共 {b.items} 件 {b.pages} 页。")
    if b.oversize:
        text += f"该件页数超过 {b.thickness_mm} mm 档案盒的容量，单独装盒。"
    items = paper.box_items(b)
    secret = sorted({it.secret for it in items if it.secret and it.secret not in ("公开", "无")})
    if secret:
        text += f"盒内有密级文件（{'、'.join(secret)}），按规定保管。"
    if b.note:
        text += "\n" + b.note
    return text


def render_box_notes(paper: ArchivePaper, out) -> int:
    """备考表 of each box: 盒内文件情况说明, 整理人, 整理日期, 检查人, 检查日期."""
    return write_output(out, lambda target: _box_notes(paper, target))


def _box_notes(paper: ArchivePaper, out) -> int:
    c = canvas(out, A4, "备考表", paper.fonds_name)
    W, H = A4
    m = metrics(FONT)
    for b in paper.boxes or []:
        centred(c, "备　考　表", W / 2, H - 40 * MM, 24, bold=True)
        c.setFont(FONT, 11)
        c.drawString(25 * MM, H - 55 * MM, f"全宗号：{paper.fonds_no}　年度：{paper.year}　"
                                           f"保管期限：{retention_name(b.retention)}　盒号：{b.box_no}")
        x0, x1, top, bottom = 25 * MM, W - 25 * MM, H - 60 * MM, 85 * MM
        c.setLineWidth(1)
        c.rect(x0, bottom, x1 - x0, top - bottom)
        c.setFont(FONT, 13)
        c.drawString(x0 + 5 * MM, top - 10 * MM, "盒内文件情况说明")
        y = top - 22 * MM
        c.setFont(FONT, 12)
        for line in wrap_text(box_note_text(paper, b), (x1 - x0 - 20 * MM) / 12, m):
            c.drawString(x0 + 10 * MM, y, line)
            y -= 20
        people = [("整理人", paper.organizer, "整理日期", date_cn(paper.archive_date)),
                  ("检查人", paper.checker, "检查日期", date_cn(paper.check_date))]
        y = 68 * MM
        for who, name, when, date in people:
            c.setFont(FONT, 13)
            c.drawString(x0 + 70 * MM, y, f"{who}：")
            c.drawString(x0 + 88 * MM, y, name)
            c.line(x0 + 87 * MM, y - 2 * MM, x0 + 112 * MM, y - 2 * MM)
            c.drawString(x0 + 116 * MM, y, f"{when}：")
            c.drawString(x0 + 138 * MM, y, date)
            c.line(x0 + 137 * MM, y - 2 * MM, x1, y - 2 * MM)
            y -= 16 * MM
        c.showPage()
    if not paper.boxes:
        centred(c, f"{paper.year}年度没有档案盒。", W / 2, H / 2, 16)
        c.showPage()
    c.save()
    return max(1, len(paper.boxes))
