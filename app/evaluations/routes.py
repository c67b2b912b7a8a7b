"""Evaluations (评议): campaigns, residents' scores, street and organisation department
reviews, results with the final list, and the honours named from it."""
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.evaluations import schemas as s
from app.evaluations import service
from app.evaluations.models import Campaign, Honour, Score
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import page

blp = Blueprint("evaluations", __name__, url_prefix="/api/v1", description="评议与评优")


def campaign_view(campaign: Campaign) -> dict:
    return {"id": campaign.id, "community_id": campaign.community_id, "title": campaign.title,
            "opens_at": campaign.opens_at, "closes_at": campaign.closes_at,
            "ratings_from": campaign.ratings_from,
            "status": service.status(campaign, utcnow()),
            "honours_named_at": campaign.honours_named_at, "targets": campaign.targets}


@blp.route("/evaluations", methods=["POST"])
@idempotent
@blp.arguments(s.CampaignIn)
@blp.response(201, s.CampaignOut)
@roles_required("staff", "admin")
def create_campaign(data):
    """Staff of the community open a campaign: window and targets (`party_member`: a user id
    of a party member serving in the community; `partner`: a partner serving it). Scores name
    a target by the `targets[].id` returned here."""
    campaign = service.create_campaign(require_user(), data, utcnow())
    return campaign_view(campaign)


@blp.route("/evaluations", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.CampaignPage)
@login_required
def list_campaigns(args):
    """The community's campaigns, newest first (its residents, staff, street, 组织部)."""
    stmt = service.list_stmt(require_user(), args["community_id"])
    result = page(stmt, Campaign.id, args)
    return {"items": [campaign_view(c) for c in result["items"]],
            "next_cursor": result["next_cursor"]}


@blp.route("/evaluations/honours", methods=["GET"])
@blp.arguments(s.HonourArgs, location="query")
@blp.response(200, s.HonourPage)
@login_required
def honours(args):
    """The honours a party member (`kind=party_member&id=<user id>`) or a partner
    (`kind=partner&id=<partner id>`) was named for, newest first."""
    return page(service.honours_stmt(args["kind"], args["id"]), Honour.id, args)


@blp.route("/evaluations/<int:campaign_id>", methods=["GET"])
@blp.response(200, s.CampaignDetailOut)
@login_required
def get_campaign(campaign_id):
    """The campaign, its targets and my own scores (`can_score`: I may score now). A target
    with `own: true` is mine — myself, a partner I belong to, a party organisation I hold a
    seat of — and scoring it is 403 `self_scoring`."""
    user = require_user()
    campaign = service.readable(campaign_id, user)
    out = campaign_view(campaign)
    own = service.own_target_ids(user, campaign, utcnow())
    out["targets"] = [{"id": t.id, "kind": t.kind, "ref_id": t.ref_id, "name": t.name,
                       "own": t.id in own} for t in campaign.targets]
    out["can_score"] = out["status"] == "open" and service.is_resident(
        user, campaign.community_id)
    out["my_scores"] = service.my_scores(user, campaign)
    return out


@blp.route("/evaluations/<int:campaign_id>/scores", methods=["POST"])
@blp.arguments(s.ScoreIn)
@blp.response(200, s.ScoreOut)
@login_required
def score(data, campaign_id):
    """A resident of the community scores a target 1–5 (optional comment). Sending again
    replaces the earlier score until the campaign closes; outside the window 409."""
    user = require_user()
    return service.score(user, campaign_id, data, utcnow())


@blp.route("/evaluations/<int:campaign_id>/reviews", methods=["POST"])
@blp.arguments(s.ReviewIn)
@blp.response(200, s.ReviewOut)
@roles_required("street_admin", "org_dept", "admin")
def review(data, campaign_id):
    """The street (`body=street`, its street_admin) or the organisation department
    (`body=org_dept`) scores a target 1–5; replaced until the honours are named."""
    user = require_user()
    return service.review(user, campaign_id, data, utcnow())


@blp.route("/evaluations/<int:campaign_id>/results", methods=["GET"])
@blp.response(200, s.ResultsOut)
@login_required
def results(campaign_id):
    """Per target: count, mean and rank (a rank only from `min_count` scores), the reviews,
    and the final weighted score and rank. Residents see it once the campaign has closed."""
    return service.results(require_user(), campaign_id, utcnow())


@blp.route("/evaluations/<int:campaign_id>/comments", methods=["GET"])
@blp.arguments(s.CommentArgs, location="query")
@blp.response(200, s.CommentPage)
@login_required
def comments(args, campaign_id):
    """Residents' comments, for staff of the community (authors masked)."""
    stmt = service.comments_stmt(require_user(), campaign_id, args["target_id"])
    return page(stmt, Score.id, args)


@blp.route("/evaluations/<int:campaign_id>/honours", methods=["POST"])
@blp.arguments(s.HonoursIn)
@blp.response(201, s.HonoursOut)
@roles_required("staff", "admin")
def name_honours(data, campaign_id):
    """After the close, staff name the best from the final list (ranked targets only); once
    per campaign. Each named person or partner keeps the honour on its profile."""
    user = require_user()
    return {"items": service.name_honours(user, campaign_id, data, utcnow())}
