"""Demo data of this domain for `flask seed-demo` (idempotent).

Teams of community 1 (`demo-volunteer-1` leads the 党员先锋队 and serves at the V站), and an
activity at 观湖志愿V站 with one shift running now and one later. When the demo activity has no
shift left to end (the seed is run again days later), a fresh pair is added, so the demo flow
always has a current shift.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Community, Station
from app.demo import get_or_create
from app.extensions import db
from app.volunteering import codes
from app.volunteering.models import Activity, Shift, Team, TeamMember

ACTIVITY_TITLE = "观湖志愿V站便民服务日"
TEAMS = [("观湖志愿V站", "v_station"), ("观湖党员先锋队", "party_vanguard"),
         ("观湖帮代办志愿队", "errand_team"), ("古湖街道志愿服务联盟", "alliance")]


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def seed() -> None:
    community = _one(Community, name="观湖社区")
    volunteer = _one(User, openid="demo-volunteer-1")
    staff = _one(User, openid="demo-staff-1")
    station = _one(Station, community_id=community.id, name="观湖志愿V站")
    now = utcnow()

    teams = {}
    for name, kind in TEAMS:
        teams[kind] = get_or_create(
            Team, {"kind": kind, "leader_id": volunteer.id if kind == "party_vanguard" else None,
                   "station_id": station.id if kind == "v_station" else None},
            community_id=community.id, name=name)
    for kind in ("party_vanguard", "v_station"):
        get_or_create(TeamMember, team_id=teams[kind].id, user_id=volunteer.id)

    activity = get_or_create(
        Activity, {"team_id": teams["v_station"].id, "created_by_id": staff.id,
                   "description": "量血压、理发、家电小修，欢迎报名志愿服务",
                   "auto_approve": False},
        community_id=community.id, title=ACTIVITY_TITLE)
    live = db.session.scalar(sa.select(Shift.id).where(Shift.activity_id == activity.id,
                                                       Shift.ends_at > now))
    if live is None:
        start = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 30)
        for begins, hours in ((start - timedelta(hours=1), 3), (start + timedelta(hours=3), 2)):
            get_or_create(Shift, {
                "ends_at": begins + timedelta(hours=hours), "capacity": 10, "signed_up": 0,
                "location_name": station.name, "lat": station.lat, "lng": station.lng,
                "radius_m": 200, "points_per_hour": 10, "required_roles": "",
                "code_required": True, "secret": codes.new_secret()},
                activity_id=activity.id, starts_at=begins)
