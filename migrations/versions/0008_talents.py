"""银发人才库 talents and their tags, compound party secretary candidates with their checklist,
the owners' party-member ledger (业主党员台账)

Revision ID: 0008_talents
Revises: 0007_orgs
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_talents'
down_revision = '0007_orgs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('talents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('former_field', sa.String(length=32), nullable=False),
    sa.Column('former_unit', sa.String(length=100), nullable=False),
    sa.Column('party_member', sa.Boolean(), nullable=False),
    sa.Column('health_note', sa.String(length=200), nullable=False),
    sa.Column('availability_note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('birth_year BETWEEN 1900 AND 2100', name=op.f('ck_talents_birth_year_sane')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_talents_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_talents_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_talents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talents'))
    )
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.create_index('ix_talents_community_birth_year', ['community_id', 'birth_year'], unique=False)
        batch_op.create_index('ix_talents_community_field', ['community_id', 'former_field', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_user_id'), ['user_id'], unique=False)

    op.create_table('talent_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.CheckConstraint("kind IN ('expertise', 'willing')", name=op.f('ck_talent_tags_kind_known')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_talent_tags_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talent_tags')),
    sa.UniqueConstraint('talent_id', 'kind', 'value', name=op.f('uq_talent_tags_talent_id_kind_value'))
    )
    with op.batch_alter_table('talent_tags', schema=None) as batch_op:
        batch_op.create_index('ix_talent_tags_kind_value', ['kind', 'value', 'talent_id'], unique=False)

    op.create_table('secretary_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('recommended_by', sa.String(length=100), nullable=False),
    sa.Column('position', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verify_note', sa.String(length=200), nullable=False),
    sa.Column('appointed_by_id', sa.Integer(), nullable=True),
    sa.Column('appointed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seat_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'appointed') = (seat_id IS NOT NULL)", name=op.f('ck_secretary_candidates_seat_when_appointed')),
    sa.CheckConstraint("position IN ('head', 'deputy', 'member')", name=op.f('ck_secretary_candidates_position_known')),
    sa.CheckConstraint("source IN ('self', 'unit')", name=op.f('ck_secretary_candidates_source_known')),
    sa.CheckConstraint("status IN ('nominated', 'verified', 'appointed', 'rejected')", name=op.f('ck_secretary_candidates_status_known')),
    sa.CheckConstraint('talent_id IS NOT NULL OR user_id IS NOT NULL', name=op.f('ck_secretary_candidates_person_known')),
    sa.ForeignKeyConstraint(['appointed_by_id'], ['users.id'], name=op.f('fk_secretary_candidates_appointed_by_id_users')),
    sa.ForeignKeyConstraint(['body_id'], ['org_bodies.id'], name=op.f('fk_secretary_candidates_body_id_org_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_secretary_candidates_created_by_id_users')),
    sa.ForeignKeyConstraint(['seat_id'], ['org_seats.id'], name=op.f('fk_secretary_candidates_seat_id_org_seats')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_secretary_candidates_talent_id_talents')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_secretary_candidates_user_id_users')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_secretary_candidates_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secretary_candidates'))
    )
    with op.batch_alter_table('secretary_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secretary_candidates_body_id'), ['body_id'], unique=False)

    op.create_table('candidate_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=24), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("item IN ('political_quality', 'work_style', 'age_fit', 'public_trust', 'capability', 'discipline_violation', 'criminal_record', 'dishonest_or_gang')", name=op.f('ck_candidate_checks_item_known')),
    sa.CheckConstraint("result IN ('met', 'not_met', 'clear', 'hit')", name=op.f('ck_candidate_checks_result_known')),
    sa.ForeignKeyConstraint(['candidate_id'], ['secretary_candidates.id'], name=op.f('fk_candidate_checks_candidate_id_secretary_candidates')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_candidate_checks_checked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_checks')),
    sa.UniqueConstraint('candidate_id', 'item', name=op.f('uq_candidate_checks_candidate_id_item'))
    )
    op.create_table('party_ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('registered', 'floating', 'grid')", name=op.f('ck_party_ledger_entries_source_known')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_party_ledger_entries_community_id_communities')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_party_ledger_entries_compound_id_compounds')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_party_ledger_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_party_ledger_entries_household_id_households')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_party_ledger_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_ledger_entries')),
    sa.UniqueConstraint('compound_id', 'source', 'name', 'phone', name='uq_party_ledger_entries_person')
    )
    with op.batch_alter_table('party_ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_party_ledger_entries_community', ['community_id', 'compound_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('party_ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_party_ledger_entries_community')

    op.drop_table('party_ledger_entries')
    op.drop_table('candidate_checks')
    with op.batch_alter_table('secretary_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secretary_candidates_body_id'))

    op.drop_table('secretary_candidates')
    with op.batch_alter_table('talent_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_talent_tags_kind_value')

    op.drop_table('talent_tags')
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talents_user_id'))
        batch_op.drop_index('ix_talents_community_field')
        batch_op.drop_index('ix_talents_community_birth_year')

    op.drop_table('talents')
