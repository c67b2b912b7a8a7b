"""The community hierarchy, stations and household binding; and the signed-in user as the
app shows them, with their households: login and `/me` (documented under the `auth` tag)."""
import hashlib

import sqlalchemy as sa
from flask import current_app
from flask_limiter.util import get_remote_address

from app.audit.service import record
from app.auth import service as auth_service
from app.auth.permissions import login_required, require, require_user, roles_required
from app.community import schemas as s
from app.community import service
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
from app.extensions import db, limiter
from app.web.boundary import Blueprint
from app.web.pagination import page
from app.web.ratelimit import enforce

blp = Blueprint("community", __name__, url_prefix="/api/v1", description="社区、小区、楼栋与住户")
AUTH_TAG = ["auth"]  # login and /me stay documented with the rest of 登录与身份


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _admit_openid(openid: str) -> None:
    """Per WeChat account, counted once code2session has named it: a wx.login code is new at
    every call, so a count per code would limit nothing, and the account is known only here.
    The key is a digest, so the counters hold no openid."""
    digest = hashlib.sha256(openid.encode()).hexdigest()[:32]
    enforce(current_app.config["LOGIN_OPENID_RATE_LIMIT"], "login-openid", digest)


# Login limits, in the order they are counted: per client address (LOGIN_RATE_LIMIT: every
# attempt with a readable JSON body, before validation), one ceiling for the whole deployment
# (LOGIN_GLOBAL_RATE_LIMIT: only attempts the client limit let through, so one flooding
# address cannot use it up), then per openid (LOGIN_OPENID_RATE_LIMIT).
@blp.route("/auth/wechat-login", methods=["POST"], tags=AUTH_TAG)
@limiter.limit(_login_limit, key_func=get_remote_address)
@blp.arguments(s.LoginIn)
@blp.response(200, s.LoginOut)
def wechat_login(data):
    """Exchange a wx.login code for a token. The fake client takes `test:<openid>` once."""
    enforce(current_app.config["LOGIN_GLOBAL_RATE_LIMIT"], "login-global", "all")
    user, token, ttl = auth_service.login_with_wechat(data["code"], admit=_admit_openid)
    return {"token": token, "expires_in": ttl, "user": user}


@blp.route("/me", methods=["GET"], tags=AUTH_TAG)
@blp.response(200, s.MeOut)
@login_required
def me():
    return require_user()


@blp.route("/me", methods=["PATCH"], tags=AUTH_TAG)
@blp.arguments(s.ProfileIn(partial=True))
@blp.response(200, s.MeOut)
@login_required
def update_me(data):
    """Only the nickname can change here; roles, phone and openid have their own flows. Others
    see the nickname, so it goes through the content check first."""
    user = require_user()
    auth_service.update_profile(user, data)
    return user


@blp.route("/me/phone", methods=["POST"], tags=AUTH_TAG)
@blp.arguments(s.PhoneIn)
@blp.response(200, s.MeOut)
@login_required
def bind_phone(data):
    user = auth_service.bind_phone(require_user(), data["code"])
    return user


# -- the hierarchy ---------------------------------------------------------------------------


@blp.route("/streets", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.StreetPage)
@login_required
def list_streets(args):
    return page(sa.select(Street), Street.id, args, newest_first=False)


@blp.route("/streets", methods=["POST"])
@blp.arguments(s.NameIn)
@blp.response(201, s.StreetOut)
@roles_required("admin")
def create_street(data):
    street = service.create_street(data["name"])
    return street


@blp.route("/communities", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.CommunityPage)
@login_required
def list_communities(args):
    return page(sa.select(Community), Community.id, args, newest_first=False)


@blp.route("/communities", methods=["POST"])
@blp.arguments(s.CommunityIn)
@blp.response(201, s.CommunityOut)
@roles_required("admin")
def create_community(data):
    community = service.create_community(data["street_id"], data["name"])
    return community


@blp.route("/communities/<int:community_id>", methods=["GET"])
@blp.response(200, s.CommunityOut)
@login_required
def get_community(community_id):
    return service.get_community(community_id)


@blp.route("/communities/<int:community_id>/limits", methods=["PATCH"])
@blp.arguments(s.CommunityLimitsPatch)
@blp.response(200, s.CommunityOut)
@roles_required("admin")
def set_limits(data, community_id):
    """Admins only: the ceiling of points per hour of the community's volunteer shifts and its
    monthly budget of make-up minutes (补录), and its service phone (服务电话). Each change is
    written to the audit log."""
    community = service.set_limits(require_user(), community_id, data)
    return community


@blp.route("/communities/<int:community_id>/compounds", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.CompoundPage)
@login_required
def list_compounds(args, community_id):
    service.get_community(community_id)
    return page(sa.select(Compound).where(Compound.community_id == community_id),
                 Compound.id, args, newest_first=False)


@blp.route("/communities/<int:community_id>/compounds", methods=["POST"])
@blp.arguments(s.CompoundIn)
@blp.response(201, s.CompoundOut)
@roles_required("staff", "admin")
def create_compound(data, community_id):
    compound = service.create_compound(require_user(), community_id, data["name"], data["kind"])
    return compound


@blp.route("/compounds/<int:compound_id>/buildings", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.BuildingPage)
@login_required
def list_buildings(args, compound_id):
    service.get_compound(compound_id)
    return page(sa.select(Building).where(Building.compound_id == compound_id),
                 Building.id, args, newest_first=False)


@blp.route("/compounds/<int:compound_id>/buildings", methods=["POST"])
@blp.arguments(s.BuildingIn)
@blp.response(201, s.BuildingOut)
@roles_required("staff", "admin")
def create_building(data, compound_id):
    building = service.create_building(require_user(), compound_id, data["name"],
                                       data["grid_id"])
    return building


@blp.route("/buildings/<int:building_id>", methods=["PATCH"])
@blp.arguments(s.BuildingPatch(partial=True))
@blp.response(200, s.BuildingOut)
@roles_required("staff", "admin")
def update_building(data, building_id):
    building = service.update_building(require_user(), service.get_building(building_id), data)
    return building


@blp.route("/buildings/<int:building_id>/households", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.HouseholdPage)
@login_required
def list_households(args, building_id):
    """Rooms of a building (never who lives there), so a resident can pick theirs."""
    service.get_building(building_id)
    return page(sa.select(Household).where(Household.building_id == building_id),
                 Household.id, args, newest_first=False)


@blp.route("/buildings/<int:building_id>/households", methods=["POST"])
@blp.arguments(s.HouseholdIn)
@blp.response(201, s.HouseholdOut)
@roles_required("staff", "admin")
def create_household(data, building_id):
    household = service.create_household(require_user(), building_id, data["unit"],
                                         data["room"], data["area_m2"])
    return household


@blp.route("/households/<int:household_id>", methods=["PATCH"])
@blp.arguments(s.HouseholdPatch)
@blp.response(200, s.HouseholdOut)
@roles_required("staff", "admin")
def update_household(data, household_id):
    """Staff of its community record the household's floor area `area_m2` (m², two
    decimals; null clears it). Consultations already open keep the area they froze."""
    user = require_user()
    if "area_m2" not in data:
        household = service.get_household(household_id)
        require(service.can_view_household(user, household), hide=True)
        return household
    return service.set_household_area(user, household_id, data["area_m2"])


@blp.route("/households/<int:household_id>", methods=["GET"])
@blp.response(200, s.HouseholdDetailOut)
@login_required
def get_household(household_id):
    """Full address and residents: staff of its community and its bound residents only."""
    user = require_user()
    household = service.get_household(household_id)
    require(service.can_view_household(user, household), hide=True)
    residents = list(db.session.scalars(sa.select(HouseholdBinding).where(
        HouseholdBinding.household_id == household_id, HouseholdBinding.status == "approved")))
    if user.id not in {b.user_id for b in residents}:  # staff seeing another's home address
        record("unmask", actor_id=user.id, target_type="household", target_id=household.id,
               details={"fields": ["address"]})
    return {"id": household.id, "building_id": household.building_id, "unit": household.unit,
            "room": household.room, "area_m2": household.area_m2,
            "community_id": household.community_id,
            "address": household.address, "residents": residents}


@blp.route("/communities/<int:community_id>/grids", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.GridPage)
@login_required
def list_grids(args, community_id):
    service.get_community(community_id)
    return page(sa.select(Grid).where(Grid.community_id == community_id), Grid.id, args,
                newest_first=False)


@blp.route("/communities/<int:community_id>/grids", methods=["POST"])
@blp.arguments(s.NameIn)
@blp.response(201, s.GridOut)
@roles_required("staff", "admin")
def create_grid(data, community_id):
    grid = service.create_grid(require_user(), community_id, data["name"])
    return grid


@blp.route("/communities/<int:community_id>/stations", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.StationPage)
@login_required
def list_stations(args, community_id):
    service.get_community(community_id)
    return page(sa.select(Station).where(Station.community_id == community_id),
                 Station.id, args, newest_first=False)


@blp.route("/communities/<int:community_id>/stations", methods=["POST"])
@blp.arguments(s.StationIn)
@blp.response(201, s.StationOut)
@roles_required("staff", "admin")
def create_station(data, community_id):
    station = service.create_station(require_user(), community_id, data)
    return station


@blp.route("/household-bindings", methods=["POST"])
@blp.arguments(s.BindingIn)
@blp.response(201, s.BindingOut)
@login_required
def request_binding(data):
    binding = service.request_binding(require_user(), data["household_id"], data["relation"])
    return binding


@blp.route("/household-bindings", methods=["GET"])
@blp.arguments(s.BindingListArgs, location="query")
@blp.response(200, s.BindingPage)
@roles_required("staff", "admin")
def list_bindings(args):
    """Binding requests of one community (staff of it), phones and addresses masked."""
    service.require_staff(require_user(), args["community_id"])
    stmt = sa.select(HouseholdBinding).where(
        HouseholdBinding.community_id == args["community_id"],
        HouseholdBinding.status == args["status"])
    return page(stmt, HouseholdBinding.id, args, newest_first=False)


@blp.route("/household-bindings/<int:binding_id>/approve", methods=["POST"])
@blp.arguments(s.DecisionIn)
@blp.response(200, s.BindingOut)
@roles_required("staff", "admin")
def approve_binding(data, binding_id):
    binding = service.decide_binding(require_user(), binding_id, True, data["note"])
    return binding


@blp.route("/household-bindings/<int:binding_id>/reject", methods=["POST"])
@blp.arguments(s.DecisionIn)
@blp.response(200, s.BindingOut)
@roles_required("staff", "admin")
def reject_binding(data, binding_id):
    binding = service.decide_binding(require_user(), binding_id, False, data["note"])
    return binding
