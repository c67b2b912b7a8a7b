"""service requests priced at creation, dispatch counter, escalation mark; category
resolve_hours; role street_admin scoped by street_id

Revision ID: 0006_orda
Revises: 0006_volb
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_orda'
down_revision = '0006_volb'
branch_labels = None
depends_on = None

OLD_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'admin')
NEW_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'admin')


def upgrade():
    with op.batch_alter_table('service_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolve_hours', sa.Integer(), server_default='72',
                                      nullable=False))

    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('points_per_hour', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dispatches', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # Requests made before: priced at their category's current terms, dispatches counted
    # from their timeline.
    for column in ('payer', 'points_per_hour', 'max_minutes'):
        op.execute(f"UPDATE service_requests SET {column} = (SELECT c.{column} FROM "
                   "service_categories c WHERE c.id = service_requests.category_id)")
    op.execute("UPDATE service_requests SET dispatches = (SELECT count(*) FROM request_events e "
               "WHERE e.request_id = service_requests.id AND e.action = 'dispatch')")
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.alter_column('payer', existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column('points_per_hour', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('max_minutes', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_street_id_streets'), 'streets',
                                    ['street_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {NEW_ROLES!r}")


def downgrade():
    op.execute("DELETE FROM role_grants WHERE role = 'street_admin'")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {OLD_ROLES!r}")
        batch_op.drop_constraint(batch_op.f('fk_role_grants_street_id_streets'),
                                 type_='foreignkey')
        batch_op.drop_column('street_id')

    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('dispatches')
        batch_op.drop_column('max_minutes')
        batch_op.drop_column('points_per_hour')
        batch_op.drop_column('payer')

    with op.batch_alter_table('service_categories', schema=None) as batch_op:
        batch_op.drop_column('resolve_hours')
