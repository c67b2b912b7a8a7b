"""mediation cases and evaluation campaigns; roles mediator (scoped by community) and
org_dept (global)

Revision ID: 0006_medev
Revises: 0006_files
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_medev'
down_revision = '0006_files'
branch_labels = None
depends_on = None

OLD_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'admin')
NEW_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'admin')


def upgrade():
    op.create_table('evaluation_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ratings_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('honours_named_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_evaluation_campaigns_window_sane')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_evaluation_campaigns_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_evaluation_campaigns_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_campaigns'))
    )
    with op.batch_alter_table('evaluation_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_community_id'), ['community_id'], unique=False)

    op.create_table('mediation_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('address', sa.String(length=128), nullable=False),
    sa.Column('address_key', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_note', sa.String(length=500), nullable=False),
    sa.Column('referred_to', sa.String(length=100), nullable=False),
    sa.Column('agreement_file_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_result', sa.String(length=12), nullable=True),
    sa.Column('follow_up_note', sa.String(length=500), nullable=False),
    sa.Column('follow_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('follow_up_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'open' AND outcome IS NULL AND closed_at IS NULL) OR (status = 'closed' AND outcome IS NOT NULL AND closed_at IS NOT NULL)", name=op.f('ck_mediation_cases_closed_with_outcome')),
    sa.CheckConstraint("follow_up_result IN ('kept', 'partly_kept', 'broken')", name=op.f('ck_mediation_cases_follow_up_result_known')),
    sa.CheckConstraint("kind IN ('neighbour', 'family', 'property', 'other')", name=op.f('ck_mediation_cases_kind_known')),
    sa.CheckConstraint("outcome IN ('agreed', 'failed', 'referred')", name=op.f('ck_mediation_cases_outcome_known')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_mediation_cases_status_known')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_mediation_cases_closed_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mediation_cases_community_id_communities')),
    sa.ForeignKeyConstraint(['follow_up_by_id'], ['users.id'], name=op.f('fk_mediation_cases_follow_up_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_mediation_cases_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_cases'))
    )
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_cases_community_address', ['community_id', 'address_key'], unique=False)
        batch_op.create_index('ix_mediation_cases_community_opened', ['community_id', 'opened_at'], unique=False)

    op.create_table('evaluation_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('party_member', 'compound_party_org', 'partner')", name=op.f('ck_evaluation_targets_kind_known')),
    sa.ForeignKeyConstraint(['campaign_id'], ['evaluation_campaigns.id'], name=op.f('fk_evaluation_targets_campaign_id_evaluation_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_targets')),
    sa.UniqueConstraint('campaign_id', 'kind', 'ref_id', name=op.f('uq_evaluation_targets_campaign_id_kind_ref_id'))
    )
    op.create_table('mediation_case_mediators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], name=op.f('fk_mediation_case_mediators_case_id_mediation_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mediation_case_mediators_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_case_mediators')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_mediation_case_mediators_case_id_user_id'))
    )
    with op.batch_alter_table('mediation_case_mediators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_mediators_user_id'), ['user_id'], unique=False)

    op.create_table('mediation_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], name=op.f('fk_mediation_sessions_case_id_mediation_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_mediation_sessions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_sessions'))
    )
    with op.batch_alter_table('mediation_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_sessions_case_id'), ['case_id'], unique=False)

    op.create_table('evaluation_honours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('final_rank', sa.Integer(), nullable=False),
    sa.Column('named_by_id', sa.Integer(), nullable=False),
    sa.Column('named_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['evaluation_campaigns.id'], name=op.f('fk_evaluation_honours_campaign_id_evaluation_campaigns')),
    sa.ForeignKeyConstraint(['named_by_id'], ['users.id'], name=op.f('fk_evaluation_honours_named_by_id_users')),
    sa.ForeignKeyConstraint(['target_id'], ['evaluation_targets.id'], name=op.f('fk_evaluation_honours_target_id_evaluation_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_honours')),
    sa.UniqueConstraint('target_id', name=op.f('uq_evaluation_honours_target_id'))
    )
    with op.batch_alter_table('evaluation_honours', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_honours_profile', ['kind', 'ref_id'], unique=False)

    op.create_table('evaluation_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=10), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("body IN ('street', 'org_dept')", name=op.f('ck_evaluation_reviews_body_known')),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_evaluation_reviews_score_range')),
    sa.ForeignKeyConstraint(['campaign_id'], ['evaluation_campaigns.id'], name=op.f('fk_evaluation_reviews_campaign_id_evaluation_campaigns')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_evaluation_reviews_reviewer_id_users')),
    sa.ForeignKeyConstraint(['target_id'], ['evaluation_targets.id'], name=op.f('fk_evaluation_reviews_target_id_evaluation_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_reviews')),
    sa.UniqueConstraint('target_id', 'body', name=op.f('uq_evaluation_reviews_target_id_body'))
    )
    with op.batch_alter_table('evaluation_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_reviews_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('evaluation_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('comment_ok', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_evaluation_scores_score_range')),
    sa.ForeignKeyConstraint(['campaign_id'], ['evaluation_campaigns.id'], name=op.f('fk_evaluation_scores_campaign_id_evaluation_campaigns')),
    sa.ForeignKeyConstraint(['target_id'], ['evaluation_targets.id'], name=op.f('fk_evaluation_scores_target_id_evaluation_targets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_scores_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_scores')),
    sa.UniqueConstraint('target_id', 'user_id', name=op.f('uq_evaluation_scores_target_id_user_id'))
    )
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_scores_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_scores_user_id'), ['user_id'], unique=False)

    op.create_table('mediation_session_mediators',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['mediation_sessions.id'], name=op.f('fk_mediation_session_mediators_session_id_mediation_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mediation_session_mediators_user_id_users')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_mediation_session_mediators'))
    )
    op.create_table('mediation_team_helps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], name=op.f('fk_mediation_team_helps_case_id_mediation_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_mediation_team_helps_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_teams.id'], name=op.f('fk_mediation_team_helps_team_id_volunteer_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_team_helps')),
    sa.UniqueConstraint('case_id', 'team_id', name=op.f('uq_mediation_team_helps_case_id_team_id'))
    )
    with op.batch_alter_table('mediation_team_helps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_team_helps_team_id'), ['team_id'], unique=False)

    op.create_table('mediation_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], name=op.f('fk_mediation_parties_case_id_mediation_cases')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_mediation_parties_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_parties'))
    )
    with op.batch_alter_table('mediation_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_parties_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_parties_household_id'), ['household_id'], unique=False)

    op.create_table('mediation_duties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('duty', sa.String(length=500), nullable=False),
    sa.Column('method', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], name=op.f('fk_mediation_duties_case_id_mediation_cases')),
    sa.ForeignKeyConstraint(['party_id'], ['mediation_parties.id'], name=op.f('fk_mediation_duties_party_id_mediation_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_duties'))
    )
    with op.batch_alter_table('mediation_duties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_duties_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {NEW_ROLES!r}")



def downgrade():
    op.execute("DELETE FROM role_grants WHERE role IN ('mediator', 'org_dept')")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {OLD_ROLES!r}")

    with op.batch_alter_table('mediation_duties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_duties_case_id'))

    op.drop_table('mediation_duties')
    with op.batch_alter_table('mediation_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_parties_household_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_parties_case_id'))

    op.drop_table('mediation_parties')
    with op.batch_alter_table('mediation_team_helps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_team_helps_team_id'))

    op.drop_table('mediation_team_helps')
    op.drop_table('mediation_session_mediators')
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_campaign_id'))

    op.drop_table('evaluation_scores')
    with op.batch_alter_table('evaluation_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_reviews_campaign_id'))

    op.drop_table('evaluation_reviews')
    with op.batch_alter_table('evaluation_honours', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_honours_profile')

    op.drop_table('evaluation_honours')
    with op.batch_alter_table('mediation_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_sessions_case_id'))

    op.drop_table('mediation_sessions')
    with op.batch_alter_table('mediation_case_mediators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_mediators_user_id'))

    op.drop_table('mediation_case_mediators')
    op.drop_table('evaluation_targets')
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_cases_community_opened')
        batch_op.drop_index('ix_mediation_cases_community_address')

    op.drop_table('mediation_cases')
    with op.batch_alter_table('evaluation_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_community_id'))

    op.drop_table('evaluation_campaigns')
