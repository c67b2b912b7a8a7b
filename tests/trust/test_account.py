"""The co-managed account: opening, entries and who may enter them, co-signing by the other
side only (never by the same person, never by a cross-appointed one), rejection, reversal,
monthly statements with public income apart, reconciliation, rechecks, `flask trust verify`,
and what outsiders see (404)."""
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow


def _notes(world, kind):
    from app.extensions import db
    from app.notifications.models import Notification

    with world.app.app_context():
        return sorted(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.kind == kind)))


def _verify(world):
    result = world.app.test_cli_runner().invoke(args=["trust", "verify"])
    problems = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return result.exit_code, problems


# -- opening ---------------------------------------------------------------------------------
def test_an_account_needs_both_sides_and_staff_and_is_one_per_compound(world):
    courtyard = world.compounds["courtyard"]
    path = f"/compounds/{courtyard}/trust-account"
    refused = world.post(path, "staff1", {}, 409)
    assert refused["error"]["code"] == "trust_needs_both_sides"
    world.body("self_management", ("courtyard",))
    world.post(path, "staff1", {}, 409)
    world.body("property_company", ("courtyard",), name="院落物业")
    world.post(path, "r_courtyard", {}, 403)
    world.post(path, "staff2", {}, 403)
    made = world.post(path, "staff1", {"account_tail": "123"}, 422)
    made = world.post(path, "staff1", {}, 201)
    assert (made["balance_fen"], made["public_income_fen"], made["pending_count"]) == (0, 0, 0)
    again = world.post(path, "staff1", {}, 409)
    assert again["error"]["code"] == "account_exists"


# -- entering --------------------------------------------------------------------------------
def test_either_side_enters_entries_that_wait_for_the_other_side(world):
    made = world.entry("zhou", kind="expense", category="cleaning", amount_fen=45800,
                       counterparty="洁美保洁", memo="十一月保洁")
    assert (made["status"], made["side"], made["effect_fen"]) == ("pending", "property", -45800)
    assert world.balance() == 0
    assert _notes(world, "trust_cosign_needed") == sorted(
        world.users[n] for n in ("liu", "chen", "both"))
    assert world.entry("liu", category="parking")["side"] == "owners_committee"
    for who in ("r_garden", "staff1", "party"):
        refused = world.entry(who, expect=403)
        assert refused["error"]["code"] == "not_a_side"
    ambiguous = world.entry("both", expect=422)
    assert ambiguous["error"]["code"] == "side_required"
    assert world.entry("both", side="owners_committee")["side"] == "owners_committee"
    world.entry("liu", side="property", expect=403)
    # The key is required: a retry never enters twice.
    world.post(f"/trust-accounts/{world.account}/entries", "zhou", {
        "kind": "income", "category": "parking", "amount_fen": 1, "counterparty": "x",
        "occurred_on": str(world.today())}, 422)


def test_entries_are_checked_before_anything_is_written(world):
    from app.trust.models import TrustEntry

    cases = [dict(category="cleaning"),  # an expense category on an income
             dict(amount_fen=0), dict(amount_fen=12.5), dict(amount_fen="100"),
             dict(occurred_on=str(world.today() + timedelta(days=1))),
             dict(project_id=1), dict(consultation_id=3), dict(category="nope"),
             dict(kind="expense", category="repair", project_id=999)]
    for fields in cases:
        world.entry(expect=422, **fields)
    assert world.db_value(sa.select(sa.func.count(TrustEntry.id))) == 0
    authorised = world.entry(kind="expense", category="repair", consultation_id=7,
                             proof_file_ids=[world.upload("zhou")],
                             file_ids=[world.upload("zhou", "pdf")])
    assert authorised["consultation_id"] == 7
    assert len(authorised["proofs"]) == 1 and len(authorised["files"]) == 1


# -- co-signing ------------------------------------------------------------------------------
def test_the_other_side_cosigns_and_the_entry_counts(world):
    from app.audit.models import AuditEntry

    entry = world.entry("zhou", amount_fen=128640)
    counted = world.cosign(entry["id"], "liu")
    assert (counted["status"], counted["seq"], counted["balance_after"]) == ("counted", 1,
                                                                           128640)
    assert counted["decided_by"]["id"] == world.users["liu"]
    assert world.balance() == 128640
    again = world.cosign(entry["id"], "chen", 409)
    assert again["error"]["code"] == "already_cosigned"
    assert world.cosign(world.entry("liu", category="advertising",
                                    amount_fen=500)["id"], "wang")["seq"] == 2
    account = world.get(f"/trust-accounts/{world.account}", "r_garden")
    assert (account["balance_fen"], account["public_income_fen"]) == (129140, 500)
    assert world.db_value(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "approve", AuditEntry.target_type == "trust_entry")) == 2
    assert _notes(world, "trust_cosigned") == sorted([world.users["zhou"], world.users["liu"]])


def test_cosign_by_the_same_person_or_side_or_a_cross_appointed_person_is_refused(world):
    entry = world.entry("zhou")["id"]
    for who, code in (("zhou", "own_entry"), ("wang", "same_side"),
                      ("both", "cross_appointed"), ("party", "not_other_side"),
                      ("r_garden", "not_other_side"), ("staff1", "not_other_side")):
        refused = world.cosign(entry, who, 403)
        assert refused["error"]["code"] == code, who
    # The cross-appointed person's own entry: refused to them on both counts.
    theirs = world.entry("both", side="owners_committee")["id"]
    assert world.cosign(theirs, "both", 403)["error"]["code"] == "own_entry"
    assert world.cosign(theirs, "chen", 403)["error"]["code"] == "same_side"
    assert world.cosign(theirs, "zhou")["status"] == "counted"
    assert world.balance() == 100000


def test_a_seat_that_ended_no_longer_cosigns(world):
    entry = world.entry("zhou")["id"]
    world.resident("liu", "garden", 3)  # still an owner of the compound after leaving
    seat = next(s for s in world.get(f"/org-bodies/{world.owners}/seats", "staff1")["items"]
                if s["user_id"] == world.users["liu"])
    world.post(f"/org-bodies/{world.owners}/seats/{seat['id']}/end", "staff1", {}, 200)
    assert world.cosign(entry, "liu", 403)["error"]["code"] == "not_other_side"


def test_the_other_side_rejects_a_pending_entry_and_it_never_counts(world):
    entry = world.entry("zhou")["id"]
    path = f"/trust-accounts/{world.account}/entries/{entry}/reject"
    world.post(path, "wang", {"reason": "x"}, 403)
    rejected = world.post(path, "liu", {"reason": "金额与收据不符"}, 200)
    assert (rejected["status"], rejected["reject_reason"]) == ("rejected", "金额与收据不符")
    assert world.cosign(entry, "chen", 409)["error"]["code"] == "entry_rejected"
    world.post(path, "chen", {"reason": "x"}, 409)
    assert world.balance() == 0


# -- reversal ----------------------------------------------------------------------------------
def test_a_counted_entry_is_reversed_by_a_linked_entry_never_edited(world):
    pending = world.entry("zhou")["id"]
    base = f"/trust-accounts/{world.account}/entries"
    refused = world.post(f"{base}/{pending}/reverse", "zhou", {"reason": "x"}, 409)
    assert refused["error"]["code"] == "entry_not_counted"
    wrong = world.counted("zhou", "liu", kind="expense", category="repair", amount_fen=38000)
    assert world.balance() == -38000
    world.post(f"{base}/{wrong['id']}/reverse", "r_garden", {"reason": "x"}, 403)
    reversal = world.post(f"{base}/{wrong['id']}/reverse", "zhou", {"reason": "重复录入"}, 201)
    assert (reversal["reverses_id"], reversal["status"], reversal["effect_fen"]) == (
        wrong["id"], "pending", 38000)
    assert world.post(f"{base}/{wrong['id']}/reverse", "wang", {"reason": "x"},
                      409)["error"]["code"] == "already_reversed"
    # The reversal is rejected: another may be entered; that one counts when co-signed.
    world.post(f"{base}/{reversal['id']}/reject", "liu", {"reason": "先核对"}, 200)
    second = world.post(f"{base}/{wrong['id']}/reverse", "liu", {"reason": "重复录入"}, 201)
    assert world.cosign(second["id"], "zhou")["status"] == "counted"
    assert world.balance() == 0
    assert world.get(f"{base}/{wrong['id']}", "r_garden")["reversed_by_id"] == second["id"]
    refused = world.post(f"{base}/{second['id']}/reverse", "zhou", {"reason": "x"}, 409)
    assert refused["error"]["code"] == "cannot_reverse_reversal"
    assert _verify(world) == (0, [])


# -- statements --------------------------------------------------------------------------------
def test_monthly_statement_with_public_income_apart(world):
    last = world.last_month()
    world.counted(category="property_fee", amount_fen=1286400, occurred_on=str(last))
    world.counted(category="parking", amount_fen=326000, occurred_on=str(last.replace(day=5)))
    world.counted("liu", "zhou", category="advertising", amount_fen=120000,
                  occurred_on=str(last.replace(day=8)))
    world.counted(kind="expense", category="cleaning", amount_fen=458000,
                  occurred_on=str(last.replace(day=10)))
    world.entry(kind="expense", category="greening", amount_fen=86000,
                occurred_on=str(last.replace(day=20)))  # pending: not counted
    world.counted(category="parking", amount_fen=1000)  # this month
    path = f"/trust-accounts/{world.account}/statements?month="
    stmt = world.get(f"{path}{last:%Y-%m}", "r_garden2")
    assert (stmt["opening_fen"], stmt["income_fen"], stmt["public_income_fen"],
            stmt["other_income_fen"], stmt["expense_fen"], stmt["closing_fen"]) == (
        0, 1732400, 446000, 1286400, 458000, 1274400)
    assert stmt["pending_count"] == 1 and len(stmt["entries"]) == 4
    assert [c["category"] for c in stmt["by_category"]] == [
        "advertising", "parking", "property_fee", "cleaning"]
    now = world.get(f"{path}{world.today():%Y-%m}", "r_garden2")
    assert (now["opening_fen"], now["public_income_fen"], now["closing_fen"]) == (
        1274400, 1000, 1275400)
    assert world.get(f"/compounds/{world.compounds['garden']}/trust-account",
                     "r_garden")["public_income_fen"] == 447000
    world.get(f"{path}2026-13", "r_garden", 422)
    world.get(f"/trust-accounts/{world.account}/statements", "r_garden", 422)


# -- reconciliation ------------------------------------------------------------------------------
def test_reconciliation_flags_a_difference_to_both_sides_and_staff(world):
    last = world.last_month()
    world.counted(amount_fen=50000, occurred_on=str(last))
    path = f"/trust-accounts/{world.account}/reconciliations"
    world.post(path, "zhou", {"month": f"{world.today():%Y-%m}", "bank_closing_fen": 1}, 422)
    world.post(path, "r_garden", {"month": f"{last:%Y-%m}", "bank_closing_fen": 1}, 403)
    statement = world.upload("zhou", "pdf")
    flagged = world.post(path, "zhou", {"month": f"{last:%Y-%m}", "bank_closing_fen": 49000,
                                        "file_id": statement}, 201)
    assert (flagged["book_closing_fen"], flagged["difference_fen"], flagged["flagged"]) == (
        50000, -1000, True)
    assert _notes(world, "trust_mismatch") == sorted(
        world.users[n] for n in ("liu", "chen", "both", "zhou", "wang", "staff1"))
    assert world.post(path, "liu", {"month": f"{last:%Y-%m}", "bank_closing_fen": 50000},
                      409)["error"]["code"] == "already_reconciled"
    before = last.replace(day=1) - timedelta(days=1)
    matched = world.post(path, "staff1", {"month": f"{before:%Y-%m}", "bank_closing_fen": 0},
                         201)
    assert matched["flagged"] is False
    assert len(_notes(world, "trust_mismatch")) == 6
    listed = world.get(path, "r_garden")["items"]
    assert [r["month"] for r in listed] == [f"{last:%Y-%m}", f"{before:%Y-%m}"]
    assert world.file_status("r_garden", listed[0]["files"][0]["url"]) == 200
    stmt = world.get(f"/trust-accounts/{world.account}/statements?month={last:%Y-%m}",
                     "r_garden")
    assert stmt["reconciliation"]["difference_fen"] == -1000


# -- rechecks ---------------------------------------------------------------------------------
def test_a_household_asks_for_a_recheck_and_the_other_side_answers_publicly(world):
    from app.trust.jobs import escalate_rechecks_job
    from app.trust.models import TrustRecheck

    entry = world.counted(kind="expense", category="repair", amount_fen=38000)["id"]
    path = f"/trust-accounts/{world.account}/entries/{entry}/rechecks"
    mine = world.homes["garden"][0]
    world.post(path, "r_garden", {"household_id": world.homes["garden"][1],
                                  "question": "x"}, 403)
    world.post(path, "staff1", {"household_id": mine, "question": "x"}, 403)
    asked = world.post(path, "r_garden", {"household_id": mine,
                                          "question": "维修费是否比价？"}, 201)
    assert asked["answer_side"] == "owners_committee" and asked["household"].endswith("****")
    assert _notes(world, "trust_recheck") == sorted(
        world.users[n] for n in ("liu", "chen", "both"))
    answer = f"/trust-accounts/{world.account}/rechecks/{asked['id']}/answer"
    for who in ("zhou", "both", "r_garden"):
        world.post(answer, who, {"answer": "x"}, 403)
    # Past its deadline, unanswered: staff and the answering side are told, once.
    world.db_exec(sa.update(TrustRecheck).values(due_at=utcnow() - timedelta(minutes=1)))
    with world.app.app_context():
        assert escalate_rechecks_job() == 1
        assert escalate_rechecks_job() == 0
    assert _notes(world, "trust_recheck_overdue") == sorted(
        world.users[n] for n in ("liu", "chen", "both", "staff1"))
    done = world.post(answer, "liu", {"answer": "已比价三家，取最低价"}, 200)
    assert done["answered_late"] is True and done["overdue"] is False
    world.post(answer, "chen", {"answer": "x"}, 409)
    public = world.get(f"/trust-accounts/{world.account}/rechecks", "r_garden2")["items"]
    assert [(r["question"], r["answer"]) for r in public] == [("维修费是否比价？",
                                                               "已比价三家，取最低价")]
    assert world.get(f"/trust-accounts/{world.account}/entries/{entry}",
                     "r_garden2")["rechecks"] == 1


# -- verify ---------------------------------------------------------------------------------------
def _tamper(world, *statements):
    from app.extensions import db

    with world.app.app_context():
        pg = db.engine.dialect.name == "postgresql"
        if pg:  # the append-only trigger stops this; a superuser can switch it off
            db.session.execute(sa.text("ALTER TABLE trust_entries DISABLE TRIGGER USER"))
        for statement in statements:
            db.session.execute(sa.text(statement))
        if pg:
            db.session.execute(sa.text("ALTER TABLE trust_entries ENABLE TRIGGER USER"))
        db.session.commit()


def test_verify_finds_sums_and_chains_changed_behind_the_service(world):
    first = world.counted(amount_fen=1000)["id"]
    world.counted(category="parking", amount_fen=300)
    world.counted(kind="expense", category="cleaning", amount_fen=500)
    assert _verify(world) == (0, [])
    _tamper(world, f"UPDATE trust_entries SET amount_fen = 1100 WHERE id = {first}")
    code, problems = _verify(world)
    assert code == 1
    kinds = {p["problem"] for p in problems}
    assert {"balance_after_mismatch", "hash_mismatch", "balance_mismatch"} <= kinds
    assert {"problem": "balance_mismatch", "account_id": world.account, "expected": 900,
            "actual": 800, "difference": -100} in problems
    _tamper(world, f"UPDATE trust_entries SET amount_fen = 1000 WHERE id = {first}",
            f"UPDATE trust_accounts SET public_income_fen = 0 WHERE id = {world.account}")
    assert _verify(world)[1] == [{"problem": "public_income_mismatch",
                                  "account_id": world.account, "expected": 300, "actual": 0,
                                  "difference": -300}]


@pytest.mark.postgres
def test_entries_are_append_only_in_the_database(world):
    from sqlalchemy.exc import DBAPIError

    from app.extensions import db

    counted = world.counted(amount_fen=1000)["id"]
    pending = world.entry(amount_fen=2000)["id"]
    for statement in (f"UPDATE trust_entries SET amount_fen = 1 WHERE id = {counted}",
                      f"UPDATE trust_entries SET status = 'pending' WHERE id = {counted}",
                      f"UPDATE trust_entries SET amount_fen = 1 WHERE id = {pending}",
                      f"DELETE FROM trust_entries WHERE id = {pending}"):
        with world.app.app_context():
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
    assert world.cosign(pending, "liu")["status"] == "counted"


# -- outsiders ---------------------------------------------------------------------------------
def test_outsiders_get_404_on_every_record(world):
    last = world.last_month()
    invoice, proof = world.upload("zhou", "pdf"), world.upload("zhou")
    entry = world.counted(kind="expense", category="repair", amount_fen=100,
                          occurred_on=str(last), file_ids=[invoice], proof_file_ids=[proof])
    pending = world.entry()["id"]
    bank = world.upload("liu", "pdf")
    world.post(f"/trust-accounts/{world.account}/reconciliations", "liu",
               {"month": f"{last:%Y-%m}", "bank_closing_fen": -100, "file_id": bank}, 201)
    recheck = world.post(f"/trust-accounts/{world.account}/entries/{entry['id']}/rechecks",
                         "r_garden", {"household_id": world.homes["garden"][0],
                                      "question": "请说明"}, 201)
    base = f"/trust-accounts/{world.account}"
    reads = [f"/compounds/{world.compounds['garden']}/trust-account", base, f"{base}/entries",
             f"{base}/entries/{entry['id']}", f"{base}/statements?month={last:%Y-%m}",
             f"{base}/reconciliations", f"{base}/rechecks"]
    writes = [(f"{base}/entries/{pending}/cosign", {}),
              (f"{base}/entries/{pending}/reject", {"reason": "x"}),
              (f"{base}/entries/{entry['id']}/reverse", {"reason": "x"}),
              (f"{base}/reconciliations", {"month": "2020-01", "bank_closing_fen": 0}),
              (f"{base}/entries/{entry['id']}/rechecks", {"household_id": 1, "question": "x"}),
              (f"{base}/rechecks/{recheck['id']}/answer", {"answer": "x"})]
    # Another compound of the same community, another community and its staff, a pending
    # binding and the street see nothing; the compound's households, bodies and staff do.
    for who in ("r_courtyard", "r_c2", "staff2", "outsider", "r_pending", "street1"):
        for path in reads:
            world.get(path, who, 404)
        for path, body in writes:
            world.post(path, who, body, 404)
        world.entry(who, expect=404)
        for file_id in (invoice, proof, bank):
            assert world.file_status(who, file_id) == 404
    for who in ("r_garden", "r_garden2", "staff1", "liu", "zhou", "party"):
        for path in reads:
            world.get(path, who, 200)
        for file_id in (invoice, proof, bank):
            assert world.file_status(who, file_id) == 200
    world.get("/trust-accounts/999", "admin", 404)
    world.get(f"/compounds/{world.compounds['courtyard']}/trust-account", "admin", 404)


def test_my_accounts_are_those_of_my_compounds_bodies_and_community(world):
    for who in ("r_garden", "liu", "zhou", "party", "staff1", "admin"):
        assert [a["id"] for a in world.get("/trust-accounts", who)["items"]] == [world.account]
    for who in ("r_courtyard", "r_c2", "staff2", "outsider", "r_pending", "street1"):
        assert world.get("/trust-accounts", who)["items"] == []
    mine = world.get("/trust-accounts", "both")["items"][0]
    assert mine["my_sides"] == ["owners_committee", "property"]
