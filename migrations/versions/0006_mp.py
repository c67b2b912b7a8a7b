"""notifications: the page each item opens, and what became of its WeChat message;
buildings: their GCJ-02 position

Revision ID: 0006_mp
Revises: 0006_medev
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_mp'
down_revision = '0006_medev'
branch_labels = None
depends_on = None

PUSH_STATUSES = ("sent", "not_subscribed", "no_template", "failed")


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page', sa.String(length=255), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('push_status', sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(op.f('ck_notifications_push_status_known'),
                                         f"push_status IN {PUSH_STATUSES!r}")
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('lng', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_column('lng')
        batch_op.drop_column('lat')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_push_status_known'), type_='check')
        batch_op.drop_column('push_status')
        batch_op.drop_column('page')
