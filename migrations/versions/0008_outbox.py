"""job outbox: after-commit jobs written in the request's own transaction; Redis only wakes
the workers

Revision ID: 0008_outbox
Revises: 0007_orgs
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_outbox'
down_revision = '0008_proxy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_outbox',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('path', sa.String(200), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('run_after', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_by', sa.String(64), nullable=True),
        sa.Column('last_error', sa.String(200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')",
                           name=op.f('ck_job_outbox_status_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox')),
    )
    op.create_index('ix_job_outbox_status_run_after', 'job_outbox', ['status', 'run_after'])


def downgrade():
    op.drop_index('ix_job_outbox_status_run_after', table_name='job_outbox')
    op.drop_table('job_outbox')
