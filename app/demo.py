"""Demo data for `flask seed-demo`: get-or-create by natural keys, so it is idempotent."""
import importlib
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from app.auth.models import Consent, RoleGrant, User
from app.community.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    HouseholdBinding,
    Station,
    Street,
)
from app.extensions import db

_created = 0

COMMUNITIES = {
    "观湖社区": {
        "service_phone": "023-49210001",
        "grids": ["观湖第一网格", "观湖第二网格"],
        "compounds": [("观湖花园", "formal", ["1栋", "2栋", "3栋"]),
                      ("老粮站院落", "old_courtyard", ["1栋"]),
                      ("滨河零散楼栋", "scattered", ["滨河路12号"])],
        "stations": [("观湖社区党群服务站", "party_service", 29.3392, 105.2881),
                     ("观湖志愿V站", "v_station", 29.3401, 105.2893)],
    },
    "昌达街社区": {
        "service_phone": "023-49210002",
        "grids": ["昌达第一网格"],
        "compounds": [("昌达苑", "formal", ["A栋", "B栋"]),
                      ("供销社宿舍", "old_courtyard", ["1栋"])],
        "stations": [("昌达街志愿V站", "v_station", 29.3455, 105.2790)],
    },
}

# Floor area (m²) of each demo room: formal compounds' rooms, then the courtyards' and scattered
# buildings' numbered rooms.
AREAS_M2 = {"101": Decimal("89.50"), "102": Decimal("76.30"), "201": Decimal("89.50"),
            "502": Decimal("120.00"), "1": Decimal("52.40"), "2": Decimal("48.60"),
            "3": Decimal("61.20")}

# openid -> (nickname, phone, [(role, scope)], (community, compound, building, unit, room))
IDENTITIES = {
    "demo-admin": ("平台管理员", "13800000000", [("admin", {})], None),
    "demo-staff-1": ("观湖社工小李", "13800000001", [("staff", {"community": "观湖社区"})], None),
    "demo-staff-2": ("昌达社工小王", "13800000002", [("staff", {"community": "昌达街社区"})], None),
    "demo-resident-1": ("张阿姨", "13900000001", [],
                        ("观湖社区", "观湖花园", "1栋", "1", "101")),
    "demo-resident-2": ("李大爷", "13900000002", [],
                        ("观湖社区", "老粮站院落", "1栋", "", "3")),
    "demo-resident-3": ("王奶奶", "13900000003", [],
                        ("昌达街社区", "昌达苑", "A栋", "2", "502")),
    "demo-partner-1": ("家电维修刘师傅", "13700000001", [], None),
    "demo-partner-2": ("助老服务陈姐", "13700000002", [], None),
    "demo-merchant-1": ("观湖超市老板", "13600000001", [], None),
    "demo-volunteer-1": ("党员志愿者赵哥", "13500000001",
                         [("party_member", {"community": "观湖社区"}),
                          ("volunteer", {"community": "观湖社区"})], None),
    "demo-mediator-1": ("调解员老周", "13500000002",
                        [("party_member", {"community": "观湖社区"}),
                         ("mediator", {"community": "观湖社区"})], None),
}

# Family members (家属) bound to a demo resident's household: they may give points and order on
# the resident's behalf (代下单). openid -> (nickname, phone, household as in IDENTITIES).
FAMILY = {
    "demo-family-1": ("小张（张阿姨的儿子）", "13900000011",
                      ("观湖社区", "观湖花园", "1栋", "1", "101")),
}


def get_or_create(model, defaults: dict | None = None, **keys):
    global _created
    obj = db.session.scalar(sa.select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
        _created += 1
    return obj


class DemoRefused(RuntimeError):
    """Demo data never goes into a production database."""


# The domains with demo data of their own, in the order they are seeded.
SEEDED = ("catalog", "timebank", "mall", "orders", "volunteering", "party", "mediation",
          "organisations", "evaluations", "feedback", "consultations", "elevators", "projects",
          "trust", "talents", "stats")


def seed(skip: tuple[str, ...] = ()) -> int:
    """Base data here, then each domain's own `demo.seed()`, lowest domain first.

    Refused in production: the demo identities (an admin among them) have known openids."""
    global _created
    if current_app.config["ENV_NAME"] == "production":
        raise DemoRefused("seed-demo is refused in production (APP_ENV=production): the demo "
                          "identities, an admin among them, have well-known openids")
    _created = 0
    _seed_base()
    for domain in SEEDED:
        if domain in skip:
            continue
        importlib.import_module(f"app.{domain}.demo").seed()
    return _created


def _seed_base() -> None:
    street = get_or_create(Street, name="古湖街道")
    communities = {}
    households = {}
    for cname, spec in COMMUNITIES.items():
        community = get_or_create(Community, street_id=street.id, name=cname)
        communities[cname] = community
        if community.service_phone is None:  # also a database seeded before it was kept
            community.service_phone = spec["service_phone"]
        grids = [get_or_create(Grid, community_id=community.id, name=g) for g in spec["grids"]]
        for i, (name, kind, buildings) in enumerate(spec["compounds"]):
            compound = get_or_create(Compound, {"kind": kind}, community_id=community.id,
                                     name=name)
            for j, bname in enumerate(buildings):
                building = get_or_create(Building, {"grid_id": grids[(i + j) % len(grids)].id},
                                         compound_id=compound.id, name=bname)
                for unit in (["1", "2"] if kind == "formal" else [""]):
                    for room in (["101", "102", "201", "502"] if kind == "formal"
                                 else ["1", "2", "3"]):
                        hh = get_or_create(Household, {"area_m2": AREAS_M2[room]},
                                           building_id=building.id, unit=unit, room=room)
                        if hh.area_m2 is None:  # a database seeded before areas were kept
                            hh.area_m2 = AREAS_M2[room]
                        households[(cname, name, bname, unit, room)] = hh
        for name, kind, lat, lng in spec["stations"]:
            get_or_create(Station, {"kind": kind, "lat": lat, "lng": lng},
                          community_id=community.id, name=name)

    for openid, (nickname, phone, roles, home) in IDENTITIES.items():
        user = get_or_create(User, {"nickname": nickname, "phone": phone}, openid=openid)
        if phone:  # a bound phone implies its consent
            get_or_create(Consent, {"granted": True}, user_id=user.id, kind="phone")
        for role, scope in roles:
            keys = {"community_id": communities[scope["community"]].id} if scope else {}
            get_or_create(RoleGrant, user_id=user.id, role=role, revoked_at=None, **keys)
        if home:
            hh = households[home]
            get_or_create(HouseholdBinding,
                          {"status": "approved", "relation": "owner",
                           "community_id": communities[home[0]].id},
                          user_id=user.id, household_id=hh.id)
    for openid, (nickname, phone, home) in FAMILY.items():
        user = get_or_create(User, {"nickname": nickname, "phone": phone}, openid=openid)
        get_or_create(Consent, {"granted": True}, user_id=user.id, kind="phone")
        get_or_create(HouseholdBinding,
                      {"status": "approved", "relation": "family",
                       "community_id": communities[home[0]].id},
                      user_id=user.id, household_id=households[home].id)
