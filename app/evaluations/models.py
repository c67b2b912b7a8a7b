"""Evaluation campaigns (评议): targets, residents' scores, the street's and the organisation
department's reviews, and the honours named from the final list.

A target's `ref_id` is a user id for `party_member`, a partner id for `partner` (and the
`compound_party` body's id in app/organisations for `compound_party_org`); scores name the
target row (`target_id`), since a partner and a party member can share an id. One score per
resident per target and one review per body per target are unique indexes, so a retried or
concurrent score replaces the earlier one instead of adding a second.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

TARGET_KINDS = ("party_member", "compound_party_org", "partner")
REVIEW_BODIES = ("street", "org_dept")


class Campaign(db.Model):
    __tablename__ = "evaluation_campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Partners' ratings of service requests confirmed from here until `closes_at` count too.
    ratings_from: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    honours_named_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    targets: Mapped[list["Target"]] = relationship(order_by="Target.id", lazy="selectin")

    __table_args__ = (sa.CheckConstraint("opens_at < closes_at", name="window_sane"),)

    def __repr__(self):
        return f"<Campaign {self.id} {self.title}>"


class Target(db.Model):
    __tablename__ = "evaluation_targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_campaigns.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    ref_id: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {TARGET_KINDS!r}", name="kind_known"),
        sa.UniqueConstraint("campaign_id", "kind", "ref_id"),
    )

    def __repr__(self):
        return f"<Target {self.id} {self.kind}:{self.ref_id}>"


class Score(db.Model):
    """A resident's score of one target; replaced (never duplicated) until the campaign closes."""

    __tablename__ = "evaluation_scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_campaigns.id"),
                                             index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_targets.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    score: Mapped[int] = mapped_column(sa.Integer)
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    # False while the content check could not run: the comment is shown to staff only.
    comment_ok: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        sa.UniqueConstraint("target_id", "user_id"),
    )

    def __repr__(self):
        return f"<Score {self.id} target={self.target_id} user={self.user_id}>"


class Review(db.Model):
    """The street's or the organisation department's score of a target (one each)."""

    __tablename__ = "evaluation_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_campaigns.id"),
                                             index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_targets.id"))
    body: Mapped[str] = mapped_column(sa.String(10))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    score: Mapped[int] = mapped_column(sa.Integer)
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"body IN {REVIEW_BODIES!r}", name="body_known"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        sa.UniqueConstraint("target_id", "body"),
    )

    def __repr__(self):
        return f"<Review {self.id} {self.body} target={self.target_id}>"


class Honour(db.Model):
    """A target named among the best of a campaign; shown on the person's or partner's
    profile (`kind`, `ref_id`)."""

    __tablename__ = "evaluation_honours"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_campaigns.id"))
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_targets.id"),
                                           unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    ref_id: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(64))
    final_rank: Mapped[int] = mapped_column(sa.Integer)
    named_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_evaluation_honours_profile", "kind", "ref_id"),)

    def __repr__(self):
        return f"<Honour {self.id} {self.kind}:{self.ref_id}>"
