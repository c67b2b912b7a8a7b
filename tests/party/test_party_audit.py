"""Party registrations, pairings and the summary export leave their trace in the audit log."""
import pytest
import sqlalchemy as sa
import time_machine

from app.audit.models import AuditEntry
from tests.volunteering.conftest import T0


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _entries(world, **where):
    from app.extensions import db

    with world.app.app_context():
        stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        return [(e.actor_id, e.target_type, e.target_id, e.details)
                for e in db.session.scalars(stmt)]


def _register(world, who):
    world.user(who, phone="13512345678")
    return world.post("/party/registrations", who, {
        "community_id": world.c1, "unit_name": "区供电公司", "roles": ["volunteer"]},
        expect=201).get_json()


def test_registration_decisions_pairing_addresses_and_exports_are_recorded(world):
    staff = world.users["staff1"]
    reg = _register(world, "member")
    refused = _register(world, "other")
    world.post(f"/party/registrations/{reg['id']}/approve", "staff1", expect=200)
    world.post(f"/party/registrations/{refused['id']}/reject", "staff1", expect=200)
    assert _entries(world, action="approve") == [
        (staff, "party_registration", reg["id"], {"user_id": world.users["member"]})]
    assert _entries(world, action="reject") == [
        (staff, "party_registration", refused["id"], {"user_id": world.users["other"]})]
    # the approval granted roles: each grant is recorded too
    assert {d["role"] for *_, d in _entries(world, action="role_grant")} == {
        "party_member", "volunteer"}

    pairing = world.post("/party/pairings", "staff1", {
        "registration_id": reg["id"], "household_id": world.home1, "reason": "独居老人"},
        expect=201).get_json()
    world.get("/party/pairings", "member")  # masked addresses: nothing to record
    world.get(f"/party/pairings/{pairing['id']}", "member")
    shown = {"fields": ["address"], "pairing_id": pairing["id"]}
    assert _entries(world, action="unmask") == [
        (staff, "household", world.home1, shown),
        (world.users["member"], "household", world.home1, shown)]

    resp = world.client.get(f"/api/v1/party/summaries/export?community_id={world.c1}"
                            "&year=2026&quarter=1", headers=world.h("staff1"))
    assert resp.status_code == 200
    assert _entries(world, action="export") == [
        (staff, "community", world.c1,
         {"kind": "party_summaries", "year": 2026, "quarter": 1, "rows": 1})]
