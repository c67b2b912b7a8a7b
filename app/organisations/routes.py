"""Compound bodies (小区党组织, 业委会, 业主监事会, 自管委, 物业公司), seats and terms, a person's
seats, a compound's three-in-one card, its property class and 片区大物业 areas."""
from app.auth.permissions import login_required, require_user
from app.common.timeutil import utcnow
from app.organisations import schemas as s
from app.organisations import service
from app.organisations.models import OrgBody
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import paginate

blp = Blueprint("organisations", __name__, url_prefix="/api/v1", description="小区组织与交叉任职")


def _body(body: OrgBody) -> dict:
    return service.body_view(body, service.local_today())


@blp.route("/org-bodies", methods=["POST"])
@idempotent
@blp.arguments(s.BodyIn)
@blp.response(201, s.BodyOut)
@login_required
def create_body(data):
    """Staff of the community register a body and the compounds it covers (the organisation
    department may register compound party organisations). A compound has one live body of
    each sort (party organisation; owners' committee or 自管委; supervisory board; property
    company): another is 409 `slot_taken`."""
    return _body(service.create_body(require_user(), data, utcnow()))


@blp.route("/org-bodies", methods=["GET"])
@blp.arguments(s.BodyListArgs, location="query")
@blp.response(200, s.BodyPage)
@login_required
def list_bodies(args):
    """Bodies of a community or compound (or every one the caller may see), with the members
    in office."""
    stmt = service.list_bodies_stmt(require_user(), args["community_id"], args["kind"],
                                    args["compound_id"], args["include_dissolved"])
    rows, cursor = paginate(stmt, OrgBody.id, args, newest_first=False)
    today = service.local_today()
    seats = service.seats_of_bodies([b.id for b in rows], today)
    return {"items": [service.body_view(b, today, seats[b.id]) for b in rows],
            "next_cursor": cursor}


@blp.route("/org-bodies/<int:body_id>", methods=["GET"])
@blp.response(200, s.BodyOut)
@login_required
def get_body(body_id):
    return _body(service.get_body(body_id, require_user()))


@blp.route("/org-bodies/<int:body_id>/dissolve", methods=["POST"])
@blp.arguments(s.DissolveIn)
@blp.response(200, s.BodyOut)
@login_required
def dissolve_body(data, body_id):
    """The body ends (换届不成、撤销): it stops covering its compounds; its rows stay."""
    return _body(service.dissolve_body(require_user(), body_id, data["reason"], utcnow()))


@blp.route("/org-bodies/<int:body_id>/compounds", methods=["POST"])
@blp.arguments(s.CompoundRef)
@blp.response(200, s.BodyOut)
@login_required
def add_compound(data, body_id):
    """A compound joins the body (staff of the compound's community)."""
    return _body(service.add_compound(require_user(), body_id, data["compound_id"], utcnow()))


@blp.route("/org-bodies/<int:body_id>/compounds/<int:compound_id>", methods=["DELETE"])
@blp.response(200, s.BodyOut)
@login_required
def remove_compound(body_id, compound_id):
    return _body(service.remove_compound(require_user(), body_id, compound_id, utcnow()))


@blp.route("/org-bodies/<int:body_id>/seats", methods=["POST"])
@idempotent
@blp.arguments(s.SeatIn)
@blp.response(201, s.SeatOut)
@login_required
def add_seat(data, body_id):
    """A seat for a term: a user of the app or a name alone, head / deputy / member with a
    title. A seat on an owners' committee, 自管委 or property company gives its holder the role
    `owners_committee` or `property` on each compound the body covers while in office."""
    seat = service.add_seat(require_user(), body_id, data, utcnow())
    return service.seat_view(seat, service.local_today())


@blp.route("/org-bodies/<int:body_id>/seats", methods=["GET"])
@blp.arguments(s.PastArgs, location="query")
@blp.response(200, s.SeatList)
@login_required
def list_seats(args, body_id):
    body = service.get_body(body_id, require_user())
    today = service.local_today()
    seats = service.seats_of_bodies([body.id], today, args["include_past"])[body.id]
    return {"items": [service.seat_view(x, today) for x in seats]}


@blp.route("/org-bodies/<int:body_id>/seats/<int:seat_id>/end", methods=["POST"])
@blp.arguments(s.SeatEndIn)
@blp.response(200, s.SeatOut)
@login_required
def end_seat(data, body_id, seat_id):
    """The person leaves before the term ends; the seat stays on record."""
    seat = service.end_seat(require_user(), body_id, seat_id, data, utcnow())
    return service.seat_view(seat, service.local_today())


@blp.route("/people/<int:user_id>/seats", methods=["GET"])
@blp.arguments(s.PastArgs, location="query")
@blp.response(200, s.PersonSeatList)
@login_required
def person_seats(args, user_id):
    """A person's seats across bodies (交叉任职), in office (or all with `include_past`)."""
    return {"items": service.person_seats(require_user(), user_id, args["include_past"],
                                          utcnow())}


@blp.route("/compounds/<int:compound_id>/three-in-one", methods=["GET"])
@blp.response(200, s.CardOut)
@login_required
def three_in_one(compound_id):
    """三位一体: the compound's party organisation, owners' committee (or 自管委), supervisory
    board and property company, members in office, and who sits on more than one."""
    return service.three_in_one(require_user(), compound_id, utcnow())


@blp.route("/compounds/<int:compound_id>/profile", methods=["GET"])
@blp.response(200, s.CompoundProfileOut)
@login_required
def get_profile(compound_id):
    """Property class (物业小区 / 无物业小区 / 零散楼栋), 片区大物业 area and property company."""
    return service.get_profile(require_user(), compound_id)


@blp.route("/compounds/<int:compound_id>/profile", methods=["PUT"])
@blp.arguments(s.CompoundProfileIn)
@blp.response(200, s.CompoundProfileOut)
@login_required
def set_profile(data, compound_id):
    return service.set_profile(require_user(), compound_id, data, utcnow())


@blp.route("/property-areas", methods=["POST"])
@idempotent
@blp.arguments(s.AreaIn)
@blp.response(201, s.AreaOut)
@login_required
def create_area(data):
    """片区大物业: a property company that manages the scattered compounds put in the area."""
    return service.area_view(service.create_area(require_user(), data, utcnow()))


@blp.route("/property-areas", methods=["GET"])
@blp.arguments(s.AreaListArgs, location="query")
@blp.response(200, s.AreaList)
@login_required
def list_areas(args):
    return {"items": service.list_areas(require_user(), args["community_id"])}


@blp.route("/property-areas/<int:area_id>", methods=["GET"])
@blp.response(200, s.AreaOut)
@login_required
def get_area(area_id):
    return service.area_view(service.get_area(area_id, require_user()))


@blp.route("/property-areas/<int:area_id>/compounds", methods=["POST"])
@blp.arguments(s.CompoundRef)
@blp.response(200, s.AreaOut)
@login_required
def add_area_compound(data, area_id):
    """A 零散楼栋 compound joins the area; the area's company now manages it."""
    return service.add_area_compound(require_user(), area_id, data["compound_id"], utcnow())


@blp.route("/property-areas/<int:area_id>/compounds/<int:compound_id>", methods=["DELETE"])
@blp.response(200, s.AreaOut)
@login_required
def remove_area_compound(area_id, compound_id):
    return service.remove_area_compound(require_user(), area_id, compound_id, utcnow())
