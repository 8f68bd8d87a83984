"""Demo data of the archive tab (``demo_extend`` hook of services/demo/__init__.py): the current year
started in the archive, and three registered files — a township notice and meeting minutes as
PDF, a photo of a posted public notice as JPG — stored in the attachments folder like real scans.

Deterministic for a seed: the documents are drawn with invariant PDF output and a fixed JPEG
encoder, so the same seed gives the same bytes (and the same sha256 keys).
"""

from __future__ import annotations

import datetime as dt
import io

from ...models import ArchiveItemRecord


def _document_pdf(title: str, doc_no: str, paragraphs: list[str], unit: str, date: dt.date) -> bytes:
    """A plain A4 government-style document (title, 文号, body, unit and date)."""
    from ...reports.archive_common import MM, canvas, centred, date_cn
    from ...formats.fonts import FONT, metrics, wrap_text

    W, H = 595.2755905511812, 841.8897637795277
    buf = io.BytesIO()
    c = canvas(buf, (W, H), title, unit)
    m = metrics(FONT)
    y = H - 45 * MM  # below the 归档章 corner
    centred(c, doc_no, W / 2, y, 12)
    y -= 14 * MM
    for line in wrap_text(title, (W - 50 * MM) / 18, m):
        centred(c, line, W / 2, y, 18, bold=True)
        y -= 26
    y -= 8 * MM
    c.setFont(FONT, 13)
    for para in paragraphs:
        for n, line in enumerate(wrap_text(para, (W - 56 * MM) / 13, m)):
            if y < 40 * MM:
                c.showPage()
                c.setFont(FONT, 13)
                y = H - 30 * MM
            c.drawString(28 * MM + (26 if n == 0 else 0), y, line)
            y -= 24
        y -= 6
    c.drawRightString(W - 30 * MM, y - 20 * MM, unit)
    c.drawRightString(W - 30 * MM, y - 30 * MM, date_cn(date))
    c.showPage()
    c.save()
    return buf.getvalue()


def _notice_photo(village: str, year: int, rng) -> bytes:
    """A "photo" of a notice board with the 公示 list pinned on it (JPEG)."""
    from PIL import Image, ImageDraw, ImageFont

    from ...paths import FONT_SUBFONT_INDEX, font_path

    w, h = 1600, 1200
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    for y in range(h):  # sky to ground
        t = y / h
        d.line([(0, y), (w, y)], fill=(int(150 + 60 * t), int(190 - 40 * t), int(230 - 120 * t)))
    d.rectangle([250, 180, 1350, 1000], fill=(120, 40, 30))
    d.rectangle([300, 230, 1300, 950], fill=(250, 250, 245))
    big = ImageFont.truetype(str(font_path()), 56, index=FONT_SUBFONT_INDEX)
    small = ImageFont.truetype(str(font_path()), 30, index=FONT_SUBFONT_INDEX)
    d.text((800, 300), f"{village}{year}年度防止返贫监测对象公示", font=big, fill=(20, 20, 20), anchor="mm")
    for n in range(12):
        y = 400 + n * 40
        d.line([(340, y + 30), (1260, y + 30)], fill=(200, 200, 200))
        d.text((350, y), f"{n + 1:02d}  {'张王李赵刘陈杨黄'[rng.randrange(8)]}某某　"
                         f"{'因病因残因学缺劳动力'[rng.randrange(4) * 2:][:2]}　帮扶措施已落实",
               font=small, fill=(40, 40, 40))
    d.text((1250, 910), "公示期七天", font=small, fill=(60, 60, 60), anchor="rm")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82, optimize=False)
    return buf.getvalue()


def demo_extend(session, rng, ctx) -> None:
    from ..attachments import store_attachment
    from .years import new_year_row
    from ..settings import township_info

    url = session.get_bind().url.render_as_string(hide_password=False)
    info = township_info(session)
    year = ctx.year
    new_year_row(session, year, today=ctx.today)
    village = rng.choice(ctx.villages)[1]
    short = info.township.removesuffix("镇").removesuffix("乡")
    def day(month: int) -> dt.date:  # a date of the demo year, never after the demo's today
        return min(dt.date(year, month, rng.randint(1, 25)), ctx.today)

    notice_date, minutes_date, photo_date = day(3), day(6), day(9)
    doc_no = f"{short}府发〔{year}〕{rng.randint(8, 30)}号"
    docs = [
        ("SB", "Y", f"关于开展{year}年度防止返贫动态监测和帮扶工作的通知", doc_no,
         notice_date, "application/pdf", "动态监测通知.pdf", _document_pdf(
             f"关于开展{year}年度防止返贫动态监测和帮扶工作的通知", doc_no,
             ["各村（社区）：", f"为巩固拓展脱贫攻坚成果，根据上级有关要求，现就做好{year}年度防止返贫动态监测和"
              "帮扶工作通知如下：", "一、全面开展排查。各村要组织帮扶责任人逐户走访，重点关注脱贫不稳定户、"
              "边缘易致贫户和突发严重困难户，及时发现返贫致贫风险。",
              "二、规范识别程序。按照农户申报、乡村干部走访排查、部门筛查预警等途径，经村级评议、"
              "公示和乡镇审核后纳入监测对象，做到应纳尽纳。",
              "三、精准落实帮扶。对监测对象逐户制定帮扶措施，风险消除后按程序标注，并将资料整理归档。"],
             info.unit or info.fonds_name, notice_date)),
        ("ZH", "D30", f"{year}年度脱贫人口收入核查工作会议纪要", "", minutes_date, "application/pdf",
         "会议纪要.pdf", _document_pdf(
             f"{year}年度脱贫人口收入核查工作会议纪要", "", [
                 f"{minutes_date.month}月{minutes_date.day}日，{info.township}召开脱贫人口收入核查工作会议，"
                 "乡村振兴工作站、各村党支部书记和驻村第一书记参加会议。",
                 "会议要求：一是按户核实工资性、经营性、财产性和转移性收入，据实填报；二是对人均纯收入低于"
                 "监测范围的农户逐户分析原因，及时纳入监测帮扶；三是核查资料由各村整理后报乡村振兴工作站归档。"],
             info.unit or info.fonds_name, minutes_date)),
        ("ZH", "D30", f"{village}{year}年度监测对象公示现场照片", "", photo_date, "image/jpeg",
         "公示现场照片.jpg", _notice_photo(village, year, rng)),
    ]
    for category, retention, title, doc_no, date, mime, name, data in docs:
        sha, _ = store_attachment(url, data)
        pages = 1
        if mime == "application/pdf":
            import pikepdf

            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages = len(pdf.pages)
        session.add(ArchiveItemRecord(
            year=year, key=f"file:{sha[:16]}", source="registered", kind="registered",
            retention=retention, category=category, title=title, responsible=info.fonds_name,
            doc_no=doc_no or None, date=date, pages=pages, sha256=sha, file_name=name, mime=mime,
            size=len(data)))
