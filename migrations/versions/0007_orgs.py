"""compound bodies (party organisations, owners' committees, supervisory boards,
self-management committees, property companies), seats, property class and 片区大物业 areas;
roles owners_committee and property scoped by compound

Revision ID: 0007_orgs
Revises: 0006_medev
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_orgs'
down_revision = '0006_medev'
branch_labels = None
depends_on = None

OLD_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'admin')
NEW_ROLES = ('resident', 'volunteer', 'party_member', 'partner_member', 'merchant', 'staff',
             'street_admin', 'mediator', 'org_dept', 'owners_committee', 'property', 'admin')


def upgrade():
    op.create_table('org_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('formation', sa.String(length=8), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dissolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dissolved_by_id', sa.Integer(), nullable=True),
    sa.Column('dissolve_reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint("(kind = 'compound_party') = (formation IS NOT NULL)", name=op.f('ck_org_bodies_formation_for_party')),
    sa.CheckConstraint("formation IN ('single', 'joint', 'area')", name=op.f('ck_org_bodies_formation_known')),
    sa.CheckConstraint("kind IN ('compound_party', 'owners_committee', 'supervisory_board', 'self_management', 'property_company')", name=op.f('ck_org_bodies_kind_known')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_org_bodies_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_org_bodies_created_by_id_users')),
    sa.ForeignKeyConstraint(['dissolved_by_id'], ['users.id'], name=op.f('fk_org_bodies_dissolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_bodies'))
    )
    with op.batch_alter_table('org_bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_bodies_community_id'), ['community_id'], unique=False)

    op.create_table('org_body_compounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("slot IN ('party', 'self_governing', 'supervisory', 'property')", name=op.f('ck_org_body_compounds_slot_known')),
    sa.ForeignKeyConstraint(['body_id'], ['org_bodies.id'], name=op.f('fk_org_body_compounds_body_id_org_bodies')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_org_body_compounds_compound_id_compounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_body_compounds'))
    )
    with op.batch_alter_table('org_body_compounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_body_compounds_body_id'), ['body_id'], unique=False)
        batch_op.create_index('uq_org_body_compounds_live', ['compound_id', 'slot'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('org_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=32), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('left_reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('head', 'deputy', 'member')", name=op.f('ck_org_seats_role_known')),
    sa.CheckConstraint('left_on IS NULL OR left_on >= term_start', name=op.f('ck_org_seats_left_sane')),
    sa.CheckConstraint('term_end IS NULL OR term_end >= term_start', name=op.f('ck_org_seats_term_sane')),
    sa.ForeignKeyConstraint(['body_id'], ['org_bodies.id'], name=op.f('fk_org_seats_body_id_org_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_org_seats_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_org_seats_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_seats'))
    )
    with op.batch_alter_table('org_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_seats_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_seats_user_id'), ['user_id'], unique=False)

    op.create_table('property_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_property_areas_community_id_communities')),
    sa.ForeignKeyConstraint(['company_id'], ['org_bodies.id'], name=op.f('fk_property_areas_company_id_org_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_property_areas_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_property_areas'))
    )
    with op.batch_alter_table('property_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_property_areas_community_id'), ['community_id'], unique=False)

    op.create_table('compound_profiles',
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('property_class', sa.String(length=10), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("area_id IS NULL OR property_class = 'scattered'", name=op.f('ck_compound_profiles_area_for_scattered')),
    sa.CheckConstraint("property_class IN ('managed', 'unmanaged', 'scattered')", name=op.f('ck_compound_profiles_property_class_known')),
    sa.ForeignKeyConstraint(['area_id'], ['property_areas.id'], name=op.f('fk_compound_profiles_area_id_property_areas')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_compound_profiles_compound_id_compounds')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_compound_profiles_updated_by_id_users')),
    sa.PrimaryKeyConstraint('compound_id', name=op.f('pk_compound_profiles'))
    )
    with op.batch_alter_table('compound_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compound_profiles_area_id'), ['area_id'], unique=False)

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compound_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_role_grants_role_compound', ['role', 'compound_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_compound_id_compounds'), 'compounds', ['compound_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {NEW_ROLES!r}")


def downgrade():
    op.execute("DELETE FROM role_grants WHERE role IN ('owners_committee', 'property')")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_grants_role_known'),
                                         f"role IN {OLD_ROLES!r}")
        batch_op.drop_constraint(batch_op.f('fk_role_grants_compound_id_compounds'), type_='foreignkey')
        batch_op.drop_index('ix_role_grants_role_compound')
        batch_op.drop_column('compound_id')

    with op.batch_alter_table('compound_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compound_profiles_area_id'))

    op.drop_table('compound_profiles')
    with op.batch_alter_table('property_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_property_areas_community_id'))

    op.drop_table('property_areas')
    with op.batch_alter_table('org_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_seats_user_id'))
        batch_op.drop_index(batch_op.f('ix_org_seats_body_id'))

    op.drop_table('org_seats')
    with op.batch_alter_table('org_body_compounds', schema=None) as batch_op:
        batch_op.drop_index('uq_org_body_compounds_live', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_org_body_compounds_body_id'))

    op.drop_table('org_body_compounds')
    with op.batch_alter_table('org_bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_bodies_community_id'))

    op.drop_table('org_bodies')
