from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.masking import mask_phone
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

CONSENT_KINDS = ("location", "phone")
ADMIN_REQUEST_STATUSES = ("pending", "approved", "rejected")
ROLES = ("resident", "volunteer", "party_member", "partner_member", "merchant", "staff",
         "street_admin", "mediator", "org_dept", "grid_worker", "owners_committee", "property",
         "admin")
# Which scope column each role carries; roles missing here are global (org_dept: the district
# party organisation department, 组织部).
ROLE_SCOPE = {
    "staff": "community_id",
    "grid_worker": "grid_id",
    "street_admin": "street_id",
    "mediator": "community_id",
    "volunteer": "community_id",
    "party_member": "community_id",
    "partner_member": "partner_id",
    "merchant": "merchant_id",
    "owners_committee": "compound_id",
    "property": "compound_id",
}
# Columns a grant also fills from its scope, for lookups: a grid worker's (网格员) grant carries
# its grid's community, so staff list and manage it with their community's grants.
ROLE_CONTEXT = {"grid_worker": "community_id"}
# Held while the user has a seat on the compound's owners' committee (or self-management
# committee) or property company: granted and revoked with the seats, never by hand.
SEAT_ROLES = ("owners_committee", "property")


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(sa.String(64))
    nickname: Mapped[str] = mapped_column(sa.String(64), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the account is cancelled (注销): its personal data is then erased.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list["RoleGrant"]] = relationship(
        primaryjoin="and_(User.id == RoleGrant.user_id, RoleGrant.revoked_at.is_(None))",
        viewonly=True, foreign_keys="RoleGrant.user_id")

    @property
    def phone_masked(self) -> str | None:
        return mask_phone(self.phone)

    def __repr__(self):
        return f"<User {self.id}>"


class AuthSession(db.Model):
    """One issued token. Revoking the row ends the token everywhere at once."""

    __tablename__ = "auth_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(sa.String(43), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self):
        return f"<AuthSession {self.id} user={self.user_id}>"


class RoleGrant(db.Model):
    """A role held by a user within a scope; revoked rows stay as the record of who did what."""

    __tablename__ = "role_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"))
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id"))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grids.id"))
    partner_id: Mapped[int | None] = mapped_column(sa.Integer)
    merchant_id: Mapped[int | None] = mapped_column(sa.Integer)
    compound_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compounds.id"))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        sa.Index("ix_role_grants_role_scope", "role", "community_id"),
        sa.Index("ix_role_grants_grid_id", "grid_id"),
        sa.Index("ix_role_grants_role_compound", "role", "compound_id"),
    )

    @property
    def scope(self) -> dict:
        key = ROLE_SCOPE.get(self.role)
        if not key:
            return {}
        context = ROLE_CONTEXT.get(self.role)
        return {key: getattr(self, key), **({context: getattr(self, context)} if context else {})}

    def __repr__(self):
        return f"<RoleGrant {self.id} {self.role} user={self.user_id}>"


class Consent(db.Model):
    """A user's consent to one use of personal information, or its withdrawal, with its time.

    Rows are only added: the latest row of a kind is the one in force, the rest is the record.
    """

    __tablename__ = "user_consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    granted: Mapped[bool] = mapped_column(sa.Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {CONSENT_KINDS!r}", name="kind_known"),
        sa.Index("ix_user_consents_user_kind", "user_id", "kind", "id"),
    )

    def __repr__(self):
        return f"<Consent {self.id} {self.kind}={self.granted} user={self.user_id}>"


class AdminGrantRequest(db.Model):
    """Making someone an admin: one admin asks, another approves; only then is the role granted.

    (`flask grant-admin` on the server is the other way, for the first admin.)
    """

    __tablename__ = "admin_grant_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("role_grants.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {ADMIN_REQUEST_STATUSES!r}", name="status_known"),
        # At most one pending request per future admin.
        sa.Index("uq_admin_grant_requests_pending", "user_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"),
                 postgresql_where=sa.text("status = 'pending'")),
    )

    def __repr__(self):
        return f"<AdminGrantRequest {self.id} user={self.user_id} {self.status}>"


CONSOLE_TICKET_STATUSES = ("pending", "confirmed", "expired")


class ConsoleTicket(db.Model):
    """A one-time login of the staff web console: the ticket is shown as a QR, a signed-in
    staff member confirms it from the mini-program, and the browser that asked for it collects
    the token with its poll secret (only its hash is kept). `flask console-login` makes one
    already confirmed, for development.

    Polling (a GET) hands the token out once and marks the ticket collected: the only write a
    read may make to this table.
    """

    __tablename__ = "console_tickets"
    __written_on_read__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(sa.String(64), unique=True)
    poll_secret_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Until then it may be confirmed; once confirmed, until then it may be collected.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_sessions.id"))
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[AuthSession | None] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_console_tickets_expires_at", "expires_at"),)

    def __repr__(self):
        return f"<ConsoleTicket {self.id} user={self.user_id}>"
