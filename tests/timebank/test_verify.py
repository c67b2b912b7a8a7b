"""Tamper evidence: a change made behind the ledger's back, straight in SQL, is reported by
`flask timebank verify` (exit code 1) with the account and the difference."""
import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.timebank import service


@pytest.fixture
def ledger_with_history(bank, app):
    a, b = bank.user(points=100), bank.user()
    with app.app_context():
        for i in range(3):
            service.transfer_between_users(from_user_id=a, to_user_id=b, amount=5 + i,
                                           key=f"v{i}")
        db.session.commit()
        account_a = service.user_account(a).id
        account_b = service.user_account(b).id
    return {"a": account_a, "b": account_b}


def _verify_cli(app):
    result = app.test_cli_runner().invoke(args=["timebank", "verify"])
    problems = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return result.exit_code, problems


def _tamper(app, *statements):
    """Run SQL as an operator with direct database access would, bypassing the app."""
    with app.app_context():
        pg = db.engine.dialect.name == "postgresql"
        if pg:  # the append-only trigger is what stops this; a superuser can switch it off
            db.session.execute(sa.text("ALTER TABLE tb_postings DISABLE TRIGGER USER"))
        for statement in statements:
            db.session.execute(sa.text(statement))
        if pg:
            db.session.execute(sa.text("ALTER TABLE tb_postings ENABLE TRIGGER USER"))
        db.session.commit()


def test_clean_ledger_verifies(app, ledger_with_history):
    code, problems = _verify_cli(app)
    assert code == 0 and problems == []


def test_changed_balance_is_reported_with_account_and_difference(app, ledger_with_history):
    account = ledger_with_history["b"]
    _tamper(app, f"UPDATE tb_accounts SET balance = balance + 50 WHERE id = {account}")
    code, problems = _verify_cli(app)
    assert code == 1
    assert {"problem": "balance_mismatch", "account_id": account, "expected": 18,
            "actual": 68, "difference": 50} in problems


def test_changed_posting_amount_is_reported(app, ledger_with_history):
    account = ledger_with_history["b"]
    _tamper(app, "UPDATE tb_postings SET amount = amount + 1 WHERE id = "
                 f"(SELECT MIN(id) FROM tb_postings WHERE account_id = {account})")
    code, problems = _verify_cli(app)
    kinds = {(p["problem"], p.get("account_id")) for p in problems}
    assert code == 1
    assert ("hash_mismatch", account) in kinds
    assert ("balance_mismatch", account) in kinds
    assert any(p["problem"] == "transfer_unbalanced" and p["difference"] == 1 for p in problems)
    assert any(p["problem"] == "ledger_unbalanced" and p["difference"] == 1 for p in problems)


def test_posting_moved_and_rehashed_without_the_chain_is_reported(app, ledger_with_history):
    """Editing balance_after too (to hide the change) still breaks the hash chain."""
    account = ledger_with_history["a"]
    _tamper(app, "UPDATE tb_postings SET balance_after = balance_after + 1 "
                 f"WHERE account_id = {account}")
    code, problems = _verify_cli(app)
    assert code == 1
    assert sum(p["problem"] == "hash_mismatch" for p in problems) == 4


def test_deleted_posting_is_reported(app, ledger_with_history):
    account = ledger_with_history["b"]
    _tamper(app, "DELETE FROM tb_postings WHERE id = "
                 f"(SELECT MAX(id) FROM tb_postings WHERE account_id = {account})")
    code, problems = _verify_cli(app)
    kinds = {p["problem"] for p in problems}
    assert code == 1
    assert {"balance_mismatch", "entries_mismatch", "chain_head_mismatch",
            "transfer_unbalanced"} <= kinds


def test_verify_endpoint_reports_the_same(app, client, bank, ledger_with_history):
    admin = bank.user(roles=[("admin", {})])
    _tamper(app, f"UPDATE tb_accounts SET balance = 7 WHERE id = {ledger_with_history['a']}")
    body = client.get("/api/v1/timebank/verify", headers=bank.headers(admin)).get_json()
    assert body["ok"] is False
    assert body["problems"][0]["account_id"] == ledger_with_history["a"]
    assert body["problems"][0]["difference"] == 7 - 82
