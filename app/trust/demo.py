"""Demo data of this domain for `flask seed-demo` (idempotent).

观湖花园 is run as trust property (信托制物业): its co-managed account holds last month's
entries, entered by the property company's manager `demo-property-1` or the owners'
committee's `demo-committee-2` and co-signed by the other: property fees, public parking and
advertising income, cleaning and the canopy repair (linked to the 大党委 project that
authorised it). One more expense waits for the owners' committee to co-sign it. The account
row and the co-signatures are written without the staff and co-signers' audit entries, so the
seed leaves the audit log empty.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Community, Compound
from app.extensions import db
from app.projects.models import Project
from app.trust import service
from app.trust.models import GENESIS_HASH, TrustAccount

# (entered by, co-signed by, kind, category, amount in fen, counterparty, day of last month,
#  memo)
ENTRIES = [
    ("demo-property-1", "demo-committee-2", "income", "property_fee", 1286400, "观湖花园业主",
     3, "上月物业费（按实收）"),
    ("demo-property-1", "demo-committee-2", "income", "parking", 326000, "观湖花园停车场",
     5, "公共车位临时停车收益"),
    ("demo-committee-2", "demo-property-1", "income", "advertising", 120000,
     "某电梯广告公司", 8, "电梯轿厢广告位租金"),
    ("demo-property-1", "demo-committee-2", "expense", "cleaning", 458000, "洁美保洁服务部",
     10, "上月保洁服务费"),
    ("demo-property-1", "demo-committee-2", "expense", "repair", 380000, "安固门窗厂",
     15, "3栋单元门雨棚更换"),
    ("demo-property-1", None, "expense", "greening", 86000, "绿源园林", 20, "草坪修剪"),
]


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def seed() -> None:
    now = utcnow()
    community = _one(Community, name="观湖社区")
    garden = _one(Compound, community_id=community.id, name="观湖花园")
    if _one(TrustAccount, compound_id=garden.id) is not None:
        return
    staff = _one(User, openid="demo-staff-1")
    people = {u.openid: u for u in db.session.scalars(sa.select(User).where(
        User.openid.in_(("demo-property-1", "demo-committee-2"))))}
    account = TrustAccount(compound_id=garden.id, bank_name="古湖农商银行观湖支行",
                           account_tail="2046", opened_by_id=staff.id, opened_at=now,
                           balance_fen=0, public_income_fen=0, entries=0,
                           head_hash=GENESIS_HASH)
    db.session.add(account)
    db.session.flush()
    last_month = (service.local_day(now).replace(day=1) - timedelta(days=1)).replace(day=1)
    repair = _one(Project, community_id=community.id, title="修复观湖花园3栋单元门雨棚")
    for by, cosigner, kind, category, amount, counterparty, day, memo in ENTRIES:
        entry = service.enter(people[by], account.id, {
            "kind": kind, "category": category, "amount_fen": amount,
            "counterparty": counterparty, "occurred_on": last_month.replace(day=day),
            "memo": memo,
            "project_id": repair.id if repair and category == "repair" else None}, now)
        if cosigner:
            service.count_entry(account, entry, people[cosigner].id, now)
