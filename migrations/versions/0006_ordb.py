"""needs collected by staff on household visits (线下走访)

Revision ID: 0006_ordb
Revises: 0006_audit
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_ordb'
down_revision = '0006_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('collected_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['service_categories.id'], name=op.f('fk_collected_needs_category_id_service_categories')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_collected_needs_community_id_communities')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_collected_needs_household_id_households')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_collected_needs_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collected_needs'))
    )
    with op.batch_alter_table('collected_needs', schema=None) as batch_op:
        batch_op.create_index('ix_collected_needs_community', ['community_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('collected_needs', schema=None) as batch_op:
        batch_op.drop_index('ix_collected_needs_community')
    op.drop_table('collected_needs')
