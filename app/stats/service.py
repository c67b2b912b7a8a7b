"""Who may read the figures of which scope, the default period, the summary, the series and
the public impact figures (counts under 5 hidden, cached in Redis for a minute)."""
import json
import logging
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, require
from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import Community
from app.community.service import get_community, get_street
from app.errors import Unprocessable
from app.extensions import db, get_redis
from app.stats import figures as f

log = logging.getLogger(__name__)
MAX_MONTHS = 36  # the longest period a series or a workbook covers
PUBLIC_MIN = 5  # counts under this are shown as "<5" in public
PUBLIC_TTL = 60  # seconds the public figures stay cached
# Figures that count people's records: the ones masked in public when small.
PUBLIC_COUNTS = ("services_done", "households_served", "problems_solved", "disputes",
                 "activities_held", "party_members_registered", "consultations_passed",
                 "elevators_in_service", "projects_done")
PUBLIC_SERIES = ("services_done", "volunteer_minutes_verified", "problems_solved")


# -- scope and period --------------------------------------------------------------------------
class Scope:
    """A community or a street, with the ids of the communities it covers."""

    def __init__(self, kind: str, obj, ids: list[int]):
        self.kind, self.id, self.name, self.ids = kind, obj.id, obj.name, ids
        self.street_id = obj.street_id if kind == "community" else obj.id

    def view(self) -> dict:
        return {"kind": self.kind, "id": self.id, "name": self.name}


def _field_error(field: str, message: str) -> Unprocessable:
    return Unprocessable(details={"fields": {field: [message]}})


def resolve_scope(community_id: int | None, street_id: int | None) -> Scope:
    if (community_id is None) == (street_id is None):
        raise _field_error("community_id", "请指定社区或街道之一")
    if community_id is not None:
        community = get_community(community_id)
        return Scope("community", community, [community.id])
    street = get_street(street_id)
    ids = list(db.session.scalars(sa.select(Community.id).where(
        Community.street_id == street.id).order_by(Community.id)))
    return Scope("street", street, ids)


def can_read(user: User, scope: Scope) -> bool:
    """Staff of the community, street admins of its street, the organisation department and
    admins (who pass every role check)."""
    if has_role(user, "org_dept") or has_street_scope(user, scope.street_id):
        return True
    return scope.kind == "community" and has_role(user, "staff", community_id=scope.id)


def scope_for(user: User, community_id: int | None, street_id: int | None) -> Scope:
    scope = resolve_scope(community_id, street_id)
    require(can_read(user, scope))
    return scope


def today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def default_period(now_day: date) -> tuple[date, date]:
    """The last 12 full months, Asia/Shanghai: from the 1st of the month a year before the
    current one to the last day of the previous month."""
    end = now_day.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for; a bound left out comes from the default period (with only `from`
    given, it runs to the end of the previous month, or to `from` itself if later)."""
    d_start, d_end = default_period(today())
    if start is None and end is None:
        return d_start, d_end
    if end is None:
        end = max(d_end, start)
    if start is None:
        start = end.replace(day=1)
        for _ in range(11):
            start = (start - timedelta(days=1)).replace(day=1)
    if end < start:
        raise _field_error("to", "结束日期不能早于开始日期")
    if len(f.months(start, end)) > MAX_MONTHS:
        raise _field_error("to", f"统计期不能超过{MAX_MONTHS}个月")
    if start < date(2000, 1, 1) or end > date(2100, 12, 31):
        raise _field_error("from", "日期超出范围")
    return start, end


# -- the figures -------------------------------------------------------------------------------
def summary(scope: Scope, start: date, end: date) -> dict:
    figures, unavailable = f.all_figures(scope.ids, start, end)
    return {"scope": scope.view(), "from": start, "to": end, "figures": figures,
            "unavailable": unavailable}


def series(scope: Scope, metric: str, start: date, end: date) -> dict:
    return {"metric": metric, "items": f.monthly(metric, scope.ids, start, end)}


def _public_value(name: str, value):
    if name in PUBLIC_COUNTS and value is not None and value < PUBLIC_MIN:
        return f"<{PUBLIC_MIN}"
    return value


def public_impact(community_id: int) -> dict:
    """The community's figures over the default period with nothing personal: counts under 5
    as "<5", year on year only when both years have at least 5 cases, and three monthly series
    for the charts (a month's count under 5 as "<5" too)."""
    redis = get_redis()
    key = f"stats:impact:{community_id}:{today().isoformat()}"
    if redis is not None:
        try:
            cached = redis.get(key)
            if cached:
                return json.loads(cached)
        except Exception:
            log.warning("impact cache unavailable community=%s", community_id)
    community = get_community(community_id)
    start, end = default_period(today())
    ids = [community.id]
    figures, unavailable = f.all_figures(ids, start, end)
    previous = f.total("disputes", ids, f.year_earlier(start), f.year_earlier(end))
    if figures["disputes_change_yoy"] is not None and min(figures["disputes"],
                                                          previous) < PUBLIC_MIN:
        figures["disputes_change_yoy"] = None
        unavailable["disputes_change_yoy"] = "案件数少于5件，不公开同比"
    out = {
        "community": {"id": community.id, "name": community.name},
        "from": start.isoformat(), "to": end.isoformat(),
        "figures": {name: _public_value(name, v) for name, v in figures.items()},
        "unavailable": unavailable,
        "series": {metric: [{"month": i["month"], "value": _public_value(metric, i["value"])}
                            for i in f.monthly(metric, ids, start, end)]
                   for metric in PUBLIC_SERIES},
    }
    if redis is not None:
        try:
            redis.set(key, json.dumps(out, ensure_ascii=False), ex=PUBLIC_TTL)
        except Exception:
            log.warning("impact cache unavailable community=%s", community_id)
    return out


def public_labels() -> dict:
    """{figure: (Chinese name, unit)} for the page."""
    return {name: f.label(name)[:2] for name in f.FIGURE_NAMES}
