"""The party-member roster (党员花名册) of one community, into the owners' party-member
ledger: one row per person and source (双报到, 流动党员, 网格摸排).

A row names its compound (which must be in the household register), optionally the
building, unit and room of the member's household (which must exist there too). The ledger's
natural key (compound, source, name, phone) makes a repeated import change nothing.
"""
import re
from datetime import datetime

import sqlalchemy as sa

from app.community.models import Building, Community, Compound, Household
from app.extensions import db
from app.imports.reader import Column, Problems, Sheet
from app.talents import ledger as talents
from app.talents.models import LEDGER_SOURCES, SOURCE_NAMES

COLUMNS = [
    Column("name", "姓名", required=True),
    Column("phone", "手机号", aliases=("电话", "联系电话", "手机")),
    Column("compound", "小区", required=True, aliases=("小区名称", "院落")),
    Column("building", "楼栋", aliases=("楼号",)),
    Column("unit", "单元"),
    Column("room", "房号", aliases=("房间号", "门牌号")),
    Column("source", "来源", required=True, aliases=("党员类别", "类别")),
    Column("unit_name", "所在单位", aliases=("工作单位", "单位", "组织关系所在单位")),
    Column("note", "备注"),
]
SOURCES = {name: code for code, name in SOURCE_NAMES.items()} | {
    "在职党员双报到": "registered", "报到党员": "registered", "网格": "grid"}
PHONE = re.compile(r"^\+?[0-9-]{5,20}$")


def _register(community: Community):
    compounds = {}
    for c in db.session.scalars(sa.select(Compound).where(
            Compound.community_id == community.id).order_by(Compound.id)):
        compounds.setdefault(c.name, c)
    homes = {}
    rows = db.session.execute(
        sa.select(Household.id, Building.compound_id, Building.name, Household.unit,
                  Household.room)
        .join(Building, Building.id == Household.building_id)
        .where(Building.compound_id.in_([c.id for c in compounds.values()])))
    for hid, compound_id, building, unit, room in rows:
        homes[(compound_id, building, unit, room)] = hid
    return compounds, homes


def check(community: Community, sheet: Sheet) -> tuple[Problems, list[dict]]:
    problems = Problems(sheet)
    compounds, homes = _register(community)
    seen: dict[tuple, int] = {}
    clean = []
    for row, v in sheet.rows:
        before = problems.total
        name = v.get("name", "")
        if not name:
            problems.add(row, "name", "姓名不能为空")
        elif len(name) > 32:
            problems.add(row, "name", "姓名不能超过32个字")
        phone = v.get("phone", "").replace(" ", "")
        if phone and not PHONE.match(phone):
            problems.add(row, "phone", "手机号格式不正确")
        compound = compounds.get(v.get("compound", ""))
        if not v.get("compound"):
            problems.add(row, "compound", "小区不能为空")
        elif compound is None:
            problems.add(row, "compound", "小区不在本社区的户籍册中，请先导入户籍册")
        source = SOURCES.get(v.get("source", ""), v.get("source") if v.get("source") in
                             LEDGER_SOURCES else None)
        if source is None:
            problems.add(row, "source", "来源只能是：" + "、".join(SOURCE_NAMES.values()))
        household_id = None
        building, room = v.get("building", ""), v.get("room", "").removesuffix("室")
        unit = v.get("unit", "").removesuffix("单元")
        if compound is not None and (building or room):
            if not (building and room):
                problems.add(row, "room" if building else "building", "楼栋和房号须同时填写")
            else:
                household_id = homes.get((compound.id, building, unit, room))
                if household_id is None:
                    problems.add(row, "room", "该住户不在户籍册中")
        for key, limit in (("unit_name", 100), ("note", 200)):
            if len(v.get(key, "")) > limit:
                problems.add(row, key, f"{sheet.columns[key].title}不能超过{limit}个字")
        if compound is not None and source and name:
            nkey = (compound.id, source, name, phone)
            if nkey in seen:
                problems.add(row, "name", f"与第{seen[nkey]}行重复")
            else:
                seen[nkey] = row
        if problems.total == before:
            clean.append({"row": row, "compound": compound, "name": name, "phone": phone,
                          "source": source, "household_id": household_id,
                          "unit_name": v.get("unit_name", ""), "note": v.get("note", "")})
    return problems, clean


def apply(actor_id: int | None, rows: list[dict], write: bool, now: datetime) -> dict:
    counts = {"entries_created": 0, "entries_unchanged": 0}
    for r in rows:
        if write:
            _, created = talents.put_entry(actor_id, r["compound"], r, now)
        else:
            created = talents.find_entry(r["compound"].id, r["source"], r["name"],
                                         r["phone"]) is None
        counts["entries_created" if created else "entries_unchanged"] += 1
    return counts
