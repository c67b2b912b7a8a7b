"""大党委 members, quarterly meetings, and the projects their resolutions become.

Who does what:
- staff of the community keep the member list, hold meetings (agenda, minutes with
  attendance and a file) and turn resolutions into projects; they may drop a project (with
  a reason);
- a project's owner (the committee member's user) or staff start it, note progress (with
  photos) and mark it done (with a result and photos);
- meetings are read by staff, the community's committee members with an account, its street's
  `street_admin` and the organisation department; members and projects are also read by the
  community's bound residents; anyone else gets 404.

Overdue projects (due date passed, still planned or in progress) are flagged, and escalated
once by `escalate_overdue` (staff, the owner and the street are told); `remind_meetings` tells
staff once when a quarter ended without a meeting. `done_projects_count` feeds the figures.

Services flush and never commit.
"""
import logging
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, require, scope_ids
from app.auth.service import holders
from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import Community, HouseholdBinding
from app.community.service import get_community
from app.errors import Conflict, NotFound, Unprocessable
from app.extensions import db
from app.files import service as files
from app.notifications.service import notify, notify_many
from app.organisations import service as orgs
from app.organisations.models import OrgBody
from app.projects.models import (
    OPEN_STATUSES,
    AgendaItem,
    CommitteeMember,
    Meeting,
    MeetingReminder,
    Project,
    ProjectProgress,
)
from app.sql import insert_ignoring_conflict
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
# The org body kinds a member of each kind may represent.
MEMBER_BODY_KINDS = {"compound_party": ("compound_party",), "property": ("property_company",),
                     "owners_committee": ("owners_committee", "self_management")}
MINUTES_FILE = "meeting_minutes"
PROGRESS_PHOTOS = "project_progress"
RESULT_PHOTOS = "project"


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First day of the quarter and first day of the next one."""
    first = date(year, 3 * quarter - 2, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, nxt


# -- who -------------------------------------------------------------------------------------
def _street_of(community_id: int) -> int:
    return db.session.scalar(sa.select(Community.street_id).where(
        Community.id == community_id))


def oversees(user: User, community_id: int) -> bool:
    return (has_role(user, "staff", community_id=community_id)
            or has_street_scope(user, _street_of(community_id)) or has_role(user, "org_dept"))


def is_member(user: User, community_id: int, day: date | None = None) -> bool:
    day = day or local_day(utcnow())
    return bool(db.session.scalar(sa.select(CommitteeMember.id).where(
        CommitteeMember.community_id == community_id, CommitteeMember.user_id == user.id,
        CommitteeMember.joined_on <= day,
        sa.or_(CommitteeMember.left_on.is_(None), CommitteeMember.left_on > day)).limit(1)))


def member_communities(user: User, day: date | None = None) -> set[int]:
    """Communities whose 大党委 the user sits on today."""
    day = day or local_day(utcnow())
    return set(db.session.scalars(sa.select(CommitteeMember.community_id).where(
        CommitteeMember.user_id == user.id, CommitteeMember.joined_on <= day,
        sa.or_(CommitteeMember.left_on.is_(None), CommitteeMember.left_on > day))))


def is_resident(user: User, community_id: int) -> bool:
    return bool(db.session.scalar(sa.select(HouseholdBinding.id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.community_id == community_id,
        HouseholdBinding.status == "approved").limit(1)))


def can_read_meetings(user: User, community_id: int) -> bool:
    return oversees(user, community_id) or is_member(user, community_id)


def can_read_projects(user: User, community_id: int) -> bool:
    return can_read_meetings(user, community_id) or is_resident(user, community_id)


def _staff(user: User, community_id: int) -> bool:
    return has_role(user, "staff", community_id=community_id)


# -- members ---------------------------------------------------------------------------------
def list_members(user: User, community_id: int, include_past: bool) -> list[CommitteeMember]:
    get_community(community_id)
    require(can_read_projects(user, community_id), hide=True)
    stmt = sa.select(CommitteeMember).where(CommitteeMember.community_id == community_id)
    if not include_past:
        stmt = stmt.where(CommitteeMember.left_on.is_(None))
    return list(db.session.scalars(stmt.order_by(CommitteeMember.id)))


def add_member(user: User, community_id: int, data: dict, now: datetime) -> CommitteeMember:
    get_community(community_id)
    require(_staff(user, community_id))
    user_id, body_id, kind = data.get("user_id"), data.get("body_id"), data["kind"]
    if user_id is not None:
        if db.session.get(User, user_id) is None:
            raise Unprocessable(details={"fields": {"user_id": ["用户不存在"]}})
        if db.session.scalar(sa.select(CommitteeMember.id).where(
                CommitteeMember.community_id == community_id,
                CommitteeMember.user_id == user_id, CommitteeMember.left_on.is_(None))):
            raise Conflict("member_exists", "此人已是大党委成员")
    if body_id is not None:
        body = db.session.get(OrgBody, body_id)
        if body is None or body.kind not in MEMBER_BODY_KINDS.get(kind, ()) or \
                community_id not in orgs.body_communities(body):
            raise Unprocessable(details={"fields": {"body_id": ["不是本社区对应类型的组织"]}})
    name, unit = data["name"].strip(), data["unit"].strip()
    position = data.get("position", "").strip()
    require_clean({"name": name, "unit": unit, "position": position}, user.openid)
    member = CommitteeMember(community_id=community_id, user_id=user_id, name=name, unit=unit,
                             position=position, kind=kind, body_id=body_id,
                             joined_on=data.get("joined_on") or local_day(now),
                             created_by_id=user.id, created_at=now)
    db.session.add(member)
    db.session.flush()
    return member


def member_leaves(user: User, community_id: int, member_id: int, data: dict,
                  now: datetime) -> CommitteeMember:
    member = db.session.get(CommitteeMember, member_id)
    if member is None or member.community_id != community_id:
        raise NotFound(message="成员不存在")
    require(_staff(user, community_id))
    left_on = data.get("left_on") or local_day(now)
    if left_on < member.joined_on:
        raise Unprocessable(details={"fields": {"left_on": ["不能早于加入日期"]}})
    done = db.session.execute(
        sa.update(CommitteeMember).where(CommitteeMember.id == member.id,
                                         CommitteeMember.left_on.is_(None))
        .values(left_on=left_on).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("member_left", "该成员已退出")
    db.session.refresh(member)
    return member


def _members_of(community_id: int, ids: list[int], day: date, field: str) -> list:
    found = {m.id: m for m in db.session.scalars(sa.select(CommitteeMember).where(
        CommitteeMember.id.in_(ids), CommitteeMember.community_id == community_id))}
    bad = [i for i in ids if i not in found or not found[i].active_on(day)]
    if bad:
        raise Unprocessable(details={"fields": {field: [
            f"不是当时在任的大党委成员：{', '.join(map(str, bad))}"]}})
    return [found[i] for i in ids]


# -- meetings --------------------------------------------------------------------------------
def create_meeting(user: User, data: dict, now: datetime) -> Meeting:
    community_id = data["community_id"]
    get_community(community_id)
    require(_staff(user, community_id))
    held_at = data["held_at"]
    texts = {"title": data["title"]}
    texts.update({f"agenda.{i}": item["title"] for i, item in enumerate(data["agenda"])})
    require_clean(texts, user.openid)
    year, quarter = quarter_of(local_day(held_at))
    meeting = Meeting(community_id=community_id, title=data["title"].strip(), held_at=held_at,
                      year=year, quarter=quarter, created_by_id=user.id, created_at=now)
    meeting.agenda = [AgendaItem(position=i, title=item["title"].strip(),
                                 feedback_id=item.get("feedback_id"),
                                 renovation_id=item.get("renovation_id"))
                      for i, item in enumerate(data["agenda"])]
    db.session.add(meeting)
    db.session.flush()
    log.info("meeting id=%s community=%s year=%s quarter=%s by=%s", meeting.id, community_id,
             year, quarter, user.id)
    return meeting


def get_meeting(meeting_id: int, user: User) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_read_meetings(user, meeting.community_id):
        raise NotFound(message="会议不存在")
    return meeting


def list_meetings_stmt(user: User, community_id: int):
    get_community(community_id)
    require(can_read_meetings(user, community_id), hide=True)
    return sa.select(Meeting).where(Meeting.community_id == community_id)


def _require_held(meeting: Meeting, now: datetime) -> None:
    if meeting.held_at > now:
        raise Conflict("meeting_not_held", "会议尚未召开",
                       details={"held_at": meeting.held_at.isoformat()})


def record_minutes(user: User, meeting_id: int, data: dict, now: datetime) -> Meeting:
    """Minutes, attendance and the minutes' file, once, after the meeting was held."""
    meeting = get_meeting(meeting_id, user)
    require(_staff(user, meeting.community_id))
    _require_held(meeting, now)
    attendees = _members_of(meeting.community_id, list(dict.fromkeys(data["attendee_ids"])),
                            local_day(meeting.held_at), "attendee_ids")
    require_clean({"text": data["text"]}, user.openid)
    done = db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id, Meeting.minutes_at.is_(None))
        .values(minutes=data["text"], minutes_at=now, minutes_by_id=user.id)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("minutes_recorded", "会议纪要已记录")
    db.session.refresh(meeting)
    meeting.attendees = attendees
    if data.get("file_id") is not None:
        files.attach([data["file_id"]], uploader_id=user.id, record_type=MINUTES_FILE,
                     record_id=meeting.id, field="file_id")
    db.session.flush()
    return meeting


def add_resolution(user: User, meeting_id: int, data: dict, now: datetime) -> Project:
    """A resolution of a held meeting becomes a project, owned by a committee member."""
    meeting = get_meeting(meeting_id, user)
    require(_staff(user, meeting.community_id))
    _require_held(meeting, now)
    (owner,) = _members_of(meeting.community_id, [data["owner_member_id"]], local_day(now),
                           "owner_member_id")
    if data["due_on"] < local_day(meeting.held_at):
        raise Unprocessable(details={"fields": {"due_on": ["完成期限不能早于会议日期"]}})
    item_id = data.get("agenda_item_id")
    if item_id is not None and item_id not in {a.id for a in meeting.agenda}:
        raise Unprocessable(details={"fields": {"agenda_item_id": ["不是本次会议的议题"]}})
    require_clean({"title": data["title"]}, user.openid)
    project = Project(community_id=meeting.community_id, meeting_id=meeting.id,
                      agenda_item_id=item_id, title=data["title"].strip(),
                      owner_member_id=owner.id, due_on=data["due_on"], status="planned",
                      percent=0, created_by_id=user.id, created_at=now)
    db.session.add(project)
    db.session.flush()
    if owner.user_id is not None:
        notify(owner.user_id, "project_assigned", "大党委交办项目",
               f"{project.title}，请于{project.due_on:%Y-%m-%d}前完成", f"project:{project.id}")
    log.info("project id=%s meeting=%s owner=%s", project.id, meeting.id, owner.id)
    return project


# -- projects --------------------------------------------------------------------------------
def get_project(project_id: int, user: User) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or not can_read_projects(user, project.community_id):
        raise NotFound(message="项目不存在")
    return project


def _may_work(user: User, project: Project) -> bool:
    return _staff(user, project.community_id) or (
        project.owner.user_id is not None and project.owner.user_id == user.id)


def _move(project: Project, sources: tuple[str, ...], **values) -> None:
    """Conditional UPDATE from one of `sources`; 409 `invalid_transition` when it moved."""
    done = db.session.execute(
        sa.update(Project).where(Project.id == project.id, Project.status.in_(sources))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not done:
        db.session.refresh(project)
        raise Conflict("invalid_transition", "项目当前状态不允许此操作",
                       details={"status": project.status})
    db.session.refresh(project)


def start(user: User, project_id: int, now: datetime) -> Project:
    project = get_project(project_id, user)
    require(_may_work(user, project))
    _move(project, ("planned",), status="in_progress", started_at=now)
    return project


def add_progress(user: User, project_id: int, data: dict, now: datetime) -> ProjectProgress:
    """A progress note (with photos); a planned project starts with its first note."""
    project = get_project(project_id, user)
    require(_may_work(user, project))
    if data["percent"] < project.percent:
        raise Unprocessable(details={"fields": {"percent": [
            f"进度不能低于当前的{project.percent}%"]}})
    require_clean({"note": data["note"]}, user.openid)
    values = {"percent": data["percent"]}
    if project.status == "planned":
        values.update(status="in_progress", started_at=now)
    _move(project, OPEN_STATUSES, **values)
    note = ProjectProgress(project_id=project.id, note=data["note"].strip(),
                           percent=data["percent"], author_id=user.id, created_at=now)
    db.session.add(note)
    db.session.flush()
    files.attach(data.get("photo_ids") or [], uploader_id=user.id, record_type=PROGRESS_PHOTOS,
                 record_id=note.id)
    return note


def finish(user: User, project_id: int, data: dict, now: datetime) -> Project:
    project = get_project(project_id, user)
    require(_may_work(user, project))
    require_clean({"result": data["result"]}, user.openid)
    _move(project, ("in_progress",), status="done", percent=100, result=data["result"].strip(),
          finished_at=now, finished_by_id=user.id)
    files.attach(data.get("photo_ids") or [], uploader_id=user.id, record_type=RESULT_PHOTOS,
                 record_id=project.id)
    log.info("project done id=%s by=%s", project.id, user.id)
    return project


def drop(user: User, project_id: int, reason: str, now: datetime) -> Project:
    project = get_project(project_id, user)
    require(_staff(user, project.community_id))
    require_clean({"reason": reason}, user.openid)
    _move(project, OPEN_STATUSES, status="dropped", drop_reason=reason.strip(),
          finished_at=now, finished_by_id=user.id)
    log.info("project dropped id=%s by=%s", project.id, user.id)
    return project


def is_overdue(project: Project, today: date) -> bool:
    return project.status in OPEN_STATUSES and project.due_on < today


def list_projects_stmt(user: User, community_id: int | None, status: str | None,
                       overdue: bool | None, today: date):
    if community_id is None:
        mine = (scope_ids(user, "staff", "community_id") | member_communities(user)
                | set(db.session.scalars(sa.select(HouseholdBinding.community_id).where(
                    HouseholdBinding.user_id == user.id,
                    HouseholdBinding.status == "approved"))))
        if len(mine) != 1:
            raise Unprocessable(details={"fields": {"community_id": ["请指定社区"]}})
        community_id = next(iter(mine))
    get_community(community_id)
    require(can_read_projects(user, community_id), hide=True)
    stmt = sa.select(Project).where(Project.community_id == community_id)
    if status:
        stmt = stmt.where(Project.status == status)
    late = sa.and_(Project.status.in_(OPEN_STATUSES), Project.due_on < today)
    if overdue is True:
        stmt = stmt.where(late)
    elif overdue is False:
        stmt = stmt.where(sa.not_(late))
    return stmt


def progress_of(project_id: int) -> list[ProjectProgress]:
    return list(db.session.scalars(sa.select(ProjectProgress).where(
        ProjectProgress.project_id == project_id).order_by(ProjectProgress.id)))


# -- jobs ------------------------------------------------------------------------------------
def overdue_ids(today: date, limit: int) -> list[int]:
    return list(db.session.scalars(sa.select(Project.id).where(
        Project.status.in_(OPEN_STATUSES), Project.due_on < today,
        Project.escalated_at.is_(None)).order_by(Project.id).limit(limit)))


def escalate(project_id: int, now: datetime) -> bool:
    """Tell staff, the owner and the street about an overdue project, once."""
    done = db.session.execute(
        sa.update(Project).where(Project.id == project_id, Project.escalated_at.is_(None),
                                 Project.status.in_(OPEN_STATUSES),
                                 Project.due_on < local_day(now))
        .values(escalated_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        return False
    project = db.session.get(Project, project_id, populate_existing=True)
    told = set(holders("staff", community_id=project.community_id))
    told |= set(holders("street_admin", street_id=_street_of(project.community_id)))
    if project.owner.user_id is not None:
        told.add(project.owner.user_id)
    notify_many(sorted(told), "project_overdue", "大党委项目已逾期",
                f"{project.title}（期限{project.due_on:%Y-%m-%d}）", f"project:{project.id}")
    log.info("project overdue escalated id=%s told=%s", project.id, len(told))
    return True


def previous_quarter(today: date) -> tuple[int, int]:
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def communities_without_meeting(year: int, quarter: int) -> list[int]:
    """Communities with a 大党委 in that quarter (a member who joined before it ended) that
    held no meeting in it and whose staff were not yet told."""
    _, end = quarter_bounds(year, quarter)
    with_committee = sa.select(CommitteeMember.community_id).where(
        CommitteeMember.joined_on < end).distinct()
    met = sa.select(Meeting.community_id).where(Meeting.year == year, Meeting.quarter == quarter)
    told = sa.select(MeetingReminder.community_id).where(MeetingReminder.year == year,
                                                         MeetingReminder.quarter == quarter)
    return list(db.session.scalars(sa.select(Community.id).where(
        Community.id.in_(with_committee), Community.id.not_in(met), Community.id.not_in(told))
        .order_by(Community.id)))


def remind(community_id: int, year: int, quarter: int, now: datetime) -> bool:
    """Tell the community's staff that the quarter passed without a meeting, once."""
    inserted = db.session.execute(
        insert_ignoring_conflict(MeetingReminder, ["community_id", "year", "quarter"])
        .values(community_id=community_id, year=year, quarter=quarter, sent_at=now)).rowcount
    if not inserted:
        return False
    notify_many(holders("staff", community_id=community_id), "meeting_missing", "大党委会议提醒",
                f"{year}年第{quarter}季度未召开大党委会议，请尽快安排", f"community:{community_id}")
    log.info("meeting reminder community=%s year=%s quarter=%s", community_id, year, quarter)
    return True


# -- figures -----------------------------------------------------------------------------------
def done_projects_count(community_id: int, start: date, end: date) -> int:
    """Projects of the community marked done between two Asia/Shanghai dates, `end` included."""
    return int(db.session.scalar(sa.select(sa.func.count(Project.id)).where(
        Project.community_id == community_id, Project.status == "done",
        Project.finished_at >= day_start(start),
        Project.finished_at < day_start(end + timedelta(days=1)))) or 0)


# -- views -----------------------------------------------------------------------------------
def member_view(member: CommitteeMember) -> dict:
    return {"id": member.id, "community_id": member.community_id, "user_id": member.user_id,
            "name": member.name, "unit": member.unit, "position": member.position,
            "kind": member.kind, "body_id": member.body_id, "joined_on": member.joined_on,
            "left_on": member.left_on}


def meeting_view(meeting: Meeting, viewer: User, detail: bool = False) -> dict:
    out = {"id": meeting.id, "community_id": meeting.community_id, "title": meeting.title,
           "held_at": meeting.held_at, "quarter": f"{meeting.year}Q{meeting.quarter}",
           "agenda": [{"id": a.id, "title": a.title, "feedback_id": a.feedback_id,
                       "renovation_id": a.renovation_id} for a in meeting.agenda],
           "minutes_recorded": meeting.minutes_at is not None}
    if detail:
        projects = db.session.scalars(sa.select(Project).where(
            Project.meeting_id == meeting.id).order_by(Project.id))
        today = local_day(utcnow())
        out.update(minutes=meeting.minutes, minutes_at=meeting.minutes_at,
                   attendees=[{"id": m.id, "name": m.name, "unit": m.unit}
                              for m in meeting.attendees],
                   files=files.refs(MINUTES_FILE, meeting.id, viewer.id),
                   projects=[project_view(p, viewer, today) for p in projects])
    return out


def project_view(project: Project, viewer: User, today: date, detail: bool = False) -> dict:
    out = {"id": project.id, "community_id": project.community_id, "title": project.title,
           "status": project.status, "percent": project.percent, "due_on": project.due_on,
           "overdue": is_overdue(project, today), "escalated": project.escalated_at is not None,
           "owner": {"id": project.owner.id, "name": project.owner.name,
                     "unit": project.owner.unit},
           "meeting": {"id": project.meeting.id, "title": project.meeting.title,
                       "held_at": project.meeting.held_at},
           "agenda_item_id": project.agenda_item_id, "result": project.result or None,
           "drop_reason": project.drop_reason or None, "created_at": project.created_at,
           "started_at": project.started_at, "finished_at": project.finished_at,
           "can_work": _may_work(viewer, project) and project.status in OPEN_STATUSES}
    if detail:
        notes = progress_of(project.id)
        photos = files.refs_for_many(PROGRESS_PHOTOS, [n.id for n in notes], viewer.id)
        out["progress"] = [{"id": n.id, "note": n.note, "percent": n.percent,
                            "at": n.created_at, "photos": photos.get(n.id, [])}
                           for n in notes]
        out["photos"] = files.refs(RESULT_PHOTOS, project.id, viewer.id)
    return out


def _can_see_minutes(user: User, meeting_id: int) -> bool:
    meeting = db.session.get(Meeting, meeting_id)
    return meeting is not None and can_read_meetings(user, meeting.community_id)


def _can_see_progress(user: User, progress_id: int) -> bool:
    note = db.session.get(ProjectProgress, progress_id)
    project = note and db.session.get(Project, note.project_id)
    return project is not None and can_read_projects(user, project.community_id)


def _can_see_project(user: User, project_id: int) -> bool:
    project = db.session.get(Project, project_id)
    return project is not None and can_read_projects(user, project.community_id)


files.register_visibility(MINUTES_FILE, _can_see_minutes)
files.register_visibility(PROGRESS_PHOTOS, _can_see_progress)
files.register_visibility(RESULT_PHOTOS, _can_see_project)
