"""Read side of the owners' party-member ledger: the people of a community (or compound) as
every source knows them, and the mismatch check.

Sources: `registered` (双报到: an approved registration in the app, placed in a compound by
the member's approved household binding, or a roster row saying so), `floating` (流动党员) and
`grid` (网格摸排). Rows of different sources are one person when they share a user or a phone;
rows with neither are matched by name within the compound.

The check: every party member living in a compound should be known to the grid, and should be
either registered or a floating member. A person failing either is listed with what is
missing: `not_in_grid` (网格数据未见), `not_registered` (未双报到，也未登记为流动党员).
"""
import sqlalchemy as sa

from app.auth.models import User
from app.common.masking import mask_phone
from app.community.models import Building, Compound, Household, HouseholdBinding
from app.extensions import db
from app.organisations.models import OrgBody
from app.party.models import PartyRegistration
from app.talents.models import LEDGER_SOURCES, Candidate, LedgerEntry, Talent

PROBLEMS = {"not_in_grid": "网格数据未见", "not_registered": "未双报到，也未登记为流动党员"}


def _registered_members(community_id: int) -> list[dict]:
    """Approved 双报到 registrations of the community, each placed in the compound of the
    member's approved household binding there (None when the member has none)."""
    home = (sa.select(HouseholdBinding.user_id, sa.func.min(Building.compound_id)
                      .label("compound_id"))
            .join(Household, Household.id == HouseholdBinding.household_id)
            .join(Building, Building.id == Household.building_id)
            .where(HouseholdBinding.community_id == community_id,
                   HouseholdBinding.status == "approved")
            .group_by(HouseholdBinding.user_id).subquery())
    rows = db.session.execute(
        sa.select(PartyRegistration.id, PartyRegistration.user_id, User.nickname, User.phone,
                  home.c.compound_id)
        .join(User, User.id == PartyRegistration.user_id)
        .outerjoin(home, home.c.user_id == PartyRegistration.user_id)
        .where(PartyRegistration.community_id == community_id,
               PartyRegistration.status == "approved")
        .order_by(PartyRegistration.id))
    return [{"kind": "registration", "id": r.id, "user_id": r.user_id, "name": r.nickname,
             "phone": r.phone or "", "compound_id": r.compound_id, "source": "registered"}
            for r in rows]


def _entries(community_id: int) -> list[dict]:
    rows = db.session.scalars(sa.select(LedgerEntry).where(
        LedgerEntry.community_id == community_id).order_by(LedgerEntry.id))
    return [{"kind": "entry", "id": e.id, "user_id": e.user_id, "name": e.name,
             "phone": e.phone, "compound_id": e.compound_id, "source": e.source}
            for e in rows]


def _keys(rec: dict) -> list[str]:
    keys = []
    if rec["user_id"]:
        keys.append(f"u:{rec['user_id']}")
    if rec["phone"]:
        keys.append(f"p:{rec['phone']}")
    return keys or [f"n:{rec['compound_id']}:{rec['name']}"]


def people(community_id: int, compound_id: int | None = None) -> list[dict]:
    """Every party member known to any source, merged across sources (union-find on users
    and phones), in the order first seen; filtered to a compound when given."""
    records = _entries(community_id) + _registered_members(community_id)
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, rec in enumerate(records):
        for key in _keys(rec):
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[dict]] = {}
    for i, rec in enumerate(records):
        groups.setdefault(find(i), []).append(rec)
    names = dict(db.session.execute(sa.select(Compound.id, Compound.name).where(
        Compound.community_id == community_id)).all())
    out = []
    for recs in sorted(groups.values(), key=lambda g: min(r["id"] + (0 if r["kind"] == "entry"
                                                                     else 10**9) for r in g)):
        found = {r["source"] for r in recs}
        compound = next((r["compound_id"] for r in recs if r["compound_id"]), None)
        if compound_id is not None and compound != compound_id:
            continue
        problems = []
        if "grid" not in found:
            problems.append("not_in_grid")
        if not found & {"registered", "floating"}:
            problems.append("not_registered")
        phone = next((r["phone"] for r in recs if r["phone"]), "")
        out.append({
            "name": next((r["name"] for r in recs if r["kind"] == "entry"), recs[0]["name"]),
            "phone": mask_phone(phone),
            "user_id": next((r["user_id"] for r in recs if r["user_id"]), None),
            "compound_id": compound, "compound_name": names.get(compound),
            "sources": [s for s in LEDGER_SOURCES if s in found],
            "entry_ids": sorted(r["id"] for r in recs if r["kind"] == "entry"),
            "registration_ids": sorted(r["id"] for r in recs if r["kind"] == "registration"),
            "problems": problems,
        })
    return out


def mismatches(community_id: int, compound_id: int | None = None) -> dict:
    everyone = people(community_id, compound_id)
    listed = [p for p in everyone if p["problems"]]
    counts = {code: sum(code in p["problems"] for p in listed) for code in PROBLEMS}
    return {"items": listed, "people": len(everyone), "counts": counts}


# -- for the figures ---------------------------------------------------------------------------
def talents_filed(community_ids: list[int], until) -> int:
    """Talents in the pools of these communities filed before `until` (an aware datetime)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Talent).where(
        Talent.community_id.in_(community_ids), Talent.created_at < until)) or 0


def secretaries_appointed(community_ids: list[int], start, end) -> int:
    """Candidates appointed to a seat of a compound party organisation of these communities
    in [start, end)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Candidate)
        .join(OrgBody, OrgBody.id == Candidate.body_id)
        .where(OrgBody.community_id.in_(community_ids), Candidate.status == "appointed",
               Candidate.appointed_at >= start, Candidate.appointed_at < end)) or 0
