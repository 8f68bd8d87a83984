"""The public-welfare posts section of the household file (一户一档), rendered from plain data.

``household_posts_tables(assignments, paid)`` returns ``[(title, columns, rows)]`` ready for
``DocumentBuilder.section(title).table(columns, rows)``: ``columns`` are ledger ``Column``
objects, ``rows`` lists of formatted strings. The data (assignment views and paid wage slips
of closed months) comes from services/posts_household_data, which also applies ``as_of``; a
household without posts adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .ledger import Column
from .posts_render import money_text

ZERO = Decimal("0.00")


def _col(key, title, weight=1.0, kind="text") -> Column:
    if kind == "money":
        return Column(key, title, weight, "right", wrap=False)
    if kind in ("date", "center"):
        return Column(key, title, weight, "center", wrap=False)
    return Column(key, title, weight, "left")


def household_posts_tables(assignments, paid) -> list[tuple[str, list, list[list[str]]]]:
    """``assignments``: assignment views (as they stood on the file's day); ``paid``: tuples
    (month, worker_name, post_name, present_days, absent_days, grade, amount) by month, name."""
    out = []
    if assignments:
        cols = [_col("name", "姓名", 0.7), _col("post", "岗位名称", 1.3),
                _col("type", "岗位类型", 0.8, "center"), _col("village", "行政村", 0.8),
                _col("area", "责任区域", 1.0), _col("start", "上岗日期", 0.9, "date"),
                _col("end", "离岗日期", 0.9, "date"), _col("status", "状态", 0.5, "center"),
                _col("std", "补贴标准(元/月)", 0.9, "money")]
        rows = []
        for a in sorted(assignments, key=lambda a: (a.start_date, a.worker_name)):
            status = a.status + (f"（{a.end_reason}）" if a.end_reason else "")
            rows.append([a.worker_name, a.post_name, a.post_type, a.village_name, a.duty_area or "",
                         a.start_date.isoformat(), a.end_date.isoformat() if a.end_date else "",
                         status, money_text(a.wage_standard)])
        out.append(("公益性岗位", cols, rows))
    if paid:
        by_year: dict[tuple[int, str], list] = defaultdict(list)
        for row in paid:
            by_year[(row[0].year, row[1])].append(row)
        cols = [_col("year", "年度", 0.5, "center"), _col("name", "姓名", 0.7),
                _col("post", "岗位", 1.2), _col("months", "发放月数", 0.6, "center"),
                _col("days", "出勤天数", 0.6, "center"), _col("absent", "旷工天数", 0.6, "center"),
                _col("amount", "补贴合计(元)", 0.9, "money")]
        rows = []
        for (year, name), items in sorted(by_year.items()):
            posts = "、".join(dict.fromkeys(i[2] for i in items))
            rows.append([str(year), name, posts, str(len(items)), str(sum(i[3] for i in items)),
                         str(sum(i[4] for i in items)),
                         money_text(sum((i[6] for i in items), ZERO))])
        if len({year for year, _ in by_year}) > 1:  # one year: the detail's total says it all
            out.append(("公益性岗位补贴发放（年度汇总）", cols, rows))
        cols = [_col("month", "月份", 0.7, "center"), _col("name", "姓名", 0.7),
                _col("post", "岗位", 1.2), _col("days", "出勤天数", 0.6, "center"),
                _col("absent", "旷工天数", 0.6, "center"), _col("grade", "考核等次", 0.6, "center"),
                _col("amount", "实发金额(元)", 0.9, "money")]
        rows = [[f"{m:%Y-%m}", name, post, str(days), str(absent), grade or "", money_text(amount)]
                for m, name, post, days, absent, grade, amount in paid]
        total = sum((r[6] for r in paid), ZERO)
        rows.append(["合计", "", "", "", "", "", money_text(total)])
        out.append(("公益性岗位补贴发放明细", cols, rows))
    return out
