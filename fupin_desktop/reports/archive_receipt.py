"""移交清单: the paper handed over with an electronic archive package (printed outside it).

It names the package digest (SHA-256 of tagmanifest-sha256.txt) in full and in groups of four
for reading aloud, the counts and the date, and has signature lines for both sides. With only
this paper the receiving archive office runs ``fupin archive verify DIR --digest <摘要>``; a
package changed afterwards (even with every hash inside recomputed) no longer matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fupin_desktop.reports.archive_common import MM, canvas, centred, date_cn, fit_size
from fupin_desktop.formats.fonts import FONT
from fupin_desktop.reports.ledger import write_output

A4 = (595.2755905511812, 841.8897637795277)


@dataclass(frozen=True)
class ReceiptData:
    fonds_no: str
    fonds_name: str
    year: int
    package_name: str  # the package folder's name
    digest: str  # 64 hex digits
    items: int
    pages: int
    files: int  # payload files (data/…)
    boxes: int
    octets: int
    built_on: dt.date  # date the package was built (recorded)
    printed_on: dt.date


def digest_lines(digest: str) -> list[str]:
    """The digest as two lines of eight groups of four, numbered for reading aloud."""
    groups = [digest[i:i + 4] for i in range(0, len(digest), 4)]
    return [" ".join(groups[:8]), " ".join(groups[8:])]


def render_receipt(data: ReceiptData, out) -> int:
    return write_output(out, lambda target: _receipt(data, target))


def _receipt(d: ReceiptData, out) -> int:
    c = canvas(out, A4, f"{d.year}年度电子档案移交清单", d.fonds_name)
    W, H = A4
    x0, x1 = 22 * MM, W - 22 * MM
    centred(c, "电子档案移交清单", W / 2, H - 35 * MM, 22, bold=True)
    centred(c, f"{d.fonds_name}　{d.year}年度文书档案", W / 2, H - 47 * MM,
            fit_size(f"{d.fonds_name}　{d.year}年度文书档案", x1 - x0, 13))
    rows = [("全宗号", d.fonds_no), ("全宗名称", d.fonds_name), ("年度", f"{d.year}"),
            ("数据包", d.package_name), ("件数", f"{d.items} 件"), ("页数", f"{d.pages} 页"),
            ("文件数", f"{d.files} 个（data 目录中的全部文件）"), ("盒数", f"{d.boxes} 盒"),
            ("数据量", f"{d.octets:,} 字节"), ("生成日期", date_cn(d.built_on)),
            ("移交日期", "　　　　年　　月　　日")]
    y = H - 60 * MM
    row_h, label_w = 8 * MM, 32 * MM
    c.setLineWidth(0.8)
    top = y
    for label, value in rows:
        c.setFont(FONT, 11)
        c.drawString(x0 + 3 * MM, y - row_h / 2 - 4, label)
        c.setFont(FONT, fit_size(value, x1 - x0 - label_w - 6 * MM, 11))
        c.drawString(x0 + label_w + 3 * MM, y - row_h / 2 - 4, value)
        y -= row_h
        c.line(x0, y, x1, y)
    c.rect(x0, y, x1 - x0, top - y)
    c.line(x0 + label_w, y, x0 + label_w, top)

    # the digest: full (one line, small) and grouped (large, numbered groups)
    y -= 12 * MM
    c.setFont(FONT, 12)
    c.drawString(x0, y, "数据包摘要（SHA-256，tagmanifest-sha256.txt 的校验值）：")
    y -= 8 * MM
    c.setFont(FONT, fit_size(d.digest, x1 - x0, 10))
    c.drawString(x0, y, d.digest)
    y -= 6 * MM
    c.setFont(FONT, 9)
    c.drawString(x0, y, "分组朗读核对（每组 4 位，共 16 组）：")
    y -= 10 * MM
    size = 17.0
    for n, line in enumerate(digest_lines(d.digest)):
        c.setFont(FONT, 8)
        c.drawString(x0, y + 1, f"{n * 8 + 1:>2}–{n * 8 + 8}")
        c.setFont(FONT, size)
        c.drawString(x0 + 14 * MM, y, line)
        y -= 11 * MM
    y -= 2 * MM
    c.setFont(FONT, 10)
    for line in ("核对方法：接收方在本程序中运行", "    fupin archive verify 数据包目录 --digest 上面的摘要",
                 "数据包在生成后若有任何改动（即使其中的校验值已被重新计算），摘要将不一致，检测不通过。"):
        c.drawString(x0, y, line)
        y -= 6 * MM

    # signatures: both sides
    y = min(y - 6 * MM, 56 * MM)
    c.setFont(FONT, 12)
    half = (x1 - x0) / 2
    for k, side in enumerate(("移交单位", "接收单位")):
        xs = x0 + k * half
        c.drawString(xs, y, f"{side}（盖章）：")
        for j, who in enumerate(("经办人（签字）：", "负责人（签字）：", "日期：")):
            yy = y - (11 + 11 * j) * MM
            c.drawString(xs, yy, who)
            c.line(xs + 32 * MM, yy - 1.5 * MM, xs + half - 6 * MM, yy - 1.5 * MM)
    c.setFont(FONT, 8)
    c.drawCentredString(W / 2, 12 * MM, f"本清单一式两份，移交、接收双方各执一份。打印日期：{date_cn(d.printed_on)}")
    c.showPage()
    c.save()
    return 1
