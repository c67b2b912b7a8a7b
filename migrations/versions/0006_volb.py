"""volunteer passes: how each end of an attendance was proven, and used passes

Revision ID: 0006_volb
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_volb'
down_revision = '0005'
branch_labels = None
depends_on = None

PROOFS = ("pass", "code", "gps")
PASS_KINDS = ("in", "out")


def upgrade():
    with op.batch_alter_table('volunteer_attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_proof', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('out_proof', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('in_scanned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('out_scanned_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_attendances_in_scanned_by_id_users'), 'users', ['in_scanned_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_attendances_out_scanned_by_id_users'), 'users', ['out_scanned_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_volunteer_attendances_in_proof_known'), f"in_proof IN {PROOFS!r}")
        batch_op.create_check_constraint(batch_op.f('ck_volunteer_attendances_out_proof_known'), f"out_proof IN {PROOFS!r}")

    # Attendances recorded before passes existed were proven by code or by position only.
    op.execute("UPDATE volunteer_attendances SET in_proof = CASE WHEN in_code_ok THEN 'code' ELSE 'gps' END "
               "WHERE checked_in_at IS NOT NULL AND NOT manual")
    op.execute("UPDATE volunteer_attendances SET out_proof = CASE WHEN out_code_ok THEN 'code' ELSE 'gps' END "
               "WHERE checked_out_at IS NOT NULL AND NOT manual")

    op.create_table('volunteer_used_passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('scanned_by_id', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"kind IN {PASS_KINDS!r}", name=op.f('ck_volunteer_used_passes_kind_known')),
    sa.ForeignKeyConstraint(['scanned_by_id'], ['users.id'], name=op.f('fk_volunteer_used_passes_scanned_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['volunteer_shifts.id'], name=op.f('fk_volunteer_used_passes_shift_id_volunteer_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_used_passes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_used_passes')),
    sa.UniqueConstraint('nonce', name=op.f('uq_volunteer_used_passes_nonce'))
    )


def downgrade():
    op.drop_table('volunteer_used_passes')
    with op.batch_alter_table('volunteer_attendances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_volunteer_attendances_out_proof_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_volunteer_attendances_in_proof_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_volunteer_attendances_out_scanned_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_volunteer_attendances_in_scanned_by_id_users'), type_='foreignkey')
        batch_op.drop_column('out_scanned_by_id')
        batch_op.drop_column('in_scanned_by_id')
        batch_op.drop_column('out_proof')
        batch_op.drop_column('in_proof')
