"""信托制物业: a compound's co-managed account (共管账户), its entries, monthly reconciliation
with the bank, and households' requests for a recheck (复核).

Amounts are integers in fen (分). An entry is entered by one side (`property`: the property
company; `owners_committee`: the owners' committee or 自管委) as `pending` and counts once a
member of the other side co-signs it (`counted`), or never (`rejected`). Entries are never
edited or deleted (on PostgreSQL a trigger refuses it once an entry is decided); a mistake is
reversed by a new entry (`reverses_id`) that counts the same way.

Each counted entry takes the account's next sequence number, the running balance and a hash
chained to the previous counted entry; the account caches balance, public income, count and
the chain's head, all rechecked by `flask trust verify`.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

GENESIS_HASH = "0" * 64
ENTRY_KINDS = ("income", "expense")
SIDES = ("property", "owners_committee")
ENTRY_STATUSES = ("pending", "counted", "rejected")
# code -> (kind, public income (公共收益, belongs to the owners), label)
CATEGORIES = {
    "property_fee": ("income", False, "物业费"),
    "parking": ("income", True, "公共车位停车收益"),
    "advertising": ("income", True, "广告收益"),
    "venue_rent": ("income", True, "公共场地租赁收益"),
    "other_public_income": ("income", True, "其他公共收益"),
    "other_income": ("income", False, "其他收入"),
    "cleaning": ("expense", False, "保洁"),
    "security": ("expense", False, "秩序维护"),
    "greening": ("expense", False, "绿化养护"),
    "repair": ("expense", False, "维修养护"),
    "utilities": ("expense", False, "公共水电"),
    "staff": ("expense", False, "人员薪酬"),
    "trustee_fee": ("expense", False, "物业服务酬金"),
    "other_expense": ("expense", False, "其他支出"),
}


class TrustAccount(db.Model):
    __tablename__ = "trust_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), unique=True)
    bank_name: Mapped[str] = mapped_column(sa.String(64), default="")
    account_tail: Mapped[str] = mapped_column(sa.String(4), default="")
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    balance_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    public_income_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    entries: Mapped[int] = mapped_column(sa.Integer, default=0)
    head_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)

    def __repr__(self):
        return f"<TrustAccount {self.id} compound={self.compound_id}>"


class TrustEntry(db.Model):
    __tablename__ = "trust_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("trust_accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    category: Mapped[str] = mapped_column(sa.String(24))
    public: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    counterparty: Mapped[str] = mapped_column(sa.String(64))
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    memo: Mapped[str] = mapped_column(sa.String(500), default="")
    side: Mapped[str] = mapped_column(sa.String(20))
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The expense's authority: a consultation (its own domain; plain id) or a 大党委 project.
    consultation_id: Mapped[int | None] = mapped_column(sa.Integer)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committee_projects.id"))
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trust_entries.id"))
    status: Mapped[str] = mapped_column(sa.String(8), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    seq: Mapped[int | None] = mapped_column(sa.Integer)
    balance_after: Mapped[int | None] = mapped_column(sa.BigInteger)
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {ENTRY_KINDS!r}", name="kind_known"),
        sa.CheckConstraint(f"side IN {SIDES!r}", name="side_known"),
        sa.CheckConstraint(f"status IN {ENTRY_STATUSES!r}", name="status_known"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint("(status = 'counted') = (seq IS NOT NULL AND hash IS NOT NULL AND "
                           "balance_after IS NOT NULL)", name="counted_in_chain"),
        sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided"),
        sa.UniqueConstraint("account_id", "seq"),
        # One live reversal per entry (a rejected one leaves room for another).
        sa.Index("uq_trust_entries_reverses", "reverses_id", unique=True,
                 sqlite_where=sa.text("status != 'rejected'"),
                 postgresql_where=sa.text("status != 'rejected'")),
        sa.Index("ix_trust_entries_account_occurred", "account_id", "occurred_on"),
    )

    @property
    def effect(self) -> int:
        """What the entry does to the balance once counted."""
        signed = self.amount_fen if self.kind == "income" else -self.amount_fen
        return -signed if self.reverses_id is not None else signed

    def __repr__(self):
        return f"<TrustEntry {self.id} {self.kind} {self.amount_fen} {self.status}>"


class TrustReconciliation(db.Model):
    """The bank's closing balance of a month against the book's, once per month."""

    __tablename__ = "trust_reconciliations"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("trust_accounts.id"))
    month: Mapped[date] = mapped_column(sa.Date)  # its first day
    bank_closing_fen: Mapped[int] = mapped_column(sa.BigInteger)
    book_closing_fen: Mapped[int] = mapped_column(sa.BigInteger)
    difference_fen: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("account_id", "month"),
        sa.CheckConstraint("difference_fen = bank_closing_fen - book_closing_fen",
                           name="difference_sane"),
    )

    def __repr__(self):
        return f"<TrustReconciliation {self.id} account={self.account_id} {self.month}>"


class TrustRecheck(db.Model):
    """A household's request to recheck an entry (复核), answered by the side that did not
    enter it, by `due_at`; public to the compound."""

    __tablename__ = "trust_rechecks"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("trust_accounts.id"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("trust_entries.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(sa.String(500))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer_side: Mapped[str] = mapped_column(sa.String(20))
    answer: Mapped[str] = mapped_column(sa.String(1000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household = relationship("Household", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"answer_side IN {SIDES!r}", name="answer_side_known"),
        sa.CheckConstraint("(answered_at IS NULL) = (answered_by_id IS NULL)",
                           name="answered_sane"),
    )

    def __repr__(self):
        return f"<TrustRecheck {self.id} entry={self.entry_id}>"
