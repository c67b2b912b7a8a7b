"""figures 统计: the export jobs' table, and the indexes the figures read through (request
events by the status reached and when, attendances by review date, postings by date, party
registrations by decision date, vouchers by write-off date; postings by date, for the points
residents held at a past date)

Revision ID: 0008_stats
Revises: 0007_orgs
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_stats'
down_revision = '0008_talents'
branch_labels = None
depends_on = None

INDEXES = [
    ('request_events', 'ix_request_events_to_status_at', ['to_status', 'at', 'request_id']),
    ('volunteer_attendances', 'ix_volunteer_attendances_community_reviewed',
     ['community_id', 'status', 'reviewed_at', 'manual', 'minutes']),
    ('tb_postings', 'ix_tb_postings_account_created', ['account_id', 'created_at', 'amount']),
    ('tb_postings', 'ix_tb_postings_created_at', ['created_at']),
    ('party_registrations', 'ix_party_registrations_community_decided',
     ['community_id', 'status', 'decided_at']),
    ('mall_vouchers', 'ix_mall_vouchers_merchant_used', ['merchant_id', 'status', 'used_at']),
]


def upgrade():
    op.create_table(
        'stats_export_jobs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')",
                           name=op.f('ck_stats_export_jobs_status_known')),
        sa.CheckConstraint('progress BETWEEN 0 AND 100',
                           name=op.f('ck_stats_export_jobs_progress_range')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_stats_export_jobs_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_export_jobs')),
    )
    with op.batch_alter_table('stats_export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_export_jobs_user_id'), ['user_id'],
                              unique=False)
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    with op.batch_alter_table('stats_export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_export_jobs_user_id'))
    op.drop_table('stats_export_jobs')
