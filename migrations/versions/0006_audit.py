"""audit log append-only on PostgreSQL; admin grant requests; consents; cancelled accounts

Revision ID: 0006_audit
Revises: 0006_vola
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_audit'
down_revision = '0006_vola'
branch_labels = None
depends_on = None

# audit_log is append-only in the database: UPDATE is always refused; DELETE only inside a
# transaction that declared itself the retention purge (`set_config('llt.audit_purge', 'on',
# true)`, done by `flask audit purge`) and only for rows older than six months, whatever the
# configured retention. TRUNCATE does not fire row triggers (the test fixture relies on it).
AUDIT_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('llt.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '6 months' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING HINT = 'entries older than the retention are removed by flask audit purge';
END
$$
"""


def upgrade():
    op.create_table('user_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('location', 'phone')", name=op.f('ck_user_consents_kind_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_consents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_consents'))
    )
    with op.batch_alter_table('user_consents', schema=None) as batch_op:
        batch_op.create_index('ix_user_consents_user_kind', ['user_id', 'kind', 'id'], unique=False)

    op.create_table('admin_grant_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_admin_grant_requests_status_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_admin_grant_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['role_grants.id'], name=op.f('fk_admin_grant_requests_grant_id_role_grants')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_admin_grant_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_admin_grant_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_grant_requests'))
    )
    with op.batch_alter_table('admin_grant_requests', schema=None) as batch_op:
        batch_op.create_index('uq_admin_grant_requests_pending', ['user_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_APPEND_ONLY_FUNCTION)
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('admin_grant_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_admin_grant_requests_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.drop_table('admin_grant_requests')
    with op.batch_alter_table('user_consents', schema=None) as batch_op:
        batch_op.drop_index('ix_user_consents_user_kind')

    op.drop_table('user_consents')
