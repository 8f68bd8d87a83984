"""The year's paper documents (归档文件目录, 盒脊, 档案盒封面, 备考表, 归档范围统计表): built from a
plan and its boxes, put into the package as PDFs, or printed on their own from the tab/CLI.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select

from ...archive.boxes import Box
from ...archive.catalogue import date_text
from ...archive.model import ArchiveItem
from ...archive.numbering import item_code
from ...archive.package import ExtraDocument
from ...errors import UserError
from ...models import ArchiveBox
from ...reports.archive_common import ArchivePaper, PaperBox, PaperItem


@dataclass(frozen=True)
class PaperDoc:
    key: str
    file_name: str  # inside the package's data/
    title: str
    render: Callable  # fn(paper, out) -> pages


def _docs() -> list[PaperDoc]:
    from ...reports.archive_boxes import render_box_covers, render_box_notes, render_spines
    from ...reports.archive_catalogue import render_catalogue
    from ...reports.archive_stats import render_scope_stats

    return [
        PaperDoc("catalogue", "纸质文件/归档文件目录.pdf", "归档文件目录", render_catalogue),
        PaperDoc("spines", "纸质文件/盒脊.pdf", "盒脊", render_spines),
        PaperDoc("covers", "纸质文件/档案盒封面.pdf", "档案盒封面", render_box_covers),
        PaperDoc("notes", "纸质文件/备考表.pdf", "备考表", render_box_notes),
        PaperDoc("stats", "纸质文件/归档范围统计表.pdf", "归档范围统计表", render_scope_stats),
    ]


#: key -> Chinese title, in the order the tab lists them
PAPER_TITLES = {"catalogue": "归档文件目录", "spines": "盒脊", "covers": "档案盒封面",
                "notes": "备考表", "stats": "归档范围统计表"}


def make_paper(plan, items: list[ArchiveItem], boxes: list[Box], notes: dict[int, str] | None = None
               ) -> ArchivePaper:
    """``items`` numbered with their real page counts, ``boxes`` as packed."""
    st = plan.settings
    paper_items = [PaperItem(item_code(st.fonds_no, it), it.item_no, it.retention, it.category,
                             it.doc_no, it.responsible, it.title, date_text(it.date), it.secret,
                             it.pages, it.remark) for it in items]
    paper_boxes = [PaperBox(b.box_no, b.retention, b.category, b.first_item_no, b.last_item_no,
                            b.pages, len(b.items), b.thickness_mm, b.oversize,
                            (notes or {}).get(b.box_no, "")) for b in boxes]
    return ArchivePaper(st.fonds_no, st.fonds_name, plan.year, plan.archive_date,
                        [(c.code, c.name) for c in st.categories], paper_items, paper_boxes,
                        plan.organizer, plan.checker, plan.check_date, st.retention_order)


def box_notes(db, year: int) -> dict[int, str]:
    with db.read() as s:
        return {b: n for b, n in s.execute(select(ArchiveBox.box_no, ArchiveBox.note).where(
            ArchiveBox.year == year, ArchiveBox.note.is_not(None)))}


def extra_documents(paper: ArchivePaper) -> list[ExtraDocument]:
    out = []
    for doc in _docs():
        buf = io.BytesIO()
        doc.render(paper, buf)
        out.append(ExtraDocument(doc.file_name, f"{paper.year}年度{doc.title}", buf.getvalue()))
    return out


def paper_for_print(db, year: int) -> ArchivePaper:
    """The paper documents' data without a build: needs every page count from the last build."""
    from .plan import plan_year
    from .years import boxes_for

    plan = plan_year(db, year)
    if not plan.items:
        raise UserError(f"{year}年度没有可归档的文件。")
    if not plan.pages_known:
        raise UserError("有文件的页数未知（从未生成，或数据在上次生成后有改动）。"
                        "请先生成归档数据包，再打印目录、盒脊和备考表。")
    items = [replace(p.item, pages=p.pages) for p in plan.items]
    return make_paper(plan, items, boxes_for(db, plan, items), box_notes(db, year))


def print_documents(db, year: int, keys: list[str], out_dir: Path | str) -> list[Path]:
    """Render the chosen documents into ``out_dir`` as ``<年度><title>.pdf``; returns the paths."""
    paper = paper_for_print(db, year)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in _docs():
        if doc.key in keys:
            path = out_dir / f"{year}年度{doc.title}.pdf"
            doc.render(paper, path)
            paths.append(path)
    return paths
