"""timebank ledger and points mall: accounts, transfers, postings, adjustments, merchants,
items, vouchers, idempotency keys

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

LEDGER_TABLES = ("tb_postings", "tb_transfers")
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION tb_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'correct a transfer with a reversal transfer';
END
$$
"""


def upgrade():
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('headers', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_keys_user_id')
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_expires_at'), ['expires_at'], unique=False)

    op.create_table('mall_merchants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mall_merchants_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_merchants')),
    sa.UniqueConstraint('name', name='uq_mall_merchants_name')
    )
    with op.batch_alter_table('mall_merchants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mall_merchants_community_id'), ['community_id'], unique=False)

    op.create_table('mall_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('price_points', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('per_user_limit', sa.Integer(), nullable=True),
    sa.Column('valid_days', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('goods', 'service', 'discount', 'market')", name=op.f('ck_mall_items_kind_known')),
    sa.CheckConstraint('per_user_limit IS NULL OR per_user_limit > 0', name=op.f('ck_mall_items_limit_positive')),
    sa.CheckConstraint('price_points > 0', name=op.f('ck_mall_items_price_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_mall_items_stock_not_negative')),
    sa.CheckConstraint('valid_days > 0', name=op.f('ck_mall_items_valid_days_positive')),
    sa.ForeignKeyConstraint(['merchant_id'], ['mall_merchants.id'], name=op.f('fk_mall_items_merchant_id_mall_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_items'))
    )
    with op.batch_alter_table('mall_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mall_items_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('tb_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('merchant_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('floor', sa.BigInteger(), nullable=True),
    sa.Column('balance', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('entries', sa.Integer(), server_default='0', nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('user', 'hold', 'community', 'merchant', 'system')", name=op.f('ck_tb_accounts_kind_known')),
    sa.CheckConstraint('floor IS NULL OR balance >= floor', name=op.f('ck_tb_accounts_balance_above_floor')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_tb_accounts_community_id_communities')),
    sa.ForeignKeyConstraint(['merchant_id'], ['mall_merchants.id'], name=op.f('fk_tb_accounts_merchant_id_mall_merchants')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tb_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tb_accounts')),
    sa.UniqueConstraint('code', name=op.f('uq_tb_accounts_code')),
    sa.UniqueConstraint('kind', 'community_id', name='uq_tb_accounts_kind_community_id'),
    sa.UniqueConstraint('kind', 'merchant_id', name='uq_tb_accounts_kind_merchant_id'),
    sa.UniqueConstraint('kind', 'user_id', name='uq_tb_accounts_kind_user_id')
    )
    op.create_table('mall_vouchers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('price_points', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('redeem_key', sa.String(length=160), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('issued', 'used', 'expired', 'cancelled')", name=op.f('ck_mall_vouchers_status_known')),
    sa.ForeignKeyConstraint(['item_id'], ['mall_items.id'], name=op.f('fk_mall_vouchers_item_id_mall_items')),
    sa.ForeignKeyConstraint(['merchant_id'], ['mall_merchants.id'], name=op.f('fk_mall_vouchers_merchant_id_mall_merchants')),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_mall_vouchers_used_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mall_vouchers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_vouchers')),
    sa.UniqueConstraint('code', name=op.f('uq_mall_vouchers_code')),
    sa.UniqueConstraint('redeem_key', name=op.f('uq_mall_vouchers_redeem_key'))
    )
    with op.batch_alter_table('mall_vouchers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mall_vouchers_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_mall_vouchers_merchant_id_id', ['merchant_id', 'id'], unique=False)
        batch_op.create_index('ix_mall_vouchers_status_expires_at', ['status', 'expires_at'], unique=False)
        batch_op.create_index('ix_mall_vouchers_user_id_id', ['user_id', 'id'], unique=False)

    op.create_table('tb_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('debit_account_id', sa.Integer(), nullable=False),
    sa.Column('credit_account_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('service_credit', 'shift_credit', 'redeem', 'refund', 'transfer', 'adjustment', 'hold', 'release', 'reversal')", name=op.f('ck_tb_transfers_kind_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_tb_transfers_amount_positive')),
    sa.CheckConstraint('debit_account_id != credit_account_id', name=op.f('ck_tb_transfers_two_accounts')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_tb_transfers_actor_id_users')),
    sa.ForeignKeyConstraint(['credit_account_id'], ['tb_accounts.id'], name=op.f('fk_tb_transfers_credit_account_id_tb_accounts')),
    sa.ForeignKeyConstraint(['debit_account_id'], ['tb_accounts.id'], name=op.f('fk_tb_transfers_debit_account_id_tb_accounts')),
    sa.ForeignKeyConstraint(['reverses_id'], ['tb_transfers.id'], name=op.f('fk_tb_transfers_reverses_id_tb_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tb_transfers')),
    sa.UniqueConstraint('key', name=op.f('uq_tb_transfers_key')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_tb_transfers_reverses_id'))
    )
    with op.batch_alter_table('tb_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tb_transfers_ref'), ['ref'], unique=False)

    op.create_table('tb_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('reverse_transfer_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transfer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_tb_adjustments_status_known')),
    sa.CheckConstraint('(amount IS NULL) != (reverse_transfer_id IS NULL)', name=op.f('ck_tb_adjustments_amount_or_reversal')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_tb_adjustments_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_tb_adjustments_requested_by_id_users')),
    sa.ForeignKeyConstraint(['reverse_transfer_id'], ['tb_transfers.id'], name=op.f('fk_tb_adjustments_reverse_transfer_id_tb_transfers')),
    sa.ForeignKeyConstraint(['transfer_id'], ['tb_transfers.id'], name=op.f('fk_tb_adjustments_transfer_id_tb_transfers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tb_adjustments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tb_adjustments'))
    )
    op.create_table('tb_postings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('balance_after', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('amount != 0', name=op.f('ck_tb_postings_amount_nonzero')),
    sa.ForeignKeyConstraint(['account_id'], ['tb_accounts.id'], name=op.f('fk_tb_postings_account_id_tb_accounts')),
    sa.ForeignKeyConstraint(['transfer_id'], ['tb_transfers.id'], name=op.f('fk_tb_postings_transfer_id_tb_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tb_postings')),
    sa.UniqueConstraint('account_id', 'seq', name='uq_tb_postings_account_id_seq')
    )
    with op.batch_alter_table('tb_postings', schema=None) as batch_op:
        batch_op.create_index('ix_tb_postings_account_id_id', ['account_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tb_postings_transfer_id'), ['transfer_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Postings and transfers are append-only in the database too. TRUNCATE (used by the
        # test fixture and by an operator wiping a database) does not fire these triggers.
        op.execute(APPEND_ONLY_FUNCTION)
        for table in LEDGER_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION tb_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in LEDGER_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tb_append_only()")
    with op.batch_alter_table('tb_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tb_postings_transfer_id'))
        batch_op.drop_index('ix_tb_postings_account_id_id')

    op.drop_table('tb_postings')
    op.drop_table('tb_adjustments')
    with op.batch_alter_table('tb_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tb_transfers_ref'))

    op.drop_table('tb_transfers')
    with op.batch_alter_table('mall_vouchers', schema=None) as batch_op:
        batch_op.drop_index('ix_mall_vouchers_user_id_id')
        batch_op.drop_index('ix_mall_vouchers_status_expires_at')
        batch_op.drop_index('ix_mall_vouchers_merchant_id_id')
        batch_op.drop_index(batch_op.f('ix_mall_vouchers_item_id'))

    op.drop_table('mall_vouchers')
    op.drop_table('tb_accounts')
    with op.batch_alter_table('mall_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mall_items_merchant_id'))

    op.drop_table('mall_items')
    with op.batch_alter_table('mall_merchants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mall_merchants_community_id'))

    op.drop_table('mall_merchants')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_expires_at'))

    op.drop_table('idempotency_keys')
