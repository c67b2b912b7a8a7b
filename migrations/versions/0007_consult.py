"""consultations (one household, one vote), renovation lists, elevator projects; households'
floor area

Revision ID: 0007_consult
Revises: 0007_feedback
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_consult'
down_revision = '0007_feedback'
branch_labels = None
depends_on = None

# On PostgreSQL the database itself keeps a consultation's promises, whatever SQL is sent:
# - a closed consultation never changes (its result is written once, by the close);
# - its roll changes only while it is a draft (it freezes at the opening);
# - ballots and votes are written only while it is open.
# TRUNCATE does not fire row triggers (the test fixture relies on it).
CLOSED_FROZEN_FUNCTION = """
CREATE OR REPLACE FUNCTION consultation_closed_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'consultation % is closed: % refused', OLD.id, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""
CHILD_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION consultation_child_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cid integer;
    current_status text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        cid := OLD.consultation_id;
    ELSE
        cid := NEW.consultation_id;
    END IF;
    SELECT status INTO current_status FROM consultations WHERE id = cid;
    IF current_status IS DISTINCT FROM TG_ARGV[0] THEN
        RAISE EXCEPTION '% on % refused: consultation % is %', TG_OP, TG_TABLE_NAME, cid,
            current_status;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""
# table -> the only status of its consultation in which its rows may change
CHILD_GUARDS = {'consultation_roll': 'draft', 'consultation_ballots': 'open',
                'consultation_votes': 'open'}


def upgrade():
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('option_labels', sa.JSON(), nullable=False),
    sa.Column('rule_kind', sa.String(length=16), nullable=False),
    sa.Column('threshold_pct', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=12), nullable=True),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('objections_close_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('roll_hash', sa.String(length=64), nullable=True),
    sa.Column('eligible_count', sa.Integer(), nullable=True),
    sa.Column('eligible_area', sa.BigInteger(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=8), nullable=True),
    sa.Column('voted_count', sa.Integer(), nullable=True),
    sa.Column('voted_area', sa.BigInteger(), nullable=True),
    sa.Column('agree_count', sa.Integer(), nullable=True),
    sa.Column('agree_area', sa.BigInteger(), nullable=True),
    sa.Column('disagree_count', sa.Integer(), nullable=True),
    sa.Column('disagree_area', sa.BigInteger(), nullable=True),
    sa.Column('abstain_count', sa.Integer(), nullable=True),
    sa.Column('abstain_area', sa.BigInteger(), nullable=True),
    sa.Column('receipts_hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint("(rule_kind = 'share_of_all' AND threshold_pct BETWEEN 50 AND 100) OR (rule_kind = 'civil_code_278' AND threshold_pct IS NULL)", name=op.f('ck_consultations_rule_complete')),
    sa.CheckConstraint("(status = 'draft' AND roll_hash IS NULL AND result IS NULL) OR (status = 'open' AND roll_hash IS NOT NULL AND result IS NULL) OR (status = 'closed' AND roll_hash IS NOT NULL AND result IS NOT NULL AND closed_at IS NOT NULL AND receipts_hash IS NOT NULL)", name=op.f('ck_consultations_status_consistent')),
    sa.CheckConstraint("origin IN ('renovation', 'elevator')", name=op.f('ck_consultations_origin_known')),
    sa.CheckConstraint("result IN ('passed', 'failed')", name=op.f('ck_consultations_result_known')),
    sa.CheckConstraint("rule_kind IN ('share_of_all', 'civil_code_278')", name=op.f('ck_consultations_rule_known')),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f('ck_consultations_status_known')),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_consultations_window_sane')),
    sa.CheckConstraint('unit IS NULL OR building_id IS NOT NULL', name=op.f('ck_consultations_unit_in_building')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_consultations_building_id_buildings')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_consultations_closed_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_consultations_community_id_communities')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_consultations_compound_id_compounds')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consultations_created_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_consultations_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_compound_id'), ['compound_id'], unique=False)
        batch_op.create_index('ix_consultations_status_opens_at', ['status', 'opens_at'], unique=False)

    op.create_table('elevator_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('floors', sa.Integer(), nullable=False),
    sa.Column('has_elevator', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('floors BETWEEN 1 AND 100', name=op.f('ck_elevator_ledger_floors_sane')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_elevator_ledger_building_id_buildings')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_elevator_ledger_community_id_communities')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_elevator_ledger_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elevator_ledger')),
    sa.UniqueConstraint('building_id', 'unit', name=op.f('uq_elevator_ledger_building_id_unit'))
    )
    with op.batch_alter_table('elevator_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elevator_ledger_community_id'), ['community_id'], unique=False)

    op.create_table('consultation_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(channel = 'app' AND user_id IS NOT NULL AND entered_by_id IS NULL) OR (channel = 'paper' AND user_id IS NULL AND entered_by_id IS NOT NULL AND file_id IS NOT NULL)", name=op.f('ck_consultation_ballots_channel_complete')),
    sa.CheckConstraint("channel IN ('app', 'paper')", name=op.f('ck_consultation_ballots_channel_known')),
    sa.CheckConstraint("choice IN ('agree', 'disagree', 'abstain')", name=op.f('ck_consultation_ballots_choice_known')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_ballots_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_consultation_ballots_entered_by_id_users')),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_consultation_ballots_file_id_files')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_consultation_ballots_household_id_households')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consultation_ballots_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_ballots')),
    sa.UniqueConstraint('receipt', name=op.f('uq_consultation_ballots_receipt'))
    )
    with op.batch_alter_table('consultation_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_ballots_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_ballots_user_id'), ['user_id'], unique=False)

    op.create_table('consultation_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.String(length=500), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'upheld', 'dismissed')", name=op.f('ck_consultation_objections_status_known')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_consultation_objections_answered_by_id_users')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_objections_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_consultation_objections_household_id_households')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consultation_objections_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_objections'))
    )
    with op.batch_alter_table('consultation_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_objections_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_roll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('area', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_roll_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_consultation_roll_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_roll')),
    sa.UniqueConstraint('consultation_id', 'household_id', name=op.f('uq_consultation_roll_consultation_id_household_id')),
    sa.UniqueConstraint('consultation_id', 'seq', name=op.f('uq_consultation_roll_consultation_id_seq'))
    )
    with op.batch_alter_table('consultation_roll', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_roll_household_id'), ['household_id'], unique=False)

    op.create_table('elevator_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('budget_fen', sa.BigInteger(), nullable=True),
    sa.Column('share_weights', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stage = 'survey' OR consultation_id IS NOT NULL", name=op.f('ck_elevator_projects_consent_with_consultation')),
    sa.CheckConstraint("stage IN ('survey', 'consent', 'funding', 'procurement', 'works', 'acceptance', 'in_service')", name=op.f('ck_elevator_projects_stage_known')),
    sa.CheckConstraint('budget_fen IS NULL OR budget_fen > 0', name=op.f('ck_elevator_projects_budget_positive')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_elevator_projects_building_id_buildings')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_elevator_projects_community_id_communities')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_elevator_projects_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_elevator_projects_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elevator_projects')),
    sa.UniqueConstraint('building_id', 'unit', name=op.f('uq_elevator_projects_building_id_unit'))
    )
    with op.batch_alter_table('elevator_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elevator_projects_community_id'), ['community_id'], unique=False)

    op.create_table('renovations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('report_note', sa.String(length=1000), nullable=False),
    sa.CheckConstraint("(status = 'reported') = (reported_at IS NOT NULL)", name=op.f('ck_renovations_reported_with_time')),
    sa.CheckConstraint("status = 'proposing' OR consultation_id IS NOT NULL", name=op.f('ck_renovations_consulted_with_consultation')),
    sa.CheckConstraint("status IN ('proposing', 'consulting', 'reported')", name=op.f('ck_renovations_status_known')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_renovations_community_id_communities')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_renovations_compound_id_compounds')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_renovations_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_renovations_created_by_id_users')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_renovations_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renovations'))
    )
    with op.batch_alter_table('renovations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renovations_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_renovations_compound_id'), ['compound_id'], unique=False)

    op.create_table('consultation_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IN ('agree', 'disagree', 'abstain')", name=op.f('ck_consultation_votes_choice_known')),
    sa.ForeignKeyConstraint(['ballot_id'], ['consultation_ballots.id'], name=op.f('fk_consultation_votes_ballot_id_consultation_ballots')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_votes_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_consultation_votes_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_votes')),
    sa.UniqueConstraint('consultation_id', 'household_id', name=op.f('uq_consultation_votes_consultation_id_household_id'))
    )
    op.create_table('elevator_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=12), nullable=True),
    sa.Column('to_stage', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_elevator_events_actor_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['elevator_projects.id'], name=op.f('fk_elevator_events_project_id_elevator_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elevator_events'))
    )
    with op.batch_alter_table('elevator_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elevator_events_project_id'), ['project_id'], unique=False)

    op.create_table('elevator_pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_elevator_pledges_amount_nonnegative')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_elevator_pledges_household_id_households')),
    sa.ForeignKeyConstraint(['project_id'], ['elevator_projects.id'], name=op.f('fk_elevator_pledges_project_id_elevator_projects')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_elevator_pledges_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elevator_pledges')),
    sa.UniqueConstraint('project_id', 'household_id', name=op.f('uq_elevator_pledges_project_id_household_id'))
    )
    op.create_table('renovation_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('renovation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('detail', sa.String(length=1000), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('curated_by_id', sa.Integer(), nullable=True),
    sa.Column('curated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'accepted', 'rejected')", name=op.f('ck_renovation_items_status_known')),
    sa.ForeignKeyConstraint(['curated_by_id'], ['users.id'], name=op.f('fk_renovation_items_curated_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_renovation_items_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['renovation_id'], ['renovations.id'], name=op.f('fk_renovation_items_renovation_id_renovations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renovation_items'))
    )
    with op.batch_alter_table('renovation_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renovation_items_renovation_id'), ['renovation_id'], unique=False)

    # area_m2: the floor area as an integer number of 0.01 m² (the model shows it in m²).
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_m2', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_households_area_positive'), 'area_m2 IS NULL OR area_m2 > 0')

    if op.get_bind().dialect.name == "postgresql":
        op.execute(CLOSED_FROZEN_FUNCTION)
        op.execute("CREATE TRIGGER consultation_closed_frozen BEFORE UPDATE OR DELETE ON "
                   "consultations FOR EACH ROW EXECUTE FUNCTION consultation_closed_frozen()")
        op.execute(CHILD_GUARD_FUNCTION)
        for table, status in CHILD_GUARDS.items():
            op.execute(f"CREATE TRIGGER {table}_guard BEFORE INSERT OR UPDATE OR DELETE ON "
                       f"{table} FOR EACH ROW EXECUTE FUNCTION consultation_child_guard('{status}')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in CHILD_GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
        op.execute("DROP TRIGGER IF EXISTS consultation_closed_frozen ON consultations")
        op.execute("DROP FUNCTION IF EXISTS consultation_child_guard()")
        op.execute("DROP FUNCTION IF EXISTS consultation_closed_frozen()")
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_households_area_positive'), type_='check')
        batch_op.drop_column('area_m2')

    with op.batch_alter_table('renovation_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renovation_items_renovation_id'))

    op.drop_table('renovation_items')
    op.drop_table('elevator_pledges')
    with op.batch_alter_table('elevator_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elevator_events_project_id'))

    op.drop_table('elevator_events')
    op.drop_table('consultation_votes')
    with op.batch_alter_table('renovations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renovations_compound_id'))
        batch_op.drop_index(batch_op.f('ix_renovations_community_id'))

    op.drop_table('renovations')
    with op.batch_alter_table('elevator_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elevator_projects_community_id'))

    op.drop_table('elevator_projects')
    with op.batch_alter_table('consultation_roll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_roll_household_id'))

    op.drop_table('consultation_roll')
    with op.batch_alter_table('consultation_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_objections_consultation_id'))

    op.drop_table('consultation_objections')
    with op.batch_alter_table('consultation_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_ballots_user_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_ballots_consultation_id'))

    op.drop_table('consultation_ballots')
    with op.batch_alter_table('elevator_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elevator_ledger_community_id'))

    op.drop_table('elevator_ledger')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_status_opens_at')
        batch_op.drop_index(batch_op.f('ix_consultations_compound_id'))
        batch_op.drop_index(batch_op.f('ix_consultations_community_id'))
        batch_op.drop_index(batch_op.f('ix_consultations_closes_at'))

    op.drop_table('consultations')
