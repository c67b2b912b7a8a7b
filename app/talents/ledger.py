"""The owners' party-member ledger (业主党员台账): rows by staff one at a time or by the roster
import, one per person and source (natural key: compound, source, name, phone). Read by the
same people as the talent pool (see `service.may_see`); kept by staff of the community.

Services flush and never commit.
"""
import logging
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, require
from app.community.models import Compound, Household
from app.community.service import get_community, get_compound
from app.errors import Conflict, Unprocessable
from app.extensions import db
from app.talents.models import LedgerEntry
from app.talents.service import may_see

log = logging.getLogger(__name__)


def _household_in(household_id: int | None, compound_id: int) -> int | None:
    if household_id is None:
        return None
    household = db.session.get(Household, household_id)
    if household is None or household.building.compound_id != compound_id:
        raise Unprocessable(details={"fields": {"household_id": ["不是该小区的住户"]}})
    return household.id


def find_entry(compound_id: int, source: str, name: str, phone: str) -> LedgerEntry | None:
    return db.session.scalar(sa.select(LedgerEntry).where(
        LedgerEntry.compound_id == compound_id, LedgerEntry.source == source,
        LedgerEntry.name == name, LedgerEntry.phone == phone))


def put_entry(actor_id: int | None, compound: Compound, data: dict,
              now: datetime) -> tuple[LedgerEntry, bool]:
    """The entry of this person and source in the compound, created when new (the natural
    key is compound, source, name and phone). Returns (entry, created). Used by the roster
    import as well as by staff one at a time."""
    name, phone = data["name"].strip(), (data.get("phone") or "").strip()
    entry = find_entry(compound.id, data["source"], name, phone)
    if entry is not None:
        return entry, False
    entry = LedgerEntry(community_id=compound.community_id, compound_id=compound.id,
                        household_id=data.get("household_id"), user_id=data.get("user_id"),
                        name=name, phone=phone, source=data["source"],
                        unit_name=data.get("unit_name", ""), note=data.get("note", ""),
                        created_by_id=actor_id, created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry, True


def add_entry(user: User, data: dict, now: datetime) -> LedgerEntry:
    compound = get_compound(data["compound_id"])
    require(has_role(user, "staff", community_id=compound.community_id))
    if data.get("user_id") is not None and db.session.get(User, data["user_id"]) is None:
        raise Unprocessable(details={"fields": {"user_id": ["用户不存在"]}})
    data = {**data, "household_id": _household_in(data.get("household_id"), compound.id)}
    entry, created = put_entry(user.id, compound, data, now)
    if not created:
        raise Conflict("ledger_entry_exists", "台账中已有此人此来源的记录",
                       details={"entry_id": entry.id})
    log.info("ledger entry id=%s compound=%s source=%s by=%s", entry.id, compound.id,
             entry.source, user.id)
    return entry


def ledger_scope(user: User, community_id: int, compound_id: int | None) -> None:
    get_community(community_id)
    require(may_see(user, community_id))
    if compound_id is not None:
        compound = get_compound(compound_id)
        if compound.community_id != community_id:
            raise Unprocessable(details={"fields": {"compound_id": ["小区不属于该社区"]}})


def entries_stmt(args: dict) -> sa.Select:
    stmt = sa.select(LedgerEntry).where(LedgerEntry.community_id == args["community_id"])
    if args.get("compound_id") is not None:
        stmt = stmt.where(LedgerEntry.compound_id == args["compound_id"])
    if args.get("source"):
        stmt = stmt.where(LedgerEntry.source == args["source"])
    return stmt
