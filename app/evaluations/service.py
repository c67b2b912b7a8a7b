"""Evaluation campaigns (评议): who is evaluated, who scores, results and the honours.

- Staff of a community open a campaign with its window and targets: party members serving in
  the community (holding `party_member` there), compound party organisations serving it (live
  `compound_party` bodies of app/organisations registered by the community or covering one of
  its compounds) and partners serving it. Each target keeps its name as it was at the opening.
- Residents with an approved household binding in the community score each target 1–5 with
  an optional comment (content-checked): one score per resident and target, replaced until
  the window closes (an upsert on the unique index, so parallel requests cannot make two);
  nobody scores themselves, a partner they belong to or a party organisation they hold a seat
  of; outside the window 409.
- Results per target: count, mean and rank; a target needs `EVALUATION_MIN_COUNT` scores
  before it is ranked. A partner's count and mean include residents' ratings of its service
  requests in the community confirmed from `ratings_from` to the close.
- The street (`street_admin` of the community's street) and the organisation department
  (`org_dept`) each review targets 1–5; the final score weighs residents, street and
  department by `EVALUATION_WEIGHTS` (a missing review leaves its weight out).
- After the close, staff name the best from the final list; each keeps the honour on its
  profile (`GET /evaluations/honours?kind=&id=`).

Services flush and never commit; the write boundary commits once per request.
"""
import logging
from datetime import datetime, timedelta
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.service import record
from app.auth.models import RoleGrant, User
from app.auth.permissions import has_role, has_street_scope, require
from app.catalog import service as catalog
from app.catalog.models import Partner
from app.community.models import Community, HouseholdBinding
from app.community.service import get_community
from app.errors import ApiError, Conflict, Forbidden, Unprocessable
from app.evaluations.models import Campaign, Honour, Review, Score, Target
from app.extensions import db
from app.orders.queries import partner_ratings
from app.organisations import service as organisations
from app.sql import get_or_404
from app.wechat.content import screen

log = logging.getLogger(__name__)
RATINGS_LOOKBACK = timedelta(days=365)


class NotOpen(ApiError):
    status, code, message = 409, "evaluation_not_open", "不在评议时间内"


def get_campaign(campaign_id: int) -> Campaign:
    return get_or_404(Campaign, campaign_id, "评议活动不存在")


def status(campaign: Campaign, now: datetime) -> str:
    if now < campaign.opens_at:
        return "upcoming"
    return "open" if now < campaign.closes_at else "closed"


# -- who -------------------------------------------------------------------------------------
def is_resident(user: User, community_id: int) -> bool:
    return bool(db.session.scalar(sa.select(HouseholdBinding.id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.community_id == community_id,
        HouseholdBinding.status == "approved").limit(1)))


def _street_of(community_id: int) -> int:
    return db.session.scalar(sa.select(Community.street_id).where(
        Community.id == community_id))


def _oversees(user: User, community_id: int) -> bool:
    """Staff of the community, its street, the organisation department (and admins)."""
    return (has_role(user, "staff", community_id=community_id)
            or has_street_scope(user, _street_of(community_id))
            or has_role(user, "org_dept"))


def can_read(user: User, campaign: Campaign) -> bool:
    return _oversees(user, campaign.community_id) or is_resident(user, campaign.community_id)


def readable(campaign_id: int, user: User) -> Campaign:
    campaign = get_campaign(campaign_id)
    require(can_read(user, campaign), hide=True)
    return campaign


# Why a target is the scorer's own (403 `self_scoring`).
SELF_MESSAGES = {
    "party_member": "不能为自己评分",
    "partner": "不能为本人所在的合伙人评分",
    "compound_party_org": "您在该党组织任职，不能评议本组织",
}


def own_target_ids(user: User, campaign: Campaign, now: datetime) -> set[int]:
    """The campaign's targets the user may not score as their own: themselves, a partner they
    belong to, a party organisation they hold a seat of (the page leaves them out)."""
    return {t.id for t in campaign.targets if _is_self(user, t, now)}


def _is_self(user: User, target: Target, now: datetime) -> bool:
    if target.kind == "party_member":
        return target.ref_id == user.id
    if target.kind == "partner":
        return target.ref_id in catalog.member_partner_ids(user)
    if target.kind == "compound_party_org":
        return user.id in organisations.seated_user_ids(target.ref_id,
                                                        organisations.local_today(now))
    return False


# -- campaigns --------------------------------------------------------------------------------
def _target_name(community_id: int, kind: str, ref_id: int, index: int) -> str:
    def bad(message: str):
        return Unprocessable(details={"fields": {"targets": {str(index): {"id": [message]}}}})

    if kind == "compound_party_org":
        body = organisations.party_org_serving(ref_id, community_id)
        if body is None:
            raise bad("不是本社区的小区党组织")
        return body.name
    if kind == "party_member":
        member = db.session.scalar(sa.select(User).join(
            RoleGrant, RoleGrant.user_id == User.id).where(
            User.id == ref_id, RoleGrant.role == "party_member",
            RoleGrant.community_id == community_id, RoleGrant.revoked_at.is_(None)).limit(1))
        if member is None:
            raise bad("不是在本社区报到服务的党员")
        return member.nickname or f"党员{member.id}"
    partner = db.session.get(Partner, ref_id)
    if partner is None or not partner.active or \
            community_id not in {c.id for c in partner.communities}:
        raise bad("不是服务本社区的合伙人")
    return partner.name


def create_campaign(user: User, data: dict, now: datetime) -> Campaign:
    community_id = data["community_id"]
    get_community(community_id)
    require(has_role(user, "staff", community_id=community_id))
    opens_at, closes_at = data["opens_at"], data["closes_at"]
    if closes_at <= opens_at:
        raise Unprocessable(details={"fields": {"closes_at": ["结束时间须晚于开始时间"]}})
    if closes_at <= now:
        raise Unprocessable(details={"fields": {"closes_at": ["结束时间须晚于现在"]}})
    ratings_from = data.get("ratings_from") or opens_at - RATINGS_LOOKBACK
    if ratings_from >= closes_at:
        raise Unprocessable(details={"fields": {"ratings_from": ["须早于结束时间"]}})
    seen = set()
    targets = []
    for i, spec in enumerate(data["targets"]):
        key = (spec["kind"], spec["id"])
        if key in seen:
            raise Unprocessable(details={"fields": {"targets": {str(i): ["评议对象重复"]}}})
        seen.add(key)
        name = _target_name(community_id, spec["kind"], spec["id"], i)
        targets.append(Target(kind=spec["kind"], ref_id=spec["id"], name=name))
    campaign = Campaign(community_id=community_id, title=data["title"], opens_at=opens_at,
                        closes_at=closes_at, ratings_from=ratings_from, created_by_id=user.id,
                        created_at=now)
    campaign.targets = targets
    db.session.add(campaign)
    db.session.flush()
    log.info("evaluation campaign id=%s community=%s by=%s", campaign.id, community_id, user.id)
    return campaign


def list_stmt(user: User, community_id: int):
    get_community(community_id)
    if not (_oversees(user, community_id) or is_resident(user, community_id)):
        raise Forbidden()
    return sa.select(Campaign).where(Campaign.community_id == community_id)


def _target(campaign: Campaign, target_id: int) -> Target:
    for target in campaign.targets:
        if target.id == target_id:
            return target
    raise Unprocessable(details={"fields": {"target_id": ["不是本次评议的对象"]}})


def _upsert(model, keys: list[str], values: dict, update: list[str]) -> int:
    """INSERT … ON CONFLICT (keys) DO UPDATE: one row per key whatever runs at the same time."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    stmt = insert(model).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=keys,
                                      set_={k: stmt.excluded[k] for k in update})
    return db.session.execute(stmt.returning(model.id)).scalar_one()


def score(user: User, campaign_id: int, data: dict, now: datetime) -> Score:
    campaign = get_campaign(campaign_id)
    target = _target(campaign, data["target_id"])
    if not is_resident(user, campaign.community_id):
        raise Forbidden("not_resident", "仅本社区已绑定住户的居民可以评议")
    if _is_self(user, target, now):
        raise Forbidden("self_scoring", SELF_MESSAGES.get(target.kind, "不能为自己评分"),
                        details={"target_id": target.id, "kind": target.kind})
    if status(campaign, now) != "open":
        raise NotOpen(details={"opens_at": campaign.opens_at.isoformat(),
                               "closes_at": campaign.closes_at.isoformat()})
    comment = data.get("comment", "").strip()
    comment_ok = screen(comment, user.openid)
    score_id = _upsert(Score, ["target_id", "user_id"], {
        "campaign_id": campaign.id, "target_id": target.id, "user_id": user.id,
        "score": data["score"], "comment": comment, "comment_ok": comment_ok,
        "created_at": now, "updated_at": now}, ["score", "comment", "comment_ok", "updated_at"])
    return db.session.get(Score, score_id, populate_existing=True)


def my_scores(user: User, campaign: Campaign) -> list[Score]:
    return list(db.session.scalars(sa.select(Score).where(
        Score.campaign_id == campaign.id, Score.user_id == user.id).order_by(Score.target_id)))


def review(user: User, campaign_id: int, data: dict, now: datetime) -> Review:
    campaign = get_campaign(campaign_id)
    target = _target(campaign, data["target_id"])
    if data["body"] == "street":
        require(has_street_scope(user, _street_of(campaign.community_id)))
    else:
        require(has_role(user, "org_dept"))
    if campaign.honours_named_at is not None:
        raise Conflict("honours_named", "已评出优秀，评审不能再修改")
    review_id = _upsert(Review, ["target_id", "body"], {
        "campaign_id": campaign.id, "target_id": target.id, "body": data["body"],
        "reviewer_id": user.id, "score": data["score"], "comment": data.get("comment", ""),
        "updated_at": now}, ["reviewer_id", "score", "comment", "updated_at"])
    return db.session.get(Review, review_id, populate_existing=True)


# -- results ----------------------------------------------------------------------------------
def _ranks(values: dict[int, Fraction]) -> dict[int, int]:
    """Competition ranking, highest first: equal values share a rank (1, 1, 3)."""
    ordered = sorted(values.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def compute_results(campaign: Campaign) -> dict:
    min_count = current_app.config["EVALUATION_MIN_COUNT"]
    weights = current_app.config["EVALUATION_WEIGHTS"]
    scored = {tid: (int(n), int(total)) for tid, n, total in db.session.execute(
        sa.select(Score.target_id, sa.func.count(Score.id), sa.func.sum(Score.score))
        .where(Score.campaign_id == campaign.id).group_by(Score.target_id))}
    reviews = {(tid, body): value for tid, body, value in db.session.execute(
        sa.select(Review.target_id, Review.body, Review.score).where(
            Review.campaign_id == campaign.id))}
    rated = partner_ratings([t.ref_id for t in campaign.targets if t.kind == "partner"],
                            campaign.community_id, campaign.ratings_from, campaign.closes_at)
    honoured = set(db.session.scalars(sa.select(Honour.target_id).where(
        Honour.campaign_id == campaign.id)))
    items, means, finals = [], {}, {}
    for t in campaign.targets:
        n_scores, sum_scores = scored.get(t.id, (0, 0))
        n_rated, sum_rated = rated.get(t.ref_id, (0, 0)) if t.kind == "partner" else (0, 0)
        count = n_scores + n_rated
        mean = Fraction(sum_scores + sum_rated, count) if count else None
        street, dept = reviews.get((t.id, "street")), reviews.get((t.id, "org_dept"))
        final = None
        if count >= min_count:
            means[t.id] = mean
            parts = [(Fraction(str(weights["residents"])), mean)]
            parts += [(Fraction(str(weights[body])), Fraction(value))
                      for body, value in (("street", street), ("org_dept", dept))
                      if value is not None]
            final = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
            finals[t.id] = final
        items.append({
            "target_id": t.id, "kind": t.kind, "ref_id": t.ref_id, "name": t.name,
            "count": count, "mean": round(float(mean), 2) if mean is not None else None,
            "scores": n_scores,
            "service_ratings": ({"count": n_rated,
                                 "mean": round(sum_rated / n_rated, 2) if n_rated else None}
                                if t.kind == "partner" else None),
            "street_score": street, "org_dept_score": dept,
            "final_score": round(float(final), 3) if final is not None else None,
            "honoured": t.id in honoured})
    ranks, final_ranks = _ranks(means), _ranks(finals)
    for item in items:
        item["rank"] = ranks.get(item["target_id"])
        item["final_rank"] = final_ranks.get(item["target_id"])
    items.sort(key=lambda i: (i["final_rank"] is None, i["final_rank"] or 0, -i["count"],
                              i["target_id"]))
    return {"campaign_id": campaign.id, "min_count": min_count, "weights": dict(weights),
            "honours_named_at": campaign.honours_named_at, "items": items}


def results(user: User, campaign_id: int, now: datetime) -> dict:
    """Staff, the street and the organisation department at any time; the community's
    residents once the campaign has closed."""
    campaign = readable(campaign_id, user)
    if not _oversees(user, campaign.community_id) and status(campaign, now) != "closed":
        raise Conflict("evaluation_not_closed", "评议结束后公布结果")
    return {**compute_results(campaign), "status": status(campaign, now)}


def comments_stmt(user: User, campaign_id: int, target_id: int | None):
    campaign = get_campaign(campaign_id)
    require(has_role(user, "staff", community_id=campaign.community_id), hide=True)
    stmt = sa.select(Score).where(Score.campaign_id == campaign.id, Score.comment != "")
    if target_id is not None:
        stmt = stmt.where(Score.target_id == _target(campaign, target_id).id)
    return stmt


# -- honours ----------------------------------------------------------------------------------
def name_honours(user: User, campaign_id: int, data: dict, now: datetime) -> list[Honour]:
    campaign = get_campaign(campaign_id)
    require(has_role(user, "staff", community_id=campaign.community_id))
    if status(campaign, now) != "closed":
        raise Conflict("evaluation_not_closed", "评议尚未结束，不能评优")
    if campaign.honours_named_at is not None:
        raise Conflict("honours_named", "本次评议已评出优秀")
    final = {i["target_id"]: i for i in compute_results(campaign)["items"]}
    errors = {}
    for i, target_id in enumerate(data["target_ids"]):
        if target_id not in final:
            errors[str(i)] = ["不是本次评议的对象"]
        elif final[target_id]["final_rank"] is None:
            errors[str(i)] = ["评分人数不足，未进入排名"]
    if len(set(data["target_ids"])) != len(data["target_ids"]):
        errors["target_ids"] = ["对象重复"]
    if errors:
        raise Unprocessable(details={"fields": {"target_ids": errors}})
    done = db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign.id,
                                  Campaign.honours_named_at.is_(None))
        .values(honours_named_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("honours_named", "本次评议已评出优秀")
    title = data.get("title", "").strip() or f"{campaign.title}优秀"
    honours = []
    for target_id in data["target_ids"]:
        item = final[target_id]
        honour = Honour(campaign_id=campaign.id, target_id=target_id, kind=item["kind"],
                        ref_id=item["ref_id"], name=item["name"], title=title,
                        final_rank=item["final_rank"], named_by_id=user.id, named_at=now)
        db.session.add(honour)
        honours.append(honour)
    db.session.flush()
    record("approve", actor_id=user.id, target_type="evaluation", target_id=campaign.id,
           details={"honours": list(data["target_ids"])})
    db.session.refresh(campaign)
    log.info("honours named campaign=%s targets=%s by=%s", campaign.id, data["target_ids"],
             user.id)
    return honours


def honours_stmt(kind: str, ref_id: int):
    return sa.select(Honour).where(Honour.kind == kind, Honour.ref_id == ref_id)
