"""The ledger's service functions: double entry, exactly-once keys, floors, holds, reversals,
the rounding rule, append-only postings and crash safety."""
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ApiError
from app.extensions import db
from app.timebank import ledger, service
from app.timebank.models import Account, Posting, Transfer


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()


def _postings_sum() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.amount), 0)))


def test_every_transfer_is_two_postings_that_sum_to_zero(bank, ctx):
    a, b = bank.user(points=100), bank.user()
    t = service.transfer_between_users(from_user_id=a, to_user_id=b, amount=30, key="k1")
    db.session.commit()
    postings = db.session.scalars(sa.select(Posting).where(Posting.transfer_id == t.id)).all()
    assert sorted(p.amount for p in postings) == [-30, 30]
    assert {p.kind for p in postings} == {"transfer_out", "transfer_in"}
    assert _postings_sum() == 0
    assert (service.balance(a), service.balance(b)) == (70, 30)


def test_same_key_twice_returns_the_first_transfer_and_changes_nothing(bank, ctx):
    a, b = bank.user(points=100), bank.user()
    first = service.transfer_between_users(from_user_id=a, to_user_id=b, amount=10, key="once")
    again = service.transfer_between_users(from_user_id=a, to_user_id=b, amount=10, key="once")
    db.session.commit()
    assert again.id == first.id
    assert service.balance(b) == 10
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transfer).where(
        Transfer.key == "once")) == 1


def test_credit_shift_is_idempotent_by_its_cause(bank, ctx):
    community, volunteer = bank.community(), bank.user()
    for _ in range(3):
        service.credit_shift(community_id=community, user_id=volunteer, points=12,
                             key="attendance:7:credit", ref="attendance:7", minutes=72)
    db.session.commit()
    assert service.balance(volunteer) == 12
    summary = service.summary(volunteer)
    assert (summary["earned_total"], summary["minutes_served"]) == (12, 72)


def test_personal_balance_never_goes_below_zero(bank, ctx):
    a, b = bank.user(points=5), bank.user()
    with pytest.raises(ApiError) as err:
        service.transfer_between_users(from_user_id=a, to_user_id=b, amount=6, key="too-much")
    assert (err.value.status, err.value.code) == (409, "insufficient_points")
    db.session.rollback()
    assert service.balance(a) == 5
    assert ledger.find_transfer("too-much") is None


def test_community_issuing_account_stops_at_its_budget(bank, ctx):
    community, volunteer = bank.community(), bank.user()
    service.set_budget(community, 50)
    service.credit_shift(community_id=community, user_id=volunteer, points=50, key="s1",
                         ref="attendance:1")
    with pytest.raises(ApiError) as err:
        service.credit_shift(community_id=community, user_id=volunteer, points=1, key="s2",
                             ref="attendance:2")
    assert (err.value.status, err.value.code) == (409, "budget_exhausted")
    db.session.rollback()


def test_budget_cannot_be_set_below_what_was_issued(bank, ctx):
    community = bank.community()
    bank.user(points=80)
    with pytest.raises(ApiError) as err:
        service.set_budget(community, 79)
    assert err.value.code == "budget_below_used"
    db.session.rollback()
    assert service.set_budget(community, 80).floor == -80


def test_resident_paid_service_settles_from_the_hold_of_that_request(bank, ctx):
    resident, partner = bank.user(points=100), bank.user()
    service.hold_points(user_id=resident, amount=40, key="request:9:hold", ref="request:9")
    assert service.summary(resident)["held"] == 40
    assert service.balance(resident) == 60
    with pytest.raises(ApiError) as err:
        service.settle_service(payer="resident", community_id=bank.community(),
                               payee_user_id=partner, points=41, key="request:9:settle",
                               ref="request:9", resident_user_id=resident)
    assert err.value.code == "hold_insufficient"
    db.session.rollback()
    service.hold_points(user_id=resident, amount=40, key="request:9:hold", ref="request:9")
    service.settle_service(payer="resident", community_id=bank.community(),
                           payee_user_id=partner, points=25, key="request:9:settle",
                           ref="request:9", resident_user_id=resident, minutes=150)
    service.release_hold(user_id=resident, amount=15, key="request:9:release", ref="request:9")
    db.session.commit()
    assert (service.balance(resident), service.balance(partner)) == (75, 25)
    assert service.summary(resident)["held"] == 0
    assert service.summary(resident)["spent_total"] == 25
    assert service.summary(partner)["minutes_served"] == 150


def test_a_hold_cannot_release_more_than_it_reserved(bank, ctx):
    resident = bank.user(points=100)
    service.hold_points(user_id=resident, amount=10, key="request:1:hold", ref="request:1")
    service.hold_points(user_id=resident, amount=10, key="request:2:hold", ref="request:2")
    with pytest.raises(ApiError) as err:
        service.release_hold(user_id=resident, amount=11, key="request:1:release",
                             ref="request:1")
    assert err.value.code == "hold_insufficient"
    db.session.rollback()


def test_community_paid_service_is_credited_once(bank, ctx):
    partner = bank.user()
    for _ in range(2):
        service.settle_service(payer="community", community_id=bank.community(),
                               payee_user_id=partner, points=20, key="request:5:settle",
                               ref="request:5", minutes=120)
    db.session.commit()
    assert service.balance(partner) == 20


def test_reversal_undoes_a_transfer_once_and_keeps_totals_true(bank, ctx):
    partner = bank.user()
    t = service.settle_service(payer="community", community_id=bank.community(),
                               payee_user_id=partner, points=20, key="request:6:settle",
                               ref="request:6", minutes=120)
    r1 = service.reverse(transfer_id=t.id, memo="误操作")
    r2 = service.reverse(transfer_id=t.id)
    db.session.commit()
    assert r1.id == r2.id and r1.reverses_id == t.id and r1.ref == f"transfer:{t.id}"
    assert service.summary(partner) | {"account_id": 0} == {
        "account_id": 0, "balance": 0, "earned_total": 0, "spent_total": 0,
        "minutes_served": 0, "held": 0}
    with pytest.raises(ApiError) as err:
        service.reverse(transfer_id=r1.id)
    assert err.value.code == "not_reversible"


def test_reversal_of_spent_points_is_refused_not_overdrawn(bank, ctx):
    a, b, c = bank.user(points=10), bank.user(), bank.user()
    t = service.transfer_between_users(from_user_id=a, to_user_id=b, amount=10, key="g1")
    service.transfer_between_users(from_user_id=b, to_user_id=c, amount=10, key="g2")
    with pytest.raises(ApiError) as err:
        service.reverse(transfer_id=t.id)
    assert err.value.code == "insufficient_points"
    db.session.rollback()


def test_adjustment_moves_points_against_the_system_account(bank, ctx):
    user = bank.user(points=10)
    service.adjust(user_id=user, amount=5, key="adj:1", memo="补录")
    service.adjust(user_id=user, amount=-3, key="adj:2", memo="多记")
    db.session.commit()
    assert service.balance(user) == 12
    system = db.session.scalar(sa.select(Account).where(Account.code == "system:adjustment"))
    assert system.balance == -2 and system.floor is None


@pytest.mark.parametrize("amount", [0, -1, 1.5, "3", True, None])
def test_amount_must_be_a_positive_integer(bank, ctx, amount):
    a, b = bank.user(points=10), bank.user()
    with pytest.raises(ApiError) as err:
        service.transfer_between_users(from_user_id=a, to_user_id=b, amount=amount, key="x")
    assert err.value.status == 422


@pytest.mark.parametrize(("minutes", "pph", "points"), [
    (0, 10, 0), (60, 10, 10), (90, 10, 15), (1, 10, 0), (2, 10, 0), (3, 10, 1), (4, 10, 1),
    (9, 10, 2), (45, 7, 5), (30, 1, 1), (29, 1, 0), (125, 12, 25), (0, 0, 0)])
def test_rounding_rule_is_nearest_point_halves_up(minutes, pph, points):
    assert service.points_for_minutes(minutes, pph) == points


@given(st.integers(0, 100_000), st.integers(0, 1000))
def test_rounding_is_within_half_a_point_and_halves_go_up(minutes, pph):
    points = service.points_for_minutes(minutes, pph)
    exact2 = minutes * pph * 2  # twice the exact value, in sixtieths
    assert abs(points * 120 - exact2) <= 60
    if (minutes * pph) % 60 == 30:
        assert points * 60 > minutes * pph


@pytest.mark.parametrize("bad", [(-1, 10), (10, -1), (1.5, 10), (10, "10")])
def test_rounding_rule_refuses_bad_input(bad):
    with pytest.raises(ApiError):
        service.points_for_minutes(*bad)


def test_failure_between_the_two_postings_leaves_nothing_written(bank, ctx, monkeypatch):
    a, b = bank.user(points=50), bank.user()
    before = (service.balance(a), service.balance(b),
              db.session.scalar(sa.select(sa.func.count()).select_from(Posting)))
    real = ledger._apply_leg
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("injected crash between postings")
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger, "_apply_leg", crash_on_second)
    with pytest.raises(RuntimeError):
        service.transfer_between_users(from_user_id=a, to_user_id=b, amount=20, key="crash")
    db.session.rollback()
    assert len(calls) == 2
    after = (service.balance(a), service.balance(b),
             db.session.scalar(sa.select(sa.func.count()).select_from(Posting)))
    assert after == before
    assert ledger.find_transfer("crash") is None
    assert bank.verify()["ok"]


def test_failure_between_postings_through_the_api_answers_500_and_writes_nothing(
        bank, client, monkeypatch):
    a, b = bank.user(points=50), bank.user()
    real = ledger._apply_leg
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("injected")
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger, "_apply_leg", crash_on_second)
    resp = client.post("/api/v1/timebank/transfers", headers={
        **bank.headers(a), "Idempotency-Key": "crash-1"}, json={"to_user_id": b, "amount": 20})
    assert resp.status_code == 500
    assert resp.get_json()["error"]["code"] == "internal_error"
    from app.web.idempotency import IdempotencyKey

    assert bank.count(Transfer) == 1  # only the grant
    assert bank.count(IdempotencyKey) == 0
    assert (bank.balance(a), bank.balance(b)) == (50, 0)
    monkeypatch.setattr(ledger, "_apply_leg", real)
    retry = client.post("/api/v1/timebank/transfers", headers={
        **bank.headers(a), "Idempotency-Key": "crash-1"}, json={"to_user_id": b, "amount": 20})
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert (bank.balance(a), bank.balance(b)) == (30, 20)


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_postings_and_transfers(bank, ctx):
    bank.user(points=10)
    for statement in ("UPDATE tb_postings SET amount = amount + 1",
                      "DELETE FROM tb_postings",
                      "UPDATE tb_transfers SET memo = 'x'",
                      "DELETE FROM tb_transfers"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Posting)) == 2


def test_accounts_are_created_once_per_owner(bank, ctx):
    uid = bank.user()
    assert service.user_account(uid).id == service.user_account(uid).id
    assert service.hold_account(uid).id != service.user_account(uid).id
    community = bank.community()
    assert service.community_account(community).budget == service.DEFAULT_COMMUNITY_BUDGET
