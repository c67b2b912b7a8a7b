"""files: uploads (metadata and database-stored bytes), and categories that require photos

Revision ID: 0006_files
Revises: 0006_ordb
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_files'
down_revision = '0006_ordb'
branch_labels = None
depends_on = None

CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
STORAGES = ("db", "s3")
CHECK_STATUSES = ("none", "pending", "passed", "review", "rejected")


def upgrade():
    op.create_table('files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('storage', sa.String(length=8), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=True),
    sa.Column('record_type', sa.String(length=32), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('attached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_status', sa.String(length=10), nullable=False),
    sa.Column('check_trace_id', sa.String(length=128), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"content_type IN {CONTENT_TYPES!r}", name=op.f('ck_files_content_type_known')),
    sa.CheckConstraint(f"storage IN {STORAGES!r}", name=op.f('ck_files_storage_known')),
    sa.CheckConstraint(f"check_status IN {CHECK_STATUSES!r}", name=op.f('ck_files_check_status_known')),
    sa.CheckConstraint("(record_type IS NULL) = (record_id IS NULL)", name=op.f('ck_files_record_complete')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_files_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index('ix_files_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index('ix_files_uploader_id', ['uploader_id'], unique=False)
        batch_op.create_index('ix_files_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_files_check_trace_id', ['check_trace_id'], unique=True)

    op.create_table('file_blobs',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_file_blobs_file_id_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', name=op.f('pk_file_blobs'))
    )

    with op.batch_alter_table('service_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_required', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('service_categories', schema=None) as batch_op:
        batch_op.drop_column('photo_required')

    op.drop_table('file_blobs')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index('ix_files_check_trace_id')
        batch_op.drop_index('ix_files_created_at')
        batch_op.drop_index('ix_files_uploader_id')
        batch_op.drop_index('ix_files_record')
    op.drop_table('files')
