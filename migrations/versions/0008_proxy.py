"""ordering without typing and proxy orders (代下单): preset phrases per service category, the
community's service phone, and who placed a request for whom with the resident's consent
(status `proposed` until a resident-paid proxy order is agreed to)

Revision ID: 0008_proxy
Revises: 0007_orgs
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_proxy'
down_revision = '0008_console'
branch_labels = None
depends_on = None

OLD_STATUSES = ('submitted', 'dispatched', 'pooled', 'accepted', 'in_service', 'completed',
                'confirmed', 'disputed', 'cancelled')
NEW_STATUSES = ('proposed',) + OLD_STATUSES


def _status_check(batch_op, statuses):
    batch_op.drop_constraint(op.f('ck_service_requests_status_known'), type_='check')
    batch_op.create_check_constraint(op.f('ck_service_requests_status_known'),
                                     f"status IN {statuses!r}")


def upgrade():
    with op.batch_alter_table('service_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phrases', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_phone', sa.String(length=20), nullable=True))
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('placed_as', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('consent', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('consent_note', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(op.f('fk_service_requests_placed_by_id_users'), 'users',
                                    ['placed_by_id'], ['id'])
        batch_op.create_index('ix_service_requests_placed_by', ['placed_by_id', 'id'],
                              unique=False)
        _status_check(batch_op, NEW_STATUSES)
        batch_op.create_check_constraint(
            op.f('ck_service_requests_proxy_known'),
            "(placed_by_id IS NULL AND placed_as IS NULL AND consent IS NULL) OR "
            "(placed_by_id IS NOT NULL AND placed_as IN ('staff', 'family') AND "
            "consent IN ('phone_call', 'in_person', 'family'))")


def downgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_service_requests_proxy_known'), type_='check')
        _status_check(batch_op, OLD_STATUSES)
        batch_op.drop_index('ix_service_requests_placed_by')
        batch_op.drop_constraint(op.f('fk_service_requests_placed_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('consent_note')
        batch_op.drop_column('consent')
        batch_op.drop_column('placed_as')
        batch_op.drop_column('placed_by_id')
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('service_phone')
    with op.batch_alter_table('service_categories', schema=None) as batch_op:
        batch_op.drop_column('phrases')
