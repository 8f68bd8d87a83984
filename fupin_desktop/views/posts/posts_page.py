"""岗位: the posts of the township (name, type, village, duty area, wage standard, who holds
them now) with the post form (new / open / delete with a reason)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...models.posts import POST_TYPES
from ..common.widgets import make_table, set_villages, village_combo
from .local_search_page import LocalSearchPage
from .widgets import ColouredListModel
from ..common.list_model import Column

POST_FIELDS = ("name", "post_type", "village_id", "duty_area", "wage_standard", "funding_source",
               "required_days", "start_date", "end_date", "note")


class PostsListPage(LocalSearchPage):
    CHANGE_KIND = "posts"
    SEARCHED = ("name", "duty_area", "holders", "post_type")

    def __init__(self, ctx, notify, parent: QWidget | None = None):
        super().__init__(ctx, notify, parent)
        self.villages: list[tuple[int, str]] = []
        self.village = village_combo(self.tr("All villages"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search post, duty area or holder (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.assign_button = QPushButton(self.tr("Assign Worker to Post…"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Village")))
        top.addWidget(self.village)
        top.addWidget(self.search, 1)
        top.addWidget(self.assign_button)
        top.addWidget(self.count)
        self.model = ColouredListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("name", self.tr("Post name"), width=220),
            Column("post_type", self.tr("Post type"), width=90),
            Column("duty_area", self.tr("Duty area"), width=140),
            Column("wage_standard", self.tr("Wage standard (yuan/month)"), "money", width=120),
            Column("funding_source", self.tr("Funding source"), width=150),
            Column("required_days", self.tr("Required days"), "int", width=80),
            Column("start_date", self.tr("Post set up on"), "date", width=90),
            Column("end_date", self.tr("Post ends on"), "date", width=90),
            Column("holders", self.tr("Holders now"), width=140),
        ], self)
        self.model.colour = None
        self.table = make_table(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.search_loaded_rows()
        self.village.currentIndexChanged.connect(lambda _i: self.reload())

    def set_villages(self, villages) -> None:
        self.villages = list(villages)  # the post form offers them
        set_villages(self.village, villages)

    def fetch(self) -> list:
        from ...services.posts.assignments import list_posts

        return list_posts(self.ctx.db, village_id=self.village.currentData())

    def count_text(self, n: int) -> str:
        return self.tr("%1 posts").replace("%1", str(n))

    # -- editing -----------------------------------------------------------------------------
    def _fields(self):
        return [("name", self.tr("Post name"), "text", ()),
                ("post_type", self.tr("Post type"), "choice", POST_TYPES),
                ("village_id", self.tr("Village"), "lookup", tuple(self.villages)),
                ("duty_area", self.tr("Duty area (streets, lanes, ponds…)"), "text", ()),
                ("wage_standard", self.tr("Wage standard (yuan/month)"), "money", ()),
                ("funding_source", self.tr("Funding source"), "text", ()),
                ("required_days", self.tr("Required days per month (empty: the rule)"), "int", ()),
                ("start_date", self.tr("Post set up on"), "date", ()),
                ("end_date", self.tr("Post ends on"), "date", ()),
                ("note", self.tr("Note"), "memo", ())]

    def open_dialog(self, post=None):
        from ...services.posts.assignments import PostInput, save_post
        from ..common.record_dialog import MedicalRecordDialog

        data = {k: getattr(post, k) for k in POST_FIELDS} if post is not None else {
            "post_type": POST_TYPES[0], "village_id": self.village.currentData()}

        def save(values):
            if values.get("wage_standard") is None:
                values["wage_standard"] = ""
            return save_post(self.ctx.db, PostInput(**values), post.id if post else None,
                             post.version if post else None)

        title = self.tr("Post: %1").replace("%1", post.name) if post else self.tr("New Post")
        return self.show_dialog(MedicalRecordDialog(title, self._fields(), data, save, self))

    def delete_prompt(self, post) -> tuple[str, str]:
        return self.tr("Delete Post"), f"{post.village_name} {post.name}"

    def delete_record(self, post, reason: str) -> None:
        from ...services.posts.assignments import delete_post

        delete_post(self.ctx.db, post.id, reason)
