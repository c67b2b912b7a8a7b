"""console login tickets: the staff web console's one-time QR logins

Revision ID: 0008_console
Revises: 0007_orgs
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_console'
down_revision = '0008_stats'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'console_tickets',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('ticket', sa.String(64), nullable=False),
        sa.Column('poll_secret_hash', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('session_id', sa.Integer(), sa.ForeignKey('auth_sessions.id'), nullable=True),
        sa.Column('collected_at', sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint('ticket', name=op.f('uq_console_tickets_ticket')),
    )
    op.create_index('ix_console_tickets_expires_at', 'console_tickets', ['expires_at'])


def downgrade():
    op.drop_index('ix_console_tickets_expires_at', table_name='console_tickets')
    op.drop_table('console_tickets')
