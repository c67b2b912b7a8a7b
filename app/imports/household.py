"""The household register (户籍册): compounds, buildings, units, rooms and floor areas of one
community, into community's models.

Natural keys: a compound by name within the community, a building by name within its
compound, a household by unit and room within its building. A repeated import finds every
row in place and changes nothing; a row with a new floor area updates that household.
"""
from decimal import Decimal

import sqlalchemy as sa

from app.community.models import COMPOUND_KINDS, Building, Community, Compound, Household
from app.extensions import db
from app.imports.reader import Column, Problems, Sheet, decimal_of

COLUMNS = [
    Column("compound", "小区", required=True, aliases=("小区名称", "院落")),
    Column("kind", "小区类型", aliases=("类型",)),
    Column("building", "楼栋", required=True, aliases=("楼号", "栋")),
    Column("unit", "单元"),
    Column("room", "房号", required=True, aliases=("房间号", "门牌号", "室")),
    Column("area", "面积", aliases=("建筑面积", "专有面积", "面积㎡", "房屋面积")),
]
KIND_NAMES = {"建制小区": "formal", "老旧院落": "old_courtyard", "零散楼栋": "scattered"}
MAX_AREA = Decimal("100000")


def _existing(community: Community):
    compounds = {}
    for c in db.session.scalars(sa.select(Compound).where(
            Compound.community_id == community.id).order_by(Compound.id)):
        compounds.setdefault(c.name, c)
    ids = [c.id for c in compounds.values()]
    buildings = {}
    for b in db.session.scalars(sa.select(Building).where(
            Building.compound_id.in_(ids)).order_by(Building.id)):
        buildings.setdefault((b.compound_id, b.name), b)
    households = {(h.building_id, h.unit, h.room): h for h in db.session.scalars(
        sa.select(Household).where(Household.building_id.in_([b.id for b in
                                                              buildings.values()])))}
    return compounds, buildings, households


def _text(problems: Problems, row: int, values: dict, key: str, limit: int,
          required: bool = False) -> str:
    text = values.get(key, "")
    title = problems.sheet.columns[key].title
    if required and not text:
        problems.add(row, key, f"{title}不能为空")
    elif len(text) > limit:
        problems.add(row, key, f"{title}不能超过{limit}个字")
    return text


def check(community: Community, sheet: Sheet) -> tuple[Problems, list[dict]]:
    """Every row's problems, and the rows as clean values (for `apply`)."""
    problems = Problems(sheet)
    compounds, _, _ = _existing(community)
    seen: dict[tuple, int] = {}
    kinds: dict[str, tuple[str, int]] = {}
    clean = []
    for row, values in sheet.rows:
        before = problems.total
        compound = _text(problems, row, values, "compound", 64, required=True)
        building = _text(problems, row, values, "building", 32, required=True)
        unit = _text(problems, row, values, "unit", 16).removesuffix("单元")
        room = _text(problems, row, values, "room", 16, required=True).removesuffix("室")
        kind = None
        if values.get("kind"):
            kind = KIND_NAMES.get(values["kind"], values["kind"] if values["kind"] in
                                  COMPOUND_KINDS else None)
            if kind is None:
                problems.add(row, "kind", "小区类型只能是：" + "、".join(KIND_NAMES))
            elif compound in compounds and compounds[compound].kind != kind:
                problems.add(row, "kind", "小区类型与已有记录不一致")
            elif compound in kinds and kinds[compound][0] != kind:
                problems.add(row, "kind", f"小区类型与第{kinds[compound][1]}行不一致")
            else:
                kinds.setdefault(compound, (kind, row))
        area = None
        if values.get("area"):
            area = decimal_of(values["area"])
            if area is None or area <= 0 or area > MAX_AREA or area != area.quantize(
                    Decimal("0.01")):
                problems.add(row, "area", "面积须为正数（平方米），最多两位小数")
                area = None
        key = (compound, building, unit, room)
        if compound and building and room:
            if key in seen:
                problems.add(row, "room", f"与第{seen[key]}行重复")
            else:
                seen[key] = row
        if problems.total == before:
            clean.append({"row": row, "compound": compound, "kind": kind,
                          "building": building, "unit": unit, "room": room, "area": area})
    return problems, clean


def apply(community: Community, rows: list[dict], write: bool) -> dict:
    """Create what is missing (when `write`), and count what was or would be done."""
    compounds, buildings, households = _existing(community)
    counts = dict.fromkeys(("compounds_created", "buildings_created", "households_created",
                            "households_updated", "households_unchanged"), 0)
    new_compounds: dict[str, Compound] = {}
    for r in rows:
        compound = compounds.get(r["compound"]) or new_compounds.get(r["compound"])
        if compound is None:
            counts["compounds_created"] += 1
            compound = Compound(community_id=community.id, name=r["compound"],
                                kind=r["kind"] or "formal")
            new_compounds[r["compound"]] = compound
            if write:
                db.session.add(compound)
                db.session.flush()
        bkey = (compound.id, r["building"]) if compound.id else (r["compound"], r["building"])
        building = buildings.get(bkey)
        if building is None:
            counts["buildings_created"] += 1
            building = Building(compound_id=compound.id, name=r["building"])
            if write:
                db.session.add(building)
                db.session.flush()
                bkey = (compound.id, r["building"])
            buildings[bkey] = building
        hkey = (building.id, r["unit"], r["room"]) if building.id else (bkey, r["unit"],
                                                                         r["room"])
        household = households.get(hkey)
        if household is None:
            counts["households_created"] += 1
            household = Household(building_id=building.id, unit=r["unit"], room=r["room"],
                                  area_m2=r["area"])
            if write:
                db.session.add(household)
            households[hkey] = household
        elif r["area"] is not None and household.area_m2 != r["area"]:
            counts["households_updated"] += 1
            if write:
                household.area_m2 = r["area"]
        else:
            counts["households_unchanged"] += 1
    if write:
        db.session.flush()
    return counts
