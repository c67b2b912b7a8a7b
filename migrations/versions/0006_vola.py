"""community limits: points per hour of volunteer shifts and the monthly make-up budget

Revision ID: 0006_vola
Revises: 0006_orda
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_vola'
down_revision = '0006_orda'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_points_per_hour', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('manual_budget_minutes', sa.Integer(), server_default='1200', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_communities_limits_nonnegative'),
            'max_points_per_hour >= 0 AND manual_budget_minutes >= 0')


def downgrade():
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_communities_limits_nonnegative'), type_='check')
        batch_op.drop_column('manual_budget_minutes')
        batch_op.drop_column('max_points_per_hour')
