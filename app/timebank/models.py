"""Ledger tables: accounts, transfers, postings, four-eyes adjustments.

Double entry: every movement is one `Transfer` with exactly two `Posting` rows (debit negative,
credit positive) of the same integer amount, so the sum of all postings is always zero.
Postings and transfers are append-only (a PostgreSQL trigger refuses UPDATE and DELETE); a
mistake is corrected by a reversal transfer that points at the original. The balance cached on
the account row changes only in the transaction that writes its posting, under a row lock.
Each posting carries `seq` (its position in the account's history) and a hash chained to the
previous posting of the same account, so that `flask timebank verify` finds any edit.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

ACCOUNT_KINDS = ("user", "hold", "community", "merchant", "system")
# Transfer kinds; a posting's kind is the same except for user-to-user transfers, where the
# payer sees `transfer_out` and the payee `transfer_in`.
TRANSFER_KINDS = ("service_credit", "shift_credit", "redeem", "refund", "transfer",
                  "adjustment", "hold", "release", "reversal")
POSTING_KINDS = tuple(k for k in TRANSFER_KINDS if k != "transfer") + ("transfer_in",
                                                                        "transfer_out")
GENESIS_HASH = "0" * 64
ADJUSTMENT_STATUSES = ("pending", "approved", "rejected")


class Account(db.Model):
    """A holder of points. `floor` is the lowest balance allowed (None: unbounded, system)."""

    __tablename__ = "tb_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"))
    # A merchant of the points mall (app.mall), named by its table only: the ledger imports
    # nothing of the mall.
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mall_merchants.id"))
    code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    floor: Mapped[int | None] = mapped_column(sa.BigInteger, default=0)
    balance: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    entries: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    head_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {ACCOUNT_KINDS!r}", name="kind_known"),
        sa.CheckConstraint("floor IS NULL OR balance >= floor", name="balance_above_floor"),
        sa.UniqueConstraint("kind", "user_id", name="uq_tb_accounts_kind_user_id"),
        sa.UniqueConstraint("kind", "community_id", name="uq_tb_accounts_kind_community_id"),
        sa.UniqueConstraint("kind", "merchant_id", name="uq_tb_accounts_kind_merchant_id"),
    )

    @property
    def budget(self) -> int | None:
        """For a community's issuing account: how far below zero it may go."""
        return None if self.floor is None else -self.floor

    def __repr__(self):
        return f"<Account {self.id} {self.kind} balance={self.balance}>"


class Transfer(db.Model):
    """One movement of `amount` points from `debit_account` to `credit_account`.

    `key` is unique and derived from the cause (`request:42:settle`): posting the same key
    again returns this row and changes nothing. `reverses_id` is unique, so a transfer can be
    reversed at most once.
    """

    __tablename__ = "tb_transfers"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    debit_account_id: Mapped[int] = mapped_column(sa.ForeignKey("tb_accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(sa.ForeignKey("tb_accounts.id"))
    ref: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    memo: Mapped[str] = mapped_column(sa.String(200), default="")
    minutes: Mapped[int] = mapped_column(sa.Integer, default=0)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tb_transfers.id"),
                                                    unique=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("debit_account_id != credit_account_id", name="two_accounts"),
        sa.CheckConstraint(f"kind IN {TRANSFER_KINDS!r}", name="kind_known"),
    )

    def __repr__(self):
        return f"<Transfer {self.id} {self.kind} {self.amount} key={self.key}>"


class Posting(db.Model):
    """One side of a transfer on one account; `amount` is negative for the debit."""

    __tablename__ = "tb_postings"
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("tb_transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("tb_accounts.id"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    balance_after: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hash: Mapped[str] = mapped_column(sa.String(64))

    transfer: Mapped[Transfer] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("account_id", "seq", name="uq_tb_postings_account_id_seq"),
        sa.Index("ix_tb_postings_account_id_id", "account_id", "id"),
        sa.CheckConstraint("amount != 0", name="amount_nonzero"),
    )

    def __repr__(self):
        return f"<Posting {self.id} account={self.account_id} {self.amount:+d}>"


class Adjustment(db.Model):
    """A correction asked for by one admin; it takes effect only when another admin approves.

    Either `amount` (signed: positive credits the user) or `reverse_transfer_id` is set.
    """

    __tablename__ = "tb_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    reverse_transfer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tb_transfers.id"))
    reason: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transfer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tb_transfers.id"))

    __table_args__ = (
        sa.CheckConstraint(f"status IN {ADJUSTMENT_STATUSES!r}", name="status_known"),
        sa.CheckConstraint("(amount IS NULL) != (reverse_transfer_id IS NULL)",
                           name="amount_or_reversal"),
    )

    def __repr__(self):
        return f"<Adjustment {self.id} {self.status}>"

