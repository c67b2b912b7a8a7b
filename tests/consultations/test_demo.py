"""`flask seed-demo`: floor areas, an open consultation under each rule on which two demo
owners of one unit can vote, an elevator project waiting in `consent`; a second run changes
nothing."""
import sqlalchemy as sa

from app.community.models import Household
from app.consultations.models import Consultation, RollEntry
from app.elevators.models import ElevatorProject, LedgerEntry
from app.extensions import db


def _snapshot():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Consultation, RollEntry, ElevatorProject, LedgerEntry)) + \
        (tuple(db.session.scalars(sa.select(Household.area_m2).order_by(Household.id))),)


def test_the_demo_has_an_open_consultation_under_each_rule_and_an_elevator_in_consent(
        app, client, login):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Household.id)).where(
            Household.area_m2.is_(None))) == 0
        before = _snapshot()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert _snapshot() == before

    for who in ("demo-resident-1", "demo-resident-4"):
        mine = client.get("/api/v1/consultations", headers=login(who)).get_json()["items"]
        assert sorted((c["rule"]["kind"], c["status"]) for c in mine) == [
            ("civil_code_278", "open"), ("share_of_all", "open")]
    staff = login("demo-staff-1")
    projects = client.get("/api/v1/elevators?community_id=1", headers=staff).get_json()
    # The figures' history adds elevators already in service; one project waits in consent.
    (project,) = [p for p in projects["items"] if p["stage"] != "in_service"]
    assert (project["stage"], project["place"]) == ("consent", "观湖花园1栋1单元")
    consultation = client.get(f"/api/v1/consultations/{project['consultation']['id']}",
                              headers=login("demo-resident-4")).get_json()
    assert consultation["rule"]["kind"] == "civil_code_278"
    assert consultation["my_households"][0]["can_vote"] is True
    assert consultation["eligible"] == 4
