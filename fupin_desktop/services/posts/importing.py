"""`fupin import posts`, the database side: importers/posts_roster.py reads and checks the roster;
this module answers its questions (members, villages) and, for each good row, matches the post
(village, name, type, duty area, standard) or creates it, and the assignment, idempotent by
(member, post, 上岗日期). One transaction for the whole file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import select

from ...errors import ValidationError
from ...importers.posts_roster import SPEC, RosterRow, parse_roster
from ...importers.result import ImportIssue, ImportResult
from ...importers.sheet import open_sheet
from ...models import Household, Member, Village
from ...models.posts import Assignment, Post
from ..autobackup import before
from .assignments import (
    AssignmentInput, EligibilityError, PostInput, create_assignment_in, save_post_in,
)
from .eligibility import check_eligibility
from .rules import load_rules
from ..oplock import exclusive_op


def members_by_id(session, ids: set[str]) -> dict[str, tuple]:
    """ID -> (member id, name, household code, village id) for the IDs in the file."""
    out = {}
    ids_l = list(ids)
    for i in range(0, len(ids_l), 900):
        for mid, idno, name, hcode, vid in session.execute(
                select(Member.id, Member.id_number, Member.name, Household.code, Household.village_id)
                .join(Household, Household.id == Member.household_id)
                .where(Member.id_number.in_(ids_l[i:i + 900]))):
            out[idno] = (mid, name, hcode, vid)
    return out


class _RosterStore:
    """importers.posts_roster.RosterStore over one session."""

    def __init__(self, session):
        self.s = session
        self.rules = load_rules(session)
        self.posts: dict[tuple, int] = {
            (p.village_id, p.name, p.post_type, p.duty_area or "", p.wage_standard): p.id
            for p in session.scalars(select(Post).where(Post.deleted_at.is_(None)))}

    def members(self, ids: set[str]) -> dict[str, tuple]:
        return members_by_id(self.s, ids)

    def villages(self) -> dict[str, int]:
        return dict(self.s.execute(select(Village.name, Village.id)).all())

    def accept(self, rec: RosterRow, res: ImportResult, header_of) -> None:
        r, mid, mname, hcode = rec.row, rec.member_id, rec.name, rec.household_code

        def reject(code, msg, fname):
            res.reject(ImportIssue(r, code, msg, fname, hcode, mname))

        key = (rec.village_id, rec.post_name, rec.post_type, rec.duty_area, rec.wage_standard)
        if rec.wage_standard is None:  # no standard in the row: an existing post of that name, type and area
            known = [pid for (v_, n, t, d, _), pid in self.posts.items()
                     if (v_, n, t, d) == key[:4]]
            if not known:
                reject("missing-value", f"第{r}行缺少“{header_of('wage_standard')}”，该行未导入",
                       "wage_standard")
                return
            key = next(k for k, pid in self.posts.items() if pid == known[0])
        pid = self.posts.get(key)
        existing = None if pid is None else self.s.scalar(select(Assignment).where(
            Assignment.member_id == mid, Assignment.post_id == pid,
            Assignment.start_date == rec.start))
        if existing is not None:
            changed = False
            for attr, val in (("bank_account", rec.bank_account), ("bank_name", rec.bank_name),
                              ("agreement_no", rec.agreement_no)):
                if val and getattr(existing, attr) != val:
                    setattr(existing, attr, val)
                    changed = True
            res.count("assignments_updated" if changed else "assignments_unchanged")
            res.rows_imported += 1
            return
        result = check_eligibility(self.s, mid, rec.start, rec.end, rules=self.rules)
        if not result.ok:
            reject("not-eligible", f"第{r}行{mname}：{result.message}，该行未导入", "id_number")
            return
        if pid is None:
            try:  # a negative standard or 40 required days rejects this row, not the whole file
                post = save_post_in(self.s, PostInput(
                    name=rec.post_name, post_type=rec.post_type, wage_standard=rec.wage_standard,
                    village_id=rec.village_id, duty_area=rec.duty_area or None,
                    funding_source=rec.funding_source, required_days=rec.required_days))
            except ValidationError as exc:
                reject("bad-value", f"第{r}行：{exc}，该行未导入", None)
                return
            pid = self.posts[key] = post.id
            res.count("posts_created")
        try:
            create_assignment_in(self.s, AssignmentInput(
                mid, pid, rec.start, rec.end, rec.agreement_no, rec.bank_name, rec.bank_account),
                self.rules)
        except EligibilityError as exc:
            reject("not-eligible", f"第{r}行{mname}：{exc.result.message}，该行未导入", "id_number")
            return
        except ValidationError as exc:  # the importer checked the fields already: a safety net
            reject("bad-value", f"第{r}行：{exc}，该行未导入", getattr(exc, "field", None))
            return
        res.count("assignments_created")
        res.rows_imported += 1


@exclusive_op("import posts")
def import_roster(db, path: str | os.PathLike, *, today: dt.date | None = None) -> ImportResult:
    """Import a roster file; raises InputError for an unusable file (nothing is written)."""
    reader = open_sheet(path, SPEC)
    name = Path(path).name
    before(db, "import")
    with db.write(reason=f"导入公益性岗位花名册：{name}") as s:
        res = parse_roster(_RosterStore(s), reader, name, today)
    for k in ("posts_created", "assignments_created", "assignments_updated", "assignments_unchanged"):
        res.counts.setdefault(k, 0)
    return res
