"""The Excel workbook of a scope and period (openpyxl): an overview, one sheet per area with
the monthly figures, a sheet of native Excel charts, and the volunteer and party-member lists
that street reports need. Every text cell goes through `neutralise`, so nothing typed by a
user can become a formula."""
import io
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from app.auth.models import User
from app.common.masking import mask_phone
from app.common.spreadsheet import neutralise
from app.community.models import Community
from app.extensions import db
from app.party.models import PartyRegistration
from app.stats import figures as f
from app.volunteering.models import Attendance

AREAS = ("服务", "社情民意与调解", "志愿服务", "积分", "党建与治理")
CHARTS = (("services_done", "每月完成服务（单）", BarChart),
          ("volunteer_minutes_verified", "每月志愿时长（小时，现场核验）", LineChart),
          ("problems_solved", "每月解决问题（件）", BarChart))


def _cell(value):
    """Numbers stay numbers; everything else is neutralised text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    return neutralise(value)


def _title(ws, text: str, width: int) -> None:
    ws.append([_cell(text)])
    ws["A1"].font = Font(bold=True, size=14)
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _table(ws, header: list[str], rows) -> None:
    ws.append([_cell(h) for h in header])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    for i, h in enumerate(header):
        ws.column_dimensions[ws.cell(row=2, column=i + 1).column_letter].width = \
            max(10, len(h) * 2 + 2)


def volunteer_rows(ids: list[int], start: date, end: date):
    """Each volunteer credited in the period: minutes verified and made up, points."""
    lo, hi = f.bounds(start, end)
    credited = Attendance.status == "credited"
    stmt = (sa.select(User.nickname, User.phone, Community.name,
                      sa.func.sum(sa.case((~Attendance.manual, Attendance.minutes), else_=0)),
                      sa.func.sum(sa.case((Attendance.manual, Attendance.minutes), else_=0)),
                      sa.func.sum(Attendance.points))
            .join(User, User.id == Attendance.user_id)
            .join(Community, Community.id == Attendance.community_id)
            .where(Attendance.community_id.in_(ids), credited, Attendance.reviewed_at >= lo,
                   Attendance.reviewed_at < hi)
            .group_by(Attendance.user_id, User.nickname, User.phone, Community.name)
            .order_by(Community.name, Attendance.user_id))
    for name, phone, cname, verified, manual, points in db.session.execute(stmt):
        yield [name, mask_phone(phone) or "", cname, int(verified or 0), int(manual or 0),
               round(int((verified or 0) + (manual or 0)) / 60, 1), int(points or 0)]


def party_rows(ids: list[int], end: date):
    """Party members registered (双报到, approved) in the communities by the end of the period."""
    _, hi = f.bounds(end, end)
    stmt = (sa.select(User.nickname, User.phone, PartyRegistration.unit_name, Community.name,
                      PartyRegistration.decided_at)
            .join(User, User.id == PartyRegistration.user_id)
            .join(Community, Community.id == PartyRegistration.community_id)
            .where(PartyRegistration.community_id.in_(ids),
                   PartyRegistration.status == "approved", PartyRegistration.decided_at < hi)
            .order_by(Community.name, PartyRegistration.id))
    for name, phone, unit, cname, decided in db.session.execute(stmt):
        yield [name, mask_phone(phone) or "", unit, cname,
               decided.astimezone(f.SHANGHAI).date().isoformat() if decided else ""]


def size(ids: list[int], start: date, end: date) -> int:
    """Rows the lists will hold: what decides between answering at once and a background job."""
    lo, hi = f.bounds(start, end)
    volunteers = db.session.scalar(sa.select(sa.func.count(sa.distinct(Attendance.user_id)))
                                   .where(Attendance.community_id.in_(ids),
                                          Attendance.status == "credited",
                                          Attendance.reviewed_at >= lo,
                                          Attendance.reviewed_at < hi)) or 0
    members = db.session.scalar(sa.select(sa.func.count(PartyRegistration.id)).where(
        PartyRegistration.community_id.in_(ids), PartyRegistration.status == "approved",
        PartyRegistration.decided_at < hi)) or 0
    return int(volunteers) + int(members)


def build(scope_name: str, ids: list[int], start: date, end: date,
          progress: Callable[[int], None] = lambda pct: None) -> bytes:
    period = f"{start.isoformat()} 至 {end.isoformat()}"
    figures, unavailable = f.all_figures(ids, start, end)
    progress(20)
    monthly = {name: f.monthly(name, ids, start, end) for name in f.SERIES_METRICS}
    months = f.months(start, end)
    progress(50)

    wb = Workbook()
    ws = wb.active
    ws.title = "概览"
    _title(ws, f"{scope_name} 统计概览（{period}）", 4)
    rows = []
    for name in f.FIGURE_NAMES:
        label, unit, area = f.label(name)
        rows.append([area, label, figures[name], unit, unavailable.get(name, "")])
    _table(ws, ["领域", "指标", "数值", "单位", "说明"], rows)

    data_at: dict[str, tuple] = {}  # metric -> (sheet, column) of its monthly values
    for area in AREAS:
        ws = wb.create_sheet(area)
        names = [n for n in f.SERIES_METRICS if f.label(n)[2] == area]
        _title(ws, f"{scope_name} {area}（{period}）", len(names) + 1)
        header = ["月份"] + [f"{f.label(n)[0]}（{f.label(n)[1]}）" for n in names]
        values = {n: [i["value"] for i in monthly[n]] for n in names}
        if "volunteer_minutes_verified" in names:
            header.append("志愿时长合计（小时）")
            values["_hours"] = [round((a + b) / 60, 1) for a, b in zip(
                values["volunteer_minutes_verified"], values["volunteer_minutes_manual"],
                strict=True)]
        keys = names + (["_hours"] if "_hours" in values else [])
        _table(ws, header, [[m] + [values[k][i] for k in keys] for i, m in enumerate(months)])
        ws.append(["合计"] + [figures[k] if k in figures else round(sum(values[k]), 1)
                              for k in keys])
        for col, k in enumerate(keys, start=2):
            data_at[k] = (ws, col)
    progress(70)

    ws = wb.create_sheet("图表")
    _title(ws, f"{scope_name} 月度图表（{period}）", 8)
    hours_ws = wb.create_sheet("图表数据")
    hours_ws.append(["月份", "现场核验志愿时长（小时）"])
    for m, item in zip(months, monthly["volunteer_minutes_verified"], strict=True):
        hours_ws.append([m, round(item["value"] / 60, 1)])
    n = len(months)
    for i, (metric, title, kind) in enumerate(CHARTS):
        chart = kind()
        chart.title = title
        chart.y_axis.title = title[title.index("（") + 1:-1]
        chart.x_axis.title = "月份"
        if metric == "volunteer_minutes_verified":
            src, col = hours_ws, 2
        else:
            src, col = data_at[metric]
        first = 3 if src is not hours_ws else 2  # the area sheets have a title row
        chart.add_data(Reference(src, min_col=col, min_row=first - 1, max_row=first + n - 1),
                       titles_from_data=True)
        chart.set_categories(Reference(src, min_col=1, min_row=first, max_row=first + n - 1))
        chart.width, chart.height = 24, 7.5
        ws.add_chart(chart, f"A{3 + i * 16}")

    ws = wb.create_sheet("志愿者名单")
    _title(ws, f"{scope_name} 志愿者名单（{period}，按审核通过日期）", 7)
    _table(ws, ["姓名", "手机号", "社区", "现场核验时长（分钟）", "补录时长（分钟）",
                "合计时长（小时）", "获得积分（分）"], volunteer_rows(ids, start, end))
    progress(85)
    ws = wb.create_sheet("党员名单")
    _title(ws, f"{scope_name} 报到党员名单（截至{end.isoformat()}）", 5)
    _table(ws, ["姓名", "手机号", "工作单位", "报到社区", "报到日期"], party_rows(ids, end))

    buf = io.BytesIO()
    wb.save(buf)
    progress(100)
    return buf.getvalue()

