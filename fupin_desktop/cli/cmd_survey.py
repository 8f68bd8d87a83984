"""入户排查 on the command line (issue 15):

    fupin survey print 户编号… --out FORMS.pdf      prefilled A4 forms with tick boxes
    fupin survey template OUT.xlsx [--village V]   entry sheet: one row per household and visit
    fupin survey import FILE.xlsx                  read the filled sheet back (all or nothing)
    fupin survey add-version FILE.json             (admin) a new questionnaire version
"""

from __future__ import annotations


def _print(db, args):
    from ..reports.survey_forms import render_survey_forms
    from ..services import settings
    from ..services.problems.survey import household_facts, template

    from ..errors import InputError

    codes = list(args.households or [])
    if args.village:
        codes += [c for c, _v, _h in _households(db, args.village)]
    if not codes:
        raise InputError("请给出要打印的户编号，或用 --village 打印一个行政村的全部农户。")
    facts = household_facts(db, codes)
    with db.read() as s:
        tpl = template(s, None)
        unit = settings.township_info(s).unit
    pages = render_survey_forms(tpl, facts, args.out, unit=unit)
    return ({"out": args.out, "households": len(facts), "pages": pages, "version": tpl.version},
            f"已生成 {len(facts)} 户的入户排查表：{args.out}（{pages} 页）")


def _households(db, village):
    """(户编号, 行政村, 户主) of the live households, optionally of one village."""
    from sqlalchemy import select

    from ..models import Household, Member, Village
    from ..services.villages import village_id_by_name

    with db.read() as s:
        head = (select(Member.name).where(Member.household_id == Household.id,
                                          Member.relation == "户主", Member.deleted_at.is_(None))
                .order_by(Member.id).limit(1).correlate(Household).scalar_subquery())
        stmt = (select(Household.code, Village.name, head).join(Village)
                .where(Household.deleted_at.is_(None))
                .order_by(Village.sort_order, Village.name, Household.code))
        if village:
            stmt = stmt.where(Household.village_id == village_id_by_name(s, village))
        return [tuple(r) for r in s.execute(stmt)]


def _template(db, args):
    from ..exporters.survey_sheet import write_survey_sheet
    from ..services.problems.survey import template

    with db.read() as s:
        tpl = template(s, None)
    rows = _households(db, args.village)
    n = write_survey_sheet(args.out, tpl, rows)
    return ({"out": args.out, "households": n, "version": tpl.version,
             "questions": len(tpl.questions)},
            f"已生成入户排查录入表：{args.out}（{n} 户，{len(tpl.questions)} 个问题，第{tpl.version}版）")


def _import(db, args):
    from ..services.problems.survey_import import import_surveys

    res = import_surveys(db, args.file)
    data = res.to_json()
    if res.rejects:
        data["exit_code"] = 2
        lines = [f"入户排查录入表有 {res.rows_rejected} 行需要更正，整个文件未导入（全部正确后才会导入）："]
        lines += [f"  {i.message}" for i in sorted(res.rejects, key=lambda i: i.row)]
        data["error"] = lines[0]
    else:
        lines = [f"入户排查导入完成：{res.counts.get('surveys_created', 0)} 次走访，"
                 f"生成问题 {res.counts.get('problems_created', 0)} 个，跳过 {res.rows_skipped} 行"
                 "（未走访或空行）。"]
    return data, "\n".join(lines)


def _add_version(db, args):
    from ..services.problems.survey import add_template

    v = add_template(db, args.file)
    return {"version": v}, f"已新增入户排查表第{v}版，新的排查将使用此版本"


def register(sub, common) -> None:
    p = sub.add_parser("survey", help="入户排查（调查表打印、录入表、导入）", parents=[common])
    acts = p.add_subparsers(dest="survey_action", metavar="ACTION", required=True)
    pp = acts.add_parser("print", help="打印预填的入户排查表（A4）", parents=[common])
    pp.add_argument("households", nargs="*", metavar="户编号", help="要打印的户编号")
    pp.add_argument("--village", metavar="V", help="打印此行政村的全部农户")
    pp.add_argument("--out", required=True, metavar="FORMS.pdf", help="输出 PDF 文件")
    pp.set_defaults(handler=_print)
    tp = acts.add_parser("template", help="生成入户排查录入表（Excel）", parents=[common])
    tp.add_argument("out", metavar="OUT.xlsx", help="输出的 Excel 文件")
    tp.add_argument("--village", metavar="V", help="只含此行政村的农户")
    tp.set_defaults(handler=_template)
    ip = acts.add_parser("import", help="导入填好的入户排查录入表", parents=[common])
    ip.add_argument("file", metavar="FILE.xlsx", help="填好的录入表")
    ip.set_defaults(handler=_import)
    vp = acts.add_parser("add-version", help="（管理员）新增调查表版本", parents=[common])
    vp.add_argument("file", metavar="FILE.json", help="调查表模板（JSON，格式同 resources/survey/template_v1.json）")
    vp.set_defaults(handler=_add_version)
