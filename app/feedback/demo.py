"""Demo data of this domain for `flask seed-demo` (idempotent).

`demo-grid-1` (网格员小陈) is the grid worker of 观湖第一网格, the grid of 观湖花园 1栋, so reports
about that building go to them; reports about 老粮站院落 (观湖第二网格, no grid worker) go to the
community's staff. One report in each state, made and moved through the service: open (past its
acceptance deadline), accepted, resolved, reopened, transferred to the street, closed (rated),
closed unresolved, and a duplicate merged into the open one. Each is recognised by its text.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import RoleGrant, User
from app.common.timeutil import utcnow
from app.community.models import Building, Community, Compound, Grid
from app.demo import get_or_create
from app.extensions import db
from app.feedback import service
from app.feedback.models import Feedback

GRID_WORKER = ("demo-grid-1", "网格员小陈", "13500000003")


def _building(community: Community, compound: str, name: str) -> Building:
    return db.session.scalar(
        sa.select(Building).join(Compound, Compound.id == Building.compound_id)
        .where(Compound.community_id == community.id, Compound.name == compound,
               Building.name == name))


def _user(openid: str) -> User:
    return db.session.scalar(sa.select(User).where(User.openid == openid))


def seed() -> None:
    community = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
    garden = _building(community, "观湖花园", "1栋")
    courtyard = _building(community, "老粮站院落", "1栋")
    grid = db.session.get(Grid, garden.grid_id)
    openid, nickname, phone = GRID_WORKER
    worker = get_or_create(User, {"nickname": nickname, "phone": phone}, openid=openid)
    get_or_create(RoleGrant, {"community_id": grid.community_id}, user_id=worker.id,
                  role="grid_worker", grid_id=grid.id, revoked_at=None)
    db.session.expire(worker, ["grants"])

    r1, r2 = _user("demo-resident-1"), _user("demo-resident-2")
    staff = _user("demo-staff-1")
    now = utcnow()

    def report(author, text, category, building, hours_ago=2, **extra):
        found = db.session.scalar(sa.select(Feedback).where(
            Feedback.community_id == community.id, Feedback.author_id == author.id,
            Feedback.text == text))
        if found is not None:
            return None
        return service.create_report(author, {
            "community_id": community.id, "category": category, "text": text,
            "building_id": building.id, **extra}, now - timedelta(hours=hours_ago))

    def step(fb, action, who, **params):
        service.act(fb, action, who, params)

    opened = report(r1, "1栋2单元楼道堆放纸箱杂物，影响通行也有消防隐患", "sanitation", garden,
                    hours_ago=30)
    duplicate = report(r2, "观湖花园1栋楼道里纸箱越堆越多，请清理", "sanitation", garden,
                       hours_ago=20)
    if duplicate is not None:
        target = opened or db.session.scalar(sa.select(Feedback).where(
            Feedback.author_id == r1.id, Feedback.status == "open",
            Feedback.category == "sanitation"))
        step(duplicate, "merge", staff, into_id=target.id)

    accepted = report(r2, "院内东侧路灯连续三晚不亮，老人晚上出行不便", "facility", courtyard)
    if accepted is not None:
        step(accepted, "accept", staff)

    resolved = report(r1, "1栋1单元门禁刷卡无反应，外来人员随意进出", "facility", garden,
                      hours_ago=26)
    if resolved is not None:
        step(resolved, "accept", worker)
        step(resolved, "resolve", worker, reply="已联系物业更换门禁读卡器，现已恢复正常")

    reopened = report(r1, "1栋顶楼水箱盖缺失，雨水和杂物落入", "property", garden, hours_ago=50)
    if reopened is not None:
        step(reopened, "accept", worker)
        step(reopened, "resolve", worker, reply="已通知物业加盖")
        step(reopened, "reopen", r1, reason="物业只是临时用木板遮挡，没有装正式的盖子")

    transferred = report(r2, "院落外沿街商铺夜间占道经营，噪音扰民", "security", courtyard,
                         hours_ago=6)
    if transferred is not None:
        step(transferred, "transfer", staff, reason="沿街占道属城管执法范围，需街道协调")

    closed = report(r1, "1栋电梯按钮失灵，老人上下楼困难", "facility", garden, hours_ago=72)
    if closed is not None:
        step(closed, "accept", worker)
        step(closed, "resolve", worker, reply="电梯维保单位已更换按钮面板")
        step(closed, "rate", r1, score=5, comment="修得很快，谢谢")

    unresolved = report(r2, "希望在院落里加装一个快递柜", "other", courtyard, hours_ago=96)
    if unresolved is not None:
        step(unresolved, "close_unresolved", staff,
             reason="院落场地不足，暂无安装条件，已记录待改造时统筹")
