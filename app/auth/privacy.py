"""Personal information (个人信息保护法): a user's own export, cancellation (注销).

- Consents live in `app/auth/consents.py`.
- Export: everything the system holds about the user as JSON. Other domains' rows are read
  by table name, so those domains stay unaware of this module; a domain that presents its
  rows itself (community: households with their addresses) registers a section.
- Cancellation: personal data erased or anonymised, sign-in as that user made impossible,
  while the ledger stays whole (postings stay on the account, which now belongs to an
  anonymous user; nothing in tb_* is touched, so `flask timebank verify` stays clean).
"""
import logging
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.audit.service import record
from app.auth.consents import current_consents
from app.auth.models import AdminGrantRequest, AuthSession, Consent, RoleGrant, User
from app.auth.service import record_revoke
from app.auth.tokens import forget_user
from app.common.timeutil import local_iso, utcnow
from app.errors import ApiError, Conflict
from app.extensions import db

log = logging.getLogger(__name__)

CANCELLED_NICKNAME = "已注销用户"
ERASED_TEXT = "（用户已注销）"
# Orders in these states are finished; any other state blocks a cancellation.
FINISHED_REQUEST_STATUSES = ("confirmed", "cancelled")


# -- export ---------------------------------------------------------------------------------
# Tables exported by their own section, or not at all (caches and single-use code records).
_OWN_SECTIONS = {"users", "user_consents", "role_grants", "tb_accounts", "auth_sessions"}
_SKIPPED_TABLES = {"idempotency_keys", "volunteer_used_codes", "wechat_fake_used_codes"}
# Columns that are secrets or internals rather than information about the person.
_SKIPPED_COLUMNS = {"jti", "hash", "head_hash", "fingerprint", "redeem_key"}


# Sections other domains build themselves: name -> build(user).
_SECTIONS: dict[str, Callable[[User], object]] = {}


def register_section(name: str, build: Callable[[User], object], *tables: str) -> None:
    """The export's `name` section is `build(user)`; the rows of `tables` are then left out of
    the generic `records`."""
    _SECTIONS[name] = build
    _OWN_SECTIONS.update(tables)


def _subject_columns(table: sa.Table) -> list[sa.Column]:
    """The columns that make a row *about* a user (not rows a user only acted on)."""
    out = []
    for column in table.columns:
        refers_to_user = any(fk.column.table.name == "users" for fk in column.foreign_keys)
        acted_only = (column.name.endswith("_by_id")
                      or column.name in ("actor_id", "assignee_id"))
        if refers_to_user and not acted_only:
            out.append(column)
    return out


def _jsonable(value):
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(stmt) -> list[dict]:
    return [{k: _jsonable(v) for k, v in row._mapping.items() if k not in _SKIPPED_COLUMNS}
            for row in db.session.execute(stmt)]


def _timebank(user_id: int) -> dict:
    """The user's accounts and their entries, read from the ledger's tables by name."""
    accounts_t, postings, transfers = (db.metadata.tables[name] for name in
                                       ("tb_accounts", "tb_postings", "tb_transfers"))
    accounts = db.session.execute(
        sa.select(accounts_t.c.id, accounts_t.c.kind, accounts_t.c.balance)
        .where(accounts_t.c.user_id == user_id).order_by(accounts_t.c.id)).all()
    entries = _rows(sa.select(
        postings.c.id, postings.c.account_id, postings.c.created_at.label("at"),
        postings.c.kind, postings.c.amount, postings.c.balance_after, transfers.c.ref,
        transfers.c.memo, transfers.c.minutes)
        .join(transfers, transfers.c.id == postings.c.transfer_id)
        .where(postings.c.account_id.in_([a.id for a in accounts])).order_by(postings.c.id))
    return {"accounts": [{"id": a.id, "kind": a.kind, "balance": a.balance} for a in accounts],
            "entries": entries}


def export(user: User) -> dict:
    """Everything held about the user. Audited as an export."""
    records = {}
    for table in db.metadata.sorted_tables:
        if table.name in _OWN_SECTIONS | _SKIPPED_TABLES:
            continue
        columns = _subject_columns(table)
        if not columns:
            continue
        rows = _rows(sa.select(table).where(sa.or_(*[c == user.id for c in columns]))
                     .order_by(*table.primary_key.columns))
        if rows:
            records[table.name] = rows
    data = {
        "exported_at": local_iso(utcnow()),
        "user": {"id": user.id, "nickname": user.nickname, "phone": user.phone,
                 "openid": user.openid, "unionid": user.unionid,
                 "created_at": local_iso(user.created_at),
                 "last_login_at": local_iso(user.last_login_at)},
        "consents": _rows(sa.select(Consent.kind, Consent.granted, Consent.at)
                          .where(Consent.user_id == user.id).order_by(Consent.id)),
        "roles": _rows(sa.select(RoleGrant.__table__).where(RoleGrant.user_id == user.id)
                       .order_by(RoleGrant.id)),
        "sessions": _rows(sa.select(AuthSession.created_at, AuthSession.expires_at,
                                    AuthSession.revoked_at)
                          .where(AuthSession.user_id == user.id).order_by(AuthSession.id)),
        **{name: build(user) for name, build in _SECTIONS.items()},
        "timebank": _timebank(user.id),
        "records": records,
    }
    record("export", actor_id=user.id, target_type="user", target_id=user.id,
           details={"kind": "own_data", "tables": sorted(records)})
    return data


# -- cancellation (注销) ----------------------------------------------------------------------
def _open_requests(user_id: int) -> int:
    table = db.metadata.tables.get("service_requests")
    if table is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(table).where(
        sa.or_(table.c.resident_id == user_id, table.c.assignee_id == user_id),
        table.c.status.not_in(FINISHED_REQUEST_STATUSES)))


def _held_points(user_id: int) -> int:
    accounts = db.metadata.tables["tb_accounts"]
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(accounts.c.balance), 0))
                             .where(accounts.c.kind == "hold", accounts.c.user_id == user_id))


def _erase_in(table_name: str, where_column: str, user_id: int, **values) -> int:
    """Erase one kind of personal row in another domain's table (by name: the domains stay
    unaware of this module). With no values, the rows are deleted."""
    table = db.metadata.tables[table_name]
    where = table.c[where_column] == user_id
    stmt = sa.update(table).where(where).values(**values) if values else \
        sa.delete(table).where(where)
    return db.session.execute(stmt).rowcount


def cancel_account(user: User, actor_id: int | None, reason: str = "user") -> User:
    """Erase the user's personal data; keep ids, ledger and audit entries."""
    if user.cancelled_at is not None:
        raise Conflict("account_cancelled", "该账户已注销")
    if _open_requests(user.id) or _held_points(user.id):
        raise ApiError("open_requests", "还有未完成的服务订单，请完成或取消后再注销",
                       status=409)
    now = utcnow()
    # Conditional update first: of two cancellations racing, one proceeds, one gets 409.
    claimed = db.session.execute(
        sa.update(User).where(User.id == user.id, User.cancelled_at.is_(None))
        .values(cancelled_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Conflict("account_cancelled", "该账户已注销")
    revoked = []
    for grant in db.session.scalars(sa.select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.revoked_at.is_(None))).all():
        grant.revoked_at, grant.revoked_by_id = now, actor_id
        revoked.append(grant.id)
        record_revoke(actor_id, grant, reason="account_cancel")
    db.session.execute(sa.update(AdminGrantRequest).where(
        AdminGrantRequest.user_id == user.id, AdminGrantRequest.status == "pending")
        .values(status="rejected", decided_at=now))
    db.session.execute(sa.update(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now))
    forget_user(user.id)  # bulk SQL: every process drops its kept copy after the commit
    for kind, row in current_consents(user.id).items():
        if row is not None and row.granted:
            db.session.add(Consent(user_id=user.id, kind=kind, granted=False, at=now))
    erased = {
        "household_bindings": _erase_in("household_bindings", "user_id", user.id),
        "notifications": _erase_in("notifications", "user_id", user.id),
        "idempotency_keys": _erase_in("idempotency_keys", "user_id", user.id),
        "service_requests": _erase_in("service_requests", "resident_id", user.id,
                                      description=ERASED_TEXT),
        "request_events": _erase_in("request_events", "actor_id", user.id, note=None),
        "party_registrations": _erase_in("party_registrations", "user_id", user.id,
                                         unit_name=ERASED_TEXT),
    }
    user.nickname = CANCELLED_NICKNAME
    user.phone = None
    user.unionid = None
    # Not an openid WeChat could ever send (it has a colon): no login reaches this row again.
    user.openid = f"cancelled:{user.id}:{secrets.token_hex(8)}"
    user.cancelled_at = now
    db.session.flush()
    record("account_cancel", actor_id=actor_id, target_type="user", target_id=user.id,
           details={"reason": reason, "grants_revoked": revoked,
                    "rows_erased": {k: v for k, v in erased.items() if v}})
    log.info("account cancelled user=%s reason=%s", user.id, reason)
    return user


def inactive_users(days: int, now: datetime | None = None) -> list[int]:
    """Ids of accounts with no login (or, never logged in, no creation) for `days` days."""
    before = (now or utcnow()) - timedelta(days=days)
    last_seen = sa.func.coalesce(User.last_login_at, User.created_at)
    return list(db.session.scalars(sa.select(User.id).where(
        User.cancelled_at.is_(None), last_seen < before).order_by(User.id)))
