"""总览 tab: the township at a glance — simple bar charts drawn with QPainter (no QtCharts
dependency), computed off the GUI thread by services/overview, each savable as PNG."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import (
    QDateEdit, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
    QWidget,
)

from .common.base_tab import BaseTab
from .common.context import show_error
from .common.tasks import run_task

BAR = QColor("#3b7dd8")
BAR2 = QColor("#9cc3f0")
LINE = QColor("#d83b3b")


class BarChart(QWidget):
    """Horizontal bars with labels and values; an optional second series stacked on the first
    and an optional marker line (e.g. the income threshold) at a category index. Clicking a bar
    (or its label) emits ``clicked(index)``: the page opens the list behind it."""

    clicked = Signal(int)
    TOP = 30

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.items: list[tuple[str, float, float]] = []
        self.legend = ""
        self.marker: tuple[int, str] | None = None
        self.clickable: set[int] | None = set()  # rows that open a list (None: every row)
        self.empty_text = ""  # what an empty chart says instead of 暂无数据
        self.setMinimumSize(420, 260)
        self.setMouseTracking(True)

    def row_height(self) -> float:
        return max(12.0, min(24.0, (self.height() - self.TOP - 6) / max(len(self.items), 1)))

    def row_at(self, y: float) -> int | None:
        """The bar at height ``y`` (None between or outside them)."""
        if not self.items or y < self.TOP:
            return None
        i = int((y - self.TOP) // self.row_height())
        return i if i < len(self.items) else None

    def bar_center(self, index: int):
        """Where bar ``index`` is drawn (for tests and the tooltip)."""
        from PySide6.QtCore import QPoint

        return QPoint(140, int(self.TOP + (index + 0.5) * self.row_height()))

    def _opens(self, i: int | None) -> bool:
        return i is not None and (self.clickable is None or i in self.clickable)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        i = self.row_at(event.position().y())
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor if self._opens(i) else Qt.CursorShape.ArrowCursor))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        i = self.row_at(event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and self._opens(i):
            self.clicked.emit(i)
        super().mouseReleaseEvent(event)

    def set_data(self, items, legend: str = "", marker=None) -> None:
        self.items = [(str(k), float(a), float(b)) for k, a, b in items]
        self.legend = legend
        self.marker = marker
        self.setMinimumHeight(max(260, 40 + 20 * len(self.items)))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QPen(QColor("#333")))
        f = p.font()
        f.setBold(True)
        p.setFont(f)
        p.drawText(QRectF(8, 4, self.width() - 16, 22), Qt.AlignmentFlag.AlignLeft, self.title)
        f.setBold(False)
        p.setFont(f)
        if self.legend:
            p.drawText(QRectF(8, 4, self.width() - 16, 22), Qt.AlignmentFlag.AlignRight, self.legend)
        if not self.items:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text or self.tr("No data"))
            return
        top, label_w, value_w = self.TOP, 130, 70
        row_h = self.row_height()
        width = self.width() - label_w - value_w - 16
        peak = max(a + b for _, a, b in self.items) or 1
        for i, (label, a, b) in enumerate(self.items):
            y = top + i * row_h
            p.setPen(QColor("#333"))
            p.drawText(QRectF(4, y, label_w - 8, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       label)
            wa, wb = width * a / peak, width * b / peak
            p.fillRect(QRectF(label_w, y + 2, wa, row_h - 4), BAR)
            if b:
                p.fillRect(QRectF(label_w + wa, y + 2, wb, row_h - 4), BAR2)
            value = f"{a:g}" + (f" + {b:g}" if b else "")
            p.drawText(QRectF(label_w + wa + wb + 4, y, value_w + 40, row_h), Qt.AlignmentFlag.AlignVCenter, value)
            if self.marker and self.marker[0] == i:
                p.setPen(QPen(LINE, 2))
                p.drawLine(int(label_w - 4), int(y), int(self.width() - 8), int(y))
                p.drawText(QRectF(label_w + width - 160, y - 16, 200, 16), Qt.AlignmentFlag.AlignRight,
                           self.marker[1])
        p.end()


class OverviewTab(BaseTab):
    @classmethod
    def tab_title(cls) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("OverviewTab", "Overview")

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.data = None
        self._with_findings = False
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("As of")))
        self.as_of = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        bar.addWidget(self.as_of)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.refresh_button)
        self.png_button = QPushButton(self.tr("Save Charts as PNG…"))
        self.png_button.clicked.connect(self.save_png)
        bar.addWidget(self.png_button)
        self.summary = QLabel()
        bar.addWidget(self.summary, 1)
        self.charts = {
            "type": BarChart(self.tr("Households by type")),
            "village": BarChart(self.tr("Households by village")),
            "risk": BarChart(self.tr("Monitored households by risk")),
            "income": BarChart(self.tr("Income per capita (households per 2,000 yuan)")),
            "findings": BarChart(self.tr("Findings by rule")),
            "posts": BarChart(self.tr("Posts and medical")),
        }
        grid = QGridLayout()
        for i, (key, c) in enumerate(self.charts.items()):
            grid.addWidget(c, i // 2, i % 2)
            c.clicked.connect(lambda index, _key=key: self.open_item(_key, index))
            c.setToolTip(self.tr("Click a bar to open the list behind it"))
        page = QWidget()
        page.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(scroll, 1)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.data is None and self.refresh_button.isEnabled():
            # the first tab fills itself with the counts (quick SQL) rather than greet the clerk
            # with empty charts; the 疑点 chart needs the full check and waits for 刷新
            self._load(with_findings=False, quiet=True)

    def refresh(self) -> None:
        self._load(with_findings=True, quiet=False)

    def _load(self, *, with_findings: bool, quiet: bool) -> None:
        from ..services.overview import overview

        db, as_of = self.ctx.db, self.as_of.date().toPython()
        if db is None:
            return
        self.refresh_button.setEnabled(False)
        self._with_findings = with_findings

        def done(data):
            self.refresh_button.setEnabled(True)
            self.show_data(data)

        def failed(exc):
            self.refresh_button.setEnabled(True)
            show_error(self, exc)

        run_task(self, self.tr("Computing the overview"),
                 lambda progress: overview(db, as_of, with_findings=with_findings),
                 on_result=done, on_error=failed, quiet=quiet, read_only=True)

    def show_data(self, o) -> None:
        self.data = o
        c = self.charts
        c["type"].set_data([(k, n, 0) for k, n in o.by_type])
        c["village"].set_data([(k, n, 0) for k, n in o.by_village])
        c["risk"].set_data([(k, a, b) for k, a, b in o.monitored_by_risk],
                           legend=self.tr("dark: not eliminated, light: eliminated"))
        marker = None
        if o.threshold is not None:
            idx = next((i for i, (lo, _n) in enumerate(o.income_bins) if lo + 2000 > o.threshold), None)
            if idx is not None:
                marker = (idx, self.tr("threshold %1").replace("%1", f"{o.threshold:,.0f}"))
        c["income"].set_data([(f"{lo:,.0f}" + ("+" if i == len(o.income_bins) - 1 else ""), n, 0)
                              for i, (lo, n) in enumerate(o.income_bins)], marker=marker)
        c["findings"].empty_text = ("" if self._with_findings else
                                    self.tr("Click Refresh to run the data check"))
        c["findings"].set_data([(k, n, 0) for k, n in sorted(o.findings.items())])
        rate = "—" if o.attendance_rate is None else f"{o.attendance_rate * 100:.1f}%"
        c["posts"].set_data([(self.tr("Posts filled"), o.posts_filled, 0),
                             (self.tr("Posts vacant"), o.posts_vacant, 0),
                             (self.tr("Self-pay alerts"), o.medical_alerts, 0)],
                            legend=self.tr("attendance this month: %1").replace("%1", rate))
        self.summary.setText(self.tr("Income year %1").replace("%1", str(o.year)))
        # which bars open a list: every one, except 未填写 types and income bins at or over the line
        c["type"].clickable = {i for i, (k, _n) in enumerate(o.by_type) if k != "未填写"}
        c["village"].clickable = None
        c["risk"].clickable = {i for i, (k, _a, _b) in enumerate(o.monitored_by_risk) if k != "未填写"}
        c["income"].clickable = ({i for i, (lo, _n) in enumerate(o.income_bins) if lo < o.threshold}
                                 if o.threshold is not None else set())
        c["findings"].clickable = None
        c["posts"].clickable = None

    # -- click through --------------------------------------------------------------------
    def open_item(self, key: str, index: int) -> None:
        """Open the list behind bar ``index`` of chart ``key``: the households register filtered
        (type, village, risk, below the threshold), the 疑点 list of a rule, posts or medical."""
        o, window = self.data, self.window()
        if o is None or not hasattr(window, "show_tab"):
            return
        label = self.charts[key].items[index][0]
        if key in ("type", "village", "risk", "income"):
            tab = window.show_tab("HouseholdsTab")
            if tab is None:
                return
            if key == "type":
                tab.show_filtered(household_type=label)
            elif key == "village":
                tab.show_filtered(village=label)
            elif key == "risk":
                tab.show_filtered(risk=label, monitored=True)
            else:
                tab.show_filtered(below_year=o.year)
        elif key == "findings":
            tab = window.show_tab("ChecksTab")
            if tab is not None:
                tab.show_rule(label, self.as_of.date().toPython())
        elif key == "posts":
            window.show_tab("MedicalTab" if index == 2 else "PostsTab")

    def save_png(self) -> list[str]:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save Charts as PNG…"))
        if not folder:
            return []
        out = []
        for key, chart in self.charts.items():
            path = f"{folder}/总览_{key}_{dt.date.today():%Y%m%d}.png"
            chart.grab().save(path)
            out.append(path)
        return out
