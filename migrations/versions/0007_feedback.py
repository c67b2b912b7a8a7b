"""社情民意 feedback: reports, their events and "me too"; role grid_worker (网格员) scoped by
grid (role_grants.grid_id)

Revision ID: 0007_feedback
Revises: 0006_mp
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_feedback'
down_revision = '0006_mp'
branch_labels = None
depends_on = None

OLD_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'admin')
NEW_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'grid_worker', 'admin')


def upgrade():
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reporter_role', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('content_ok', sa.Boolean(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lng', sa.Float(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accept_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolve_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.String(length=1000), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transferred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('supporters', sa.Integer(), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.CheckConstraint("category IN ('sanitation', 'facility', 'security', 'neighbour', 'property', 'other')", name=op.f('ck_feedback_category_known')),
    sa.CheckConstraint("reporter_role IN ('resident', 'info_officer')", name=op.f('ck_feedback_reporter_role_known')),
    sa.CheckConstraint("status IN ('open', 'accepted', 'resolved', 'reopened', 'transferred', 'closed', 'closed_unresolved', 'merged')", name=op.f('ck_feedback_status_known')),
    sa.CheckConstraint('(lat IS NULL) = (lng IS NULL)', name=op.f('ck_feedback_point_complete')),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_feedback_rating_range')),
    sa.CheckConstraint('reopen_count BETWEEN 0 AND 1', name=op.f('ck_feedback_reopened_once')),
    sa.CheckConstraint('supporters >= 0', name=op.f('ck_feedback_supporters_nonnegative')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_feedback_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_author_id_users')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_feedback_building_id_buildings')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_feedback_community_id_communities')),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_feedback_grid_id_grids')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['feedback.id'], name=op.f('fk_feedback_merged_into_id_feedback')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_feedback_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_author_id', ['author_id', 'id'], unique=False)
        batch_op.create_index('ix_feedback_community_closed', ['community_id', 'closed_at'], unique=False)
        batch_op.create_index('ix_feedback_community_created', ['community_id', 'created_at'], unique=False)
        batch_op.create_index('ix_feedback_community_deadline', ['community_id', 'deadline_at', 'id'], unique=False)
        batch_op.create_index('ix_feedback_grid_deadline', ['grid_id', 'deadline_at', 'id'], unique=False)
        batch_op.create_index('ix_feedback_status_deadline', ['status', 'deadline_at'], unique=False)

    op.create_table('feedback_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_feedback_events_actor_id_users')),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_events_feedback_id_feedback')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_events'))
    )
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_events_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('feedback_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_supports_feedback_id_feedback')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_supports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_supports')),
    sa.UniqueConstraint('feedback_id', 'user_id', name=op.f('uq_feedback_supports_feedback_id_user_id'))
    )
    with op.batch_alter_table('feedback_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_supports_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grid_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_role_grants_grid_id', ['grid_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_grid_id_grids'), 'grids', ['grid_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {NEW_ROLES!r}")


def downgrade():
    op.execute("DELETE FROM role_grants WHERE role = 'grid_worker'")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {OLD_ROLES!r}")
        batch_op.drop_constraint(batch_op.f('fk_role_grants_grid_id_grids'), type_='foreignkey')
        batch_op.drop_index('ix_role_grants_grid_id')
        batch_op.drop_column('grid_id')

    with op.batch_alter_table('feedback_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_supports_user_id'))

    op.drop_table('feedback_supports')
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_events_feedback_id'))

    op.drop_table('feedback_events')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_status_deadline')
        batch_op.drop_index('ix_feedback_grid_deadline')
        batch_op.drop_index('ix_feedback_community_deadline')
        batch_op.drop_index('ix_feedback_community_created')
        batch_op.drop_index('ix_feedback_community_closed')
        batch_op.drop_index('ix_feedback_author_id')

    op.drop_table('feedback')
