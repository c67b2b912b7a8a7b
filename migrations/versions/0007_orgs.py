"""compound bodies (party organisations, owners' committees, supervisory boards,
self-management committees, property companies), seats, property class and 片区大物业 areas;
roles owners_committee and property scoped by compound; the 大党委's members, meetings
and projects; trust-property co-managed accounts (entries append-only on PostgreSQL)

Revision ID: 0007_orgs
Revises: 0007_consult
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_orgs'
down_revision = '0007_consult'
branch_labels = None
depends_on = None

OLD_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'grid_worker', 'admin')
NEW_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'grid_worker', 'owners_committee', 'property',
             'admin')

# A trust entry is never deleted; once co-signed or rejected it never changes, and while
# pending only its decision (status, who, when, chain place) may be written.
TRUST_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION trust_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status <> 'pending' OR
       (NEW.id, NEW.account_id, NEW.kind, NEW.amount_fen, NEW.category, NEW.public,
        NEW.counterparty, NEW.occurred_on, NEW.memo, NEW.side, NEW.entered_by_id,
        NEW.entered_at, NEW.consultation_id, NEW.project_id, NEW.reverses_id)
       IS DISTINCT FROM
       (OLD.id, OLD.account_id, OLD.kind, OLD.amount_fen, OLD.category, OLD.public,
        OLD.counterparty, OLD.occurred_on, OLD.memo, OLD.side, OLD.entered_by_id,
        OLD.entered_at, OLD.consultation_id, OLD.project_id, OLD.reverses_id) THEN
        RAISE EXCEPTION 'trust entries are append-only: % of entry % refused', TG_OP, OLD.id
            USING HINT = 'correct an entry with a reversal entry';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade():
    op.create_table('org_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('formation', sa.String(length=8), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dissolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dissolved_by_id', sa.Integer(), nullable=True),
    sa.Column('dissolve_reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint("(kind = 'compound_party') = (formation IS NOT NULL)", name=op.f('ck_org_bodies_formation_for_party')),
    sa.CheckConstraint("formation IN ('single', 'joint', 'area')", name=op.f('ck_org_bodies_formation_known')),
    sa.CheckConstraint("kind IN ('compound_party', 'owners_committee', 'supervisory_board', 'self_management', 'property_company')", name=op.f('ck_org_bodies_kind_known')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_org_bodies_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_org_bodies_created_by_id_users')),
    sa.ForeignKeyConstraint(['dissolved_by_id'], ['users.id'], name=op.f('fk_org_bodies_dissolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_bodies'))
    )
    with op.batch_alter_table('org_bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_bodies_community_id'), ['community_id'], unique=False)

    op.create_table('org_body_compounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("slot IN ('party', 'self_governing', 'supervisory', 'property')", name=op.f('ck_org_body_compounds_slot_known')),
    sa.ForeignKeyConstraint(['body_id'], ['org_bodies.id'], name=op.f('fk_org_body_compounds_body_id_org_bodies')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_org_body_compounds_compound_id_compounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_body_compounds'))
    )
    with op.batch_alter_table('org_body_compounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_body_compounds_body_id'), ['body_id'], unique=False)
        batch_op.create_index('uq_org_body_compounds_live', ['compound_id', 'slot'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('org_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=32), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('left_reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('head', 'deputy', 'member')", name=op.f('ck_org_seats_role_known')),
    sa.CheckConstraint('left_on IS NULL OR left_on >= term_start', name=op.f('ck_org_seats_left_sane')),
    sa.CheckConstraint('term_end IS NULL OR term_end >= term_start', name=op.f('ck_org_seats_term_sane')),
    sa.ForeignKeyConstraint(['body_id'], ['org_bodies.id'], name=op.f('fk_org_seats_body_id_org_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_org_seats_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_org_seats_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_seats'))
    )
    with op.batch_alter_table('org_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_seats_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_seats_user_id'), ['user_id'], unique=False)

    op.create_table('property_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_property_areas_community_id_communities')),
    sa.ForeignKeyConstraint(['company_id'], ['org_bodies.id'], name=op.f('fk_property_areas_company_id_org_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_property_areas_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_property_areas'))
    )
    with op.batch_alter_table('property_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_property_areas_community_id'), ['community_id'], unique=False)

    op.create_table('compound_profiles',
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('property_class', sa.String(length=10), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("area_id IS NULL OR property_class = 'scattered'", name=op.f('ck_compound_profiles_area_for_scattered')),
    sa.CheckConstraint("property_class IN ('managed', 'unmanaged', 'scattered')", name=op.f('ck_compound_profiles_property_class_known')),
    sa.ForeignKeyConstraint(['area_id'], ['property_areas.id'], name=op.f('fk_compound_profiles_area_id_property_areas')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_compound_profiles_compound_id_compounds')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_compound_profiles_updated_by_id_users')),
    sa.PrimaryKeyConstraint('compound_id', name=op.f('pk_compound_profiles'))
    )
    with op.batch_alter_table('compound_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compound_profiles_area_id'), ['area_id'], unique=False)

    op.create_table('committee_meeting_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_committee_meeting_reminders_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meeting_reminders')),
    sa.UniqueConstraint('community_id', 'year', 'quarter', name=op.f('uq_committee_meeting_reminders_community_id_year_quarter'))
    )
    op.create_table('committee_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('minutes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_committee_meetings_quarter_range')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_committee_meetings_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_committee_meetings_created_by_id_users')),
    sa.ForeignKeyConstraint(['minutes_by_id'], ['users.id'], name=op.f('fk_committee_meetings_minutes_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meetings'))
    )
    with op.batch_alter_table('committee_meetings', schema=None) as batch_op:
        batch_op.create_index('ix_committee_meetings_community_quarter', ['community_id', 'year', 'quarter'], unique=False)

    op.create_table('committee_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('position', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('unit', 'compound_party', 'property', 'owners_committee', 'cadre')", name=op.f('ck_committee_members_kind_known')),
    sa.CheckConstraint('left_on IS NULL OR left_on >= joined_on', name=op.f('ck_committee_members_left_sane')),
    sa.ForeignKeyConstraint(['body_id'], ['org_bodies.id'], name=op.f('fk_committee_members_body_id_org_bodies')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_committee_members_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_committee_members_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_committee_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_members'))
    )
    with op.batch_alter_table('committee_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_members_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_members_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('renovation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meetings.id'], name=op.f('fk_meeting_agenda_items_meeting_id_committee_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_items'))
    )
    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('committee_meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meetings.id'], name=op.f('fk_committee_meeting_attendance_meeting_id_committee_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['committee_members.id'], name=op.f('fk_committee_meeting_attendance_member_id_committee_members')),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_committee_meeting_attendance'))
    )
    op.create_table('committee_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('owner_member_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=1000), nullable=False),
    sa.Column('drop_reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_by_id', sa.Integer(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status IN ('done', 'dropped')) = (finished_at IS NOT NULL)", name=op.f('ck_committee_projects_finished_when_closed')),
    sa.CheckConstraint("status != 'dropped' OR drop_reason != ''", name=op.f('ck_committee_projects_dropped_with_reason')),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name=op.f('ck_committee_projects_status_known')),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_committee_projects_percent_range')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['meeting_agenda_items.id'], name=op.f('fk_committee_projects_agenda_item_id_meeting_agenda_items')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_committee_projects_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_committee_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['finished_by_id'], ['users.id'], name=op.f('fk_committee_projects_finished_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meetings.id'], name=op.f('fk_committee_projects_meeting_id_committee_meetings')),
    sa.ForeignKeyConstraint(['owner_member_id'], ['committee_members.id'], name=op.f('fk_committee_projects_owner_member_id_committee_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_projects'))
    )
    with op.batch_alter_table('committee_projects', schema=None) as batch_op:
        batch_op.create_index('ix_committee_projects_community_status', ['community_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_projects_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('committee_project_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_committee_project_progress_percent_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_committee_project_progress_author_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['committee_projects.id'], name=op.f('fk_committee_project_progress_project_id_committee_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_project_progress'))
    )
    with op.batch_alter_table('committee_project_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_project_progress_project_id'), ['project_id'], unique=False)

    op.create_table('trust_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('bank_name', sa.String(length=64), nullable=False),
    sa.Column('account_tail', sa.String(length=4), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('balance_fen', sa.BigInteger(), nullable=False),
    sa.Column('public_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_trust_accounts_compound_id_compounds')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_trust_accounts_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_accounts')),
    sa.UniqueConstraint('compound_id', name=op.f('uq_trust_accounts_compound_id'))
    )
    op.create_table('trust_reconciliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('bank_closing_fen', sa.BigInteger(), nullable=False),
    sa.Column('book_closing_fen', sa.BigInteger(), nullable=False),
    sa.Column('difference_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('difference_fen = bank_closing_fen - book_closing_fen', name=op.f('ck_trust_reconciliations_difference_sane')),
    sa.ForeignKeyConstraint(['account_id'], ['trust_accounts.id'], name=op.f('fk_trust_reconciliations_account_id_trust_accounts')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_trust_reconciliations_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_reconciliations')),
    sa.UniqueConstraint('account_id', 'month', name=op.f('uq_trust_reconciliations_account_id_month'))
    )
    op.create_table('trust_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('counterparty', sa.String(length=64), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('memo', sa.String(length=500), nullable=False),
    sa.Column('side', sa.String(length=20), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reject_reason', sa.String(length=500), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('balance_after', sa.BigInteger(), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint("(status = 'counted') = (seq IS NOT NULL AND hash IS NOT NULL AND balance_after IS NOT NULL)", name=op.f('ck_trust_entries_counted_in_chain')),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name=op.f('ck_trust_entries_decided')),
    sa.CheckConstraint("kind IN ('income', 'expense')", name=op.f('ck_trust_entries_kind_known')),
    sa.CheckConstraint("side IN ('property', 'owners_committee')", name=op.f('ck_trust_entries_side_known')),
    sa.CheckConstraint("status IN ('pending', 'counted', 'rejected')", name=op.f('ck_trust_entries_status_known')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_trust_entries_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['trust_accounts.id'], name=op.f('fk_trust_entries_account_id_trust_accounts')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_trust_entries_decided_by_id_users')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_trust_entries_entered_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['committee_projects.id'], name=op.f('fk_trust_entries_project_id_committee_projects')),
    sa.ForeignKeyConstraint(['reverses_id'], ['trust_entries.id'], name=op.f('fk_trust_entries_reverses_id_trust_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_entries')),
    sa.UniqueConstraint('account_id', 'seq', name=op.f('uq_trust_entries_account_id_seq'))
    )
    with op.batch_alter_table('trust_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_entries_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_trust_entries_account_occurred', ['account_id', 'occurred_on'], unique=False)
        batch_op.create_index('uq_trust_entries_reverses', ['reverses_id'], unique=True, sqlite_where=sa.text("status != 'rejected'"), postgresql_where=sa.text("status != 'rejected'"))

    op.create_table('trust_rechecks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer_side', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.String(length=1000), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("answer_side IN ('property', 'owners_committee')", name=op.f('ck_trust_rechecks_answer_side_known')),
    sa.CheckConstraint('(answered_at IS NULL) = (answered_by_id IS NULL)', name=op.f('ck_trust_rechecks_answered_sane')),
    sa.ForeignKeyConstraint(['account_id'], ['trust_accounts.id'], name=op.f('fk_trust_rechecks_account_id_trust_accounts')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_trust_rechecks_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_trust_rechecks_asked_by_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['trust_entries.id'], name=op.f('fk_trust_rechecks_entry_id_trust_entries')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_trust_rechecks_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_rechecks'))
    )
    with op.batch_alter_table('trust_rechecks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_rechecks_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trust_rechecks_entry_id'), ['entry_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(TRUST_APPEND_ONLY)
        op.execute("CREATE TRIGGER trust_entries_append_only BEFORE UPDATE OR DELETE ON "
                   "trust_entries FOR EACH ROW EXECUTE FUNCTION trust_entries_append_only()")

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compound_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_role_grants_role_compound', ['role', 'compound_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_compound_id_compounds'), 'compounds', ['compound_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {NEW_ROLES!r}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trust_entries_append_only ON trust_entries")
        op.execute("DROP FUNCTION IF EXISTS trust_entries_append_only()")
    with op.batch_alter_table('trust_rechecks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_rechecks_entry_id'))
        batch_op.drop_index(batch_op.f('ix_trust_rechecks_account_id'))

    op.drop_table('trust_rechecks')
    with op.batch_alter_table('trust_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_trust_entries_reverses', sqlite_where=sa.text("status != 'rejected'"), postgresql_where=sa.text("status != 'rejected'"))
        batch_op.drop_index('ix_trust_entries_account_occurred')
        batch_op.drop_index(batch_op.f('ix_trust_entries_account_id'))

    op.drop_table('trust_entries')
    op.drop_table('trust_reconciliations')
    op.drop_table('trust_accounts')
    op.execute("DELETE FROM role_grants WHERE role IN ('owners_committee', 'property')")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {OLD_ROLES!r}")
        batch_op.drop_constraint(batch_op.f('fk_role_grants_compound_id_compounds'), type_='foreignkey')
        batch_op.drop_index('ix_role_grants_role_compound')
        batch_op.drop_column('compound_id')

    with op.batch_alter_table('committee_project_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_project_progress_project_id'))

    op.drop_table('committee_project_progress')
    with op.batch_alter_table('committee_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_projects_meeting_id'))
        batch_op.drop_index('ix_committee_projects_community_status')

    op.drop_table('committee_projects')
    op.drop_table('committee_meeting_attendance')
    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_agenda_items_meeting_id'))

    op.drop_table('meeting_agenda_items')
    with op.batch_alter_table('committee_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_committee_members_community_id'))

    op.drop_table('committee_members')
    with op.batch_alter_table('committee_meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_committee_meetings_community_quarter')

    op.drop_table('committee_meetings')
    op.drop_table('committee_meeting_reminders')


    with op.batch_alter_table('compound_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compound_profiles_area_id'))

    op.drop_table('compound_profiles')
    with op.batch_alter_table('property_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_property_areas_community_id'))

    op.drop_table('property_areas')
    with op.batch_alter_table('org_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_seats_user_id'))
        batch_op.drop_index(batch_op.f('ix_org_seats_body_id'))

    op.drop_table('org_seats')
    with op.batch_alter_table('org_body_compounds', schema=None) as batch_op:
        batch_op.drop_index('uq_org_body_compounds_live', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_org_body_compounds_body_id'))

    op.drop_table('org_body_compounds')
    with op.batch_alter_table('org_bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_bodies_community_id'))

    op.drop_table('org_bodies')
