"""Compound bodies: who registers them, formation modes, one body per compound and slot,
seats and terms, the roles that follow seats, cross-appointment, the three-in-one card,
property class and 片区大物业, and what outsiders see (404)."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow


# -- registering bodies ------------------------------------------------------------------------
def test_staff_of_the_community_register_bodies_nobody_else(world):
    made = world.body("owners_committee", name="观湖花园业主委员会")
    assert made["compound_ids"] == [world.compounds["garden"]] and made["seats"] == []
    for who, status in (("r_garden", 403), ("staff2", 403), ("street1", 403),
                        ("outsider", 403)):
        world.body("supervisory_board", who=who, expect=status)
    # 组织部 registers compound party organisations, not owners' committees.
    world.body("compound_party", ("courtyard",), who="orgdept")
    world.body("self_management", ("courtyard",), who="orgdept", expect=403)
    world.body("owners_committee", ("c2garden",), who="staff1", expect=422,
               community=world.c1)  # a compound of another community


def test_formation_modes_of_party_organisations(world):
    single = world.body("compound_party", ("garden",), formation="single")
    assert single["formation"] == "single"
    world.body("compound_party", ("courtyard", "scattered"), formation="single", expect=422)
    world.body("compound_party", ("courtyard",), formation="joint", expect=422)
    joint = world.body("compound_party", ("courtyard", "scattered"), formation="area")
    assert joint["compound_ids"] == sorted([world.compounds["courtyard"],
                                            world.compounds["scattered"]])
    world.post("/org-bodies", "staff1", {"kind": "compound_party", "name": "无方式",
                                         "community_id": world.c1,
                                         "compound_ids": [world.compounds["garden"]]}, 422)
    world.body("owners_committee", ("courtyard",), formation="single", expect=422)
    world.body("owners_committee", ("courtyard", "scattered"), expect=422)
    # A single-compound party organisation cannot take a second compound.
    world.post(f"/org-bodies/{single['id']}/compounds", "staff1",
               {"compound_id": world.compounds["courtyard"]}, 422)


def test_one_live_body_per_compound_and_slot(world):
    owners = world.body("owners_committee")
    refused = world.body("self_management", expect=409)  # 业委会 and 自管委 share a slot
    assert refused["error"]["code"] == "slot_taken"
    assert refused["error"]["details"]["body_id"] == owners["id"]
    world.body("owners_committee", expect=409)
    world.body("supervisory_board")  # another slot
    world.post(f"/org-bodies/{owners['id']}/dissolve", "staff1", {"reason": "换届未成"}, 200)
    again = world.post(f"/org-bodies/{owners['id']}/dissolve", "staff1", {"reason": "x"}, 409)
    assert again["error"]["code"] == "body_dissolved"
    assert world.body("self_management")["compound_ids"] == [world.compounds["garden"]]
    listed = world.get(f"/org-bodies?community_id={world.c1}", "staff1")["items"]
    assert [b["kind"] for b in listed] == ["supervisory_board", "self_management"]
    listed = world.get(f"/org-bodies?community_id={world.c1}&include_dissolved=true",
                       "staff1")["items"]
    assert len(listed) == 3


def test_offensive_names_are_refused(world):
    resp = world.body("owners_committee", name="违禁词业委会", expect=422)
    assert resp["error"]["code"] == "content_rejected"


# -- seats and the roles that follow them --------------------------------------------------------
def test_a_seat_gives_the_compound_role_and_leaving_takes_it_back(world):
    garden = world.compounds["garden"]
    _, owners, company = world.three_bodies()
    seat = world.seat(owners, "chen", role="head")
    assert (seat["title"], seat["active"]) == ("主任", True)
    world.seat(company, "zhou", role="head", title="项目经理")
    assert world.roles("chen") == [{"role": "owners_committee", "compound_id": garden}]
    assert world.roles("zhou") == [{"role": "property", "compound_id": garden}]
    world.seat(owners, "chen", expect=409)  # already in office on this body
    ended = world.post(f"/org-bodies/{owners}/seats/{seat['id']}/end", "staff1",
                       {"reason": "迁出小区"}, 200)
    assert ended["active"] is False and ended["left_on"]
    assert world.roles("chen") == []
    world.post(f"/org-bodies/{owners}/seats/{seat['id']}/end", "staff1", {}, 409)
    # The role follows the seat: never granted by hand.
    refused = world.post("/roles/grants", "admin", {"user_id": world.user("x"),
                                                    "role": "property",
                                                    "compound_id": garden}, 409)
    assert refused["error"]["code"] == "role_follows_seat"


def test_seat_role_grants_are_audited_and_not_revocable_by_hand(world):
    from app.audit.models import AuditEntry
    from app.auth.models import RoleGrant

    _, owners, _ = world.three_bodies()
    world.seat(owners, "chen")
    details = world.db_value(sa.select(AuditEntry.details).where(
        AuditEntry.action == "role_grant", AuditEntry.target_id == world.users["chen"]))
    assert details["role"] == "owners_committee" and details["via"] == "seat"
    assert details["compound_id"] == world.compounds["garden"]
    grant_id = world.db_value(sa.select(RoleGrant.id).where(
        RoleGrant.user_id == world.users["chen"]))
    refused = world.delete(f"/roles/grants/{grant_id}", "admin", 409)
    assert refused["error"]["code"] == "role_follows_seat"


def test_terms_that_begin_later_or_ended_give_no_role_until_the_daily_sync(world):
    from app.organisations.jobs import sync_roles_job
    from app.organisations.models import OrgSeat

    _, owners, _ = world.three_bodies()
    today = utcnow().date()
    past = world.seat(owners, "old", term_start=str(today - timedelta(days=900)),
                      term_end=str(today - timedelta(days=10)))
    assert past["active"] is False and world.roles("old") == []
    world.seat(owners, "later", term_start=str(today + timedelta(days=30)))
    assert world.roles("later") == []
    current = world.seat(owners, "now")
    assert world.roles("now")
    world.seat(owners, "bad", term_start=str(today), term_end=str(today - timedelta(days=1)),
               expect=422)
    # Terms move on: the daily sync revokes the ended one and grants the begun one.
    world.db_exec(sa.update(OrgSeat).where(OrgSeat.id == current["id"]).values(
        term_start=today - timedelta(days=400), term_end=today - timedelta(days=1)))
    world.db_exec(sa.update(OrgSeat).where(OrgSeat.user_id == world.users["later"]).values(
        term_start=today))
    with world.app.app_context():
        result = sync_roles_job()
    assert result["granted"] == 1 and result["revoked"] == 1
    assert world.roles("now") == [] and world.roles("later")


def test_a_property_company_covers_compounds_of_other_communities_through_their_staff(world):
    company = world.body("property_company", ("garden",))["id"]
    world.seat(company, "zhou", role="head")
    world.post(f"/org-bodies/{company}/compounds", "staff1",
               {"compound_id": world.compounds["c2garden"]}, 403)
    world.post(f"/org-bodies/{company}/compounds", "staff2",
               {"compound_id": world.compounds["c2garden"]}, 200)
    assert {r["compound_id"] for r in world.roles("zhou")} == {
        world.compounds["garden"], world.compounds["c2garden"]}
    world.delete(f"/org-bodies/{company}/compounds/{world.compounds['c2garden']}", "staff2",
                 200)
    assert world.roles("zhou") == [{"role": "property",
                                    "compound_id": world.compounds["garden"]}]
    owners = world.body("owners_committee", ("garden",))["id"]
    world.post(f"/org-bodies/{owners}/compounds", "staff2",
               {"compound_id": world.compounds["c2garden"]}, 404)  # not theirs to see
    world.post(f"/org-bodies/{owners}/compounds", "admin",
               {"compound_id": world.compounds["c2garden"]}, 422)  # stays in its community


def test_dissolving_a_body_ends_its_members_roles(world):
    _, owners, _ = world.three_bodies()
    world.seat(owners, "chen")
    world.post(f"/org-bodies/{owners}/dissolve", "staff1", {"reason": "重新选举"}, 200)
    assert world.roles("chen") == []
    world.seat(owners, "liu", expect=409)


# -- cross-appointment and the three-in-one card -------------------------------------------------
def test_a_persons_seats_and_the_three_in_one_card(world):
    party, owners, company = world.three_bodies()
    board = world.body("supervisory_board")["id"]
    world.seat(party, "chen", role="head")
    world.seat(owners, "chen", role="head")
    world.seat(party, "zhou")
    world.seat(company, "zhou", role="head")
    world.seat(owners, "liu")
    world.seat(board, "王德明", role="head", named_only=True)
    seats = world.get(f"/people/{world.users['chen']}/seats", "r_garden")["items"]
    assert sorted((s["body"]["kind"], s["title"]) for s in seats) == [
        ("compound_party", "书记"), ("owners_committee", "主任")]
    card = world.get(f"/compounds/{world.compounds['garden']}/three-in-one", "r_garden")
    assert card["bodies"]["party"]["id"] == party
    assert card["bodies"]["self_governing"]["id"] == owners
    assert card["bodies"]["supervisory"]["seats"][0]["name"] == "王德明"
    assert card["bodies"]["property"]["seats"][0]["title"] == "项目经理"
    crossed = {c["user_id"]: sorted(s["body"]["kind"] for s in c["seats"])
               for c in card["cross_appointed"]}
    assert crossed == {world.users["chen"]: ["compound_party", "owners_committee"],
                       world.users["zhou"]: ["compound_party", "property_company"]}
    # A compound with nothing registered yet shows empty slots.
    empty = world.get(f"/compounds/{world.compounds['courtyard']}/three-in-one", "staff1")
    assert empty["bodies"] == {"party": None, "self_governing": None, "supervisory": None,
                               "property": None}
    assert empty["cross_appointed"] == []


def test_outsiders_get_404_on_every_record(world):
    party, owners, _ = world.three_bodies()
    seat = world.seat(owners, "chen")
    company = world.body("property_company", ("scattered",), name="片区物业")["id"]
    world.put(f"/compounds/{world.compounds['scattered']}/profile", "staff1",
              {"property_class": "scattered"}, 200)
    area = world.post("/property-areas", "staff1", {"name": "观湖片区",
                                                    "community_id": world.c1,
                                                    "company_id": company}, 201)
    garden = world.compounds["garden"]
    paths = [f"/org-bodies/{owners}", f"/org-bodies/{owners}/seats",
             f"/people/{world.users['chen']}/seats", f"/compounds/{garden}/three-in-one",
             f"/compounds/{garden}/profile", f"/property-areas/{area['id']}",
             f"/property-areas?community_id={world.c1}",
             f"/org-bodies?community_id={world.c1}", f"/org-bodies?compound_id={garden}"]
    for who in ("r_c2", "staff2", "outsider", "r_pending", "street_other"):
        for path in paths:
            world.get(path, who, 404)
        assert world.get("/org-bodies", who)["items"] == []
    for who in ("r_garden", "r_courtyard", "staff1", "street1", "orgdept", "admin"):
        for path in paths:
            world.get(path, who, 200)
    # A seat holder of the community sees its bodies, whatever their household.
    world.get(f"/org-bodies/{party}", "chen", 200)
    world.get(f"/people/{world.users['chen']}/seats", "chen", 200)
    assert seat["user_id"] == world.users["chen"]
    world.get("/people/999999/seats", "admin", 404)
    world.get("/compounds/999999/three-in-one", "admin", 404)


# -- property class and 片区大物业 -------------------------------------------------------------
def test_scattered_compounds_join_a_property_area_and_its_company_manages_them(world):
    scattered, garden = world.compounds["scattered"], world.compounds["garden"]
    company = world.body("property_company", ("garden",), name="观湖物业")["id"]
    world.seat(company, "zhou", role="head")
    profile = world.put(f"/compounds/{garden}/profile", "staff1",
                        {"property_class": "managed"}, 200)
    assert profile["property_company"] == {"id": company, "name": "观湖物业"}
    world.put(f"/compounds/{garden}/profile", "staff2", {"property_class": "managed"}, 403)
    world.put(f"/compounds/{garden}/profile", "r_garden", {"property_class": "managed"}, 403)
    area = world.post("/property-areas", "staff1", {"name": "观湖片区", "community_id": world.c1,
                                                    "company_id": company}, 201)
    path = f"/property-areas/{area['id']}/compounds"
    refused = world.post(path, "staff1", {"compound_id": garden}, 409)
    assert refused["error"]["code"] == "not_scattered"
    world.put(f"/compounds/{scattered}/profile", "staff1", {"property_class": "scattered"}, 200)
    joined = world.post(path, "staff1", {"compound_id": scattered}, 200)
    assert joined["compound_ids"] == [scattered]
    shown = world.get(f"/compounds/{scattered}/profile", "staff1")
    assert shown["area"]["name"] == "观湖片区" and shown["property_company"]["id"] == company
    assert {r["compound_id"] for r in world.roles("zhou")} == {garden, scattered}
    moved = world.put(f"/compounds/{scattered}/profile", "staff1",
                      {"property_class": "unmanaged"}, 409)
    assert moved["error"]["code"] == "in_property_area"
    world.post(path, "staff1", {"compound_id": scattered}, 409)
    world.delete(f"{path}/{scattered}", "staff1", 200)
    assert world.get(f"/compounds/{scattered}/profile", "staff1")["property_company"] is None
    assert {r["compound_id"] for r in world.roles("zhou")} == {garden}
    world.post("/property-areas", "staff1", {"name": "错", "community_id": world.c1,
                                             "company_id": world.body("owners_committee")["id"]},
               422)


# -- functions other domains use -----------------------------------------------------------------
def test_self_governing_body_and_seat_sides(world):
    from app.organisations import service

    _, owners, company = world.three_bodies()
    world.seat(owners, "chen")
    world.seat(company, "zhou")
    world.seat(company, "both")
    world.seat(owners, "both")
    world.seat(world.body("supervisory_board")["id"], "board")
    garden, courtyard = world.compounds["garden"], world.compounds["courtyard"]
    with world.app.app_context():
        assert service.self_governing_body(garden).id == owners
        assert service.self_governing_body(courtyard) is None
        assert service.property_company(garden).id == company
        assert service.seat_sides(world.users["chen"], garden) == {"owners_committee"}
        assert service.seat_sides(world.users["zhou"], garden) == {"property"}
        assert service.seat_sides(world.users["both"], garden) == {"owners_committee",
                                                                   "property"}
        assert service.seat_sides(world.users["board"], garden) == frozenset()
        assert service.seat_sides(world.users["chen"], courtyard) == frozenset()
        assert service.side_member_ids(garden, "property") == {world.users["zhou"],
                                                               world.users["both"]}
    world.body("self_management", ("courtyard",))
    with world.app.app_context():
        assert service.self_governing_body(courtyard).kind == "self_management"
