"""`flask seed-demo` for the time bank: points granted through the ledger under fixed keys,
and a second run that changes nothing."""
import sqlalchemy as sa

from app.auth.models import User
from app.community.models import Community
from app.extensions import db
from app.timebank import service
from app.timebank.models import Account, Posting, Transfer


def _snapshot():
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Transfer)),
            tuple(db.session.scalars(sa.select(Account.balance).order_by(Account.id))))


def test_demo_residents_get_their_points_from_community_1_through_the_ledger(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        home = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
        issuing = service.community_account(home.id)
        for openid, points in (("demo-resident-1", 1000), ("demo-resident-2", 100)):
            user = db.session.scalar(sa.select(User).where(User.openid == openid))
            grant = db.session.scalar(sa.select(Transfer).where(
                Transfer.key == f"demo:welcome:{openid}"))
            assert grant.amount == points and grant.debit_account_id == issuing.id
            assert grant.credit_account_id == service.user_account(user.id).id
        assert issuing.budget == 100_000
        before = _snapshot()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert _snapshot() == before
        assert db.session.scalar(sa.select(sa.func.sum(Posting.amount))) == 0
    result = runner.invoke(args=["timebank", "verify"])
    assert result.exit_code == 0 and "ledger ok" in result.output
