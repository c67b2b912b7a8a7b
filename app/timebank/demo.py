"""Demo data of the time bank for `flask seed-demo` (idempotent).

Points reach the demo residents through the ledger, from 观湖社区's issuing account, under
fixed transfer keys: running the seed again finds the transfers and changes nothing.
"""
import sqlalchemy as sa

from app.auth.models import User
from app.community.models import Community
from app.extensions import db
from app.timebank import service

BUDGETS = {"观湖社区": 100_000, "昌达街社区": 50_000}
WELCOME = {"demo-resident-1": 1000, "demo-resident-2": 100}


def seed() -> None:
    communities = {c.name: c for c in db.session.scalars(sa.select(Community))}
    for name, budget in BUDGETS.items():
        if name in communities:
            service.set_budget(communities[name].id, budget)
    home = communities["观湖社区"]
    for openid, points in WELCOME.items():
        user = db.session.scalar(sa.select(User).where(User.openid == openid))
        service.grant_from_community(
            community_id=home.id, user_id=user.id, points=points,
            key=f"demo:welcome:{openid}", ref=f"community:{home.id}", memo="社区发放积分（演示）")
