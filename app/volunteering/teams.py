"""Volunteer teams: 志愿V站, 志愿服务联盟, 帮代办志愿队 and 党员先锋队 of a community.

Staff of the community create teams and manage members; a team's leader may manage its
members too.
"""
import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.permissions import has_role
from app.community.models import Station
from app.community.service import get_community, require_staff
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.extensions import db
from app.sql import get_or_404
from app.volunteering.models import Team, TeamMember
from app.wechat.content import require_clean

log = logging.getLogger(__name__)


def get_team(team_id: int) -> Team:
    team = db.session.get(Team, team_id, options=[joinedload(Team.leader).lazyload(User.grants)])
    if team is None:
        raise NotFound(message="队伍不存在")
    return team


def create_team(staff: User, data: dict, now: datetime) -> Team:
    community_id = data["community_id"]
    get_community(community_id)
    require_staff(staff, community_id)
    if data.get("station_id") is not None:
        station = db.session.get(Station, data["station_id"])
        if station is None or station.community_id != community_id:
            raise Unprocessable(details={"fields": {"station_id": ["站点不属于该社区"]}})
    if data.get("leader_id") is not None and db.session.get(User, data["leader_id"]) is None:
        raise Unprocessable(details={"fields": {"leader_id": ["用户不存在"]}})
    if db.session.scalar(sa.select(Team.id).where(Team.community_id == community_id,
                                                  Team.name == data["name"])):
        raise Conflict("already_exists", "该社区已有同名队伍")
    require_clean({"name": data["name"]}, staff.openid)
    team = Team(community_id=community_id, kind=data["kind"], name=data["name"],
                leader_id=data.get("leader_id"), station_id=data.get("station_id"),
                created_at=now)
    db.session.add(team)
    db.session.flush()
    if team.leader_id is not None:
        join_team(team, team.leader_id, now)
    log.info("team created id=%s community=%s by=%s", team.id, community_id, staff.id)
    return team


def can_manage(user: User, team: Team) -> bool:
    return team.leader_id == user.id or has_role(user, "staff", community_id=team.community_id)


def add_member(user: User, team_id: int, member_id: int, now: datetime) -> TeamMember:
    team = get_team(team_id)
    if not can_manage(user, team):
        raise Forbidden()
    get_or_404(User, member_id, "用户不存在")
    return join_team(team, member_id, now)


def remove_member(user: User, team_id: int, member_id: int) -> None:
    team = get_team(team_id)
    if not can_manage(user, team):
        raise Forbidden()
    if member_id == team.leader_id:
        raise Conflict("leader_cannot_leave", "请先更换队长")
    member = db.session.scalar(sa.select(TeamMember).where(
        TeamMember.team_id == team.id, TeamMember.user_id == member_id))
    if member is None:
        raise NotFound(message="该用户不是队员")
    db.session.delete(member)
    db.session.flush()


def join_team(team: Team, user_id: int, now: datetime) -> TeamMember:
    """The user joins the team (a member already stays as they are)."""
    member = db.session.scalar(sa.select(TeamMember).where(
        TeamMember.team_id == team.id, TeamMember.user_id == user_id))
    if member is None:
        member = TeamMember(team_id=team.id, user_id=user_id, joined_at=now)
        db.session.add(member)
        db.session.flush()
    return member
