"""volunteering: teams, party registration and pairings, activities, shifts, attendance

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('party_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=False),
    sa.Column('roles', sa.String(length=64), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_party_registrations_status_known')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_party_registrations_community_id_communities')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_party_registrations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_party_registrations_grid_id_grids')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_party_registrations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_registrations'))
    )
    with op.batch_alter_table('party_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_party_registrations_community_status', ['community_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_registrations_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_party_registrations_live', ['user_id', 'community_id'], unique=True, sqlite_where=sa.text("status != 'rejected'"), postgresql_where=sa.text("status != 'rejected'"))

    op.create_table('volunteer_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('v_station', 'alliance', 'errand_team', 'party_vanguard')", name=op.f('ck_volunteer_teams_kind_known')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_volunteer_teams_community_id_communities')),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_volunteer_teams_leader_id_users')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_volunteer_teams_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_teams')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_volunteer_teams_community_id_name'))
    )
    with op.batch_alter_table('volunteer_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_teams_community_id'), ['community_id'], unique=False)

    op.create_table('volunteer_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('auto_approve', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_volunteer_activities_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_volunteer_activities_created_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_teams.id'], name=op.f('fk_volunteer_activities_team_id_volunteer_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_activities'))
    )
    with op.batch_alter_table('volunteer_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_activities_community_id'), ['community_id'], unique=False)

    op.create_table('volunteer_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_teams.id'], name=op.f('fk_volunteer_team_members_team_id_volunteer_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_team_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_team_members')),
    sa.UniqueConstraint('team_id', 'user_id', name=op.f('uq_volunteer_team_members_team_id_user_id'))
    )
    with op.batch_alter_table('volunteer_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_team_members_user_id'), ['user_id'], unique=False)

    op.create_table('party_pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_party_pairings_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_party_pairings_created_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_party_pairings_household_id_households')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_party_pairings_member_id_users')),
    sa.ForeignKeyConstraint(['registration_id'], ['party_registrations.id'], name=op.f('fk_party_pairings_registration_id_party_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_pairings'))
    )
    with op.batch_alter_table('party_pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_pairings_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_pairings_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_pairings_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('uq_party_pairings_live', ['registration_id', 'household_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('volunteer_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('signed_up', sa.Integer(), nullable=False),
    sa.Column('location_name', sa.String(length=64), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lng', sa.Float(), nullable=False),
    sa.Column('radius_m', sa.Integer(), nullable=False),
    sa.Column('points_per_hour', sa.Integer(), nullable=False),
    sa.Column('required_roles', sa.String(length=64), nullable=False),
    sa.Column('code_required', sa.Boolean(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_volunteer_shifts_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_volunteer_shifts_ends_after_start')),
    sa.CheckConstraint('points_per_hour >= 0', name=op.f('ck_volunteer_shifts_points_nonnegative')),
    sa.CheckConstraint('radius_m > 0', name=op.f('ck_volunteer_shifts_radius_positive')),
    sa.CheckConstraint('signed_up >= 0 AND signed_up <= capacity', name=op.f('ck_volunteer_shifts_within_capacity')),
    sa.ForeignKeyConstraint(['activity_id'], ['volunteer_activities.id'], name=op.f('fk_volunteer_shifts_activity_id_volunteer_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_shifts'))
    )
    with op.batch_alter_table('volunteer_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_shifts_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_shifts_starts_at'), ['starts_at'], unique=False)

    op.create_table('party_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes >= 0', name=op.f('ck_party_visits_minutes_nonnegative')),
    sa.ForeignKeyConstraint(['pairing_id'], ['party_pairings.id'], name=op.f('fk_party_visits_pairing_id_party_pairings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_visits'))
    )
    with op.batch_alter_table('party_visits', schema=None) as batch_op:
        batch_op.create_index('ix_party_visits_pairing_id_id', ['pairing_id', 'id'], unique=False)

    op.create_table('volunteer_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('in_distance_m', sa.Float(), nullable=True),
    sa.Column('out_distance_m', sa.Float(), nullable=True),
    sa.Column('in_code_ok', sa.Boolean(), nullable=False),
    sa.Column('out_code_ok', sa.Boolean(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('checked_in', 'pending', 'partial', 'credited', 'rejected')", name=op.f('ck_volunteer_attendances_status_known')),
    sa.CheckConstraint('minutes >= 0 AND points >= 0', name=op.f('ck_volunteer_attendances_amounts_nonnegative')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_volunteer_attendances_community_id_communities')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_volunteer_attendances_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_volunteer_attendances_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['volunteer_shifts.id'], name=op.f('fk_volunteer_attendances_shift_id_volunteer_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_attendances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_attendances')),
    sa.UniqueConstraint('shift_id', 'user_id', name=op.f('uq_volunteer_attendances_shift_id_user_id'))
    )
    with op.batch_alter_table('volunteer_attendances', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_attendances_community_status', ['community_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_attendances_user_id'), ['user_id'], unique=False)

    op.create_table('volunteer_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled', 'no_show')", name=op.f('ck_volunteer_signups_status_known')),
    sa.ForeignKeyConstraint(['shift_id'], ['volunteer_shifts.id'], name=op.f('fk_volunteer_signups_shift_id_volunteer_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_signups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_signups'))
    )
    with op.batch_alter_table('volunteer_signups', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_signups_shift_status', ['shift_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_signups_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_volunteer_signups_live', ['shift_id', 'user_id'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))

    op.create_table('volunteer_used_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.BigInteger(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shift_id'], ['volunteer_shifts.id'], name=op.f('fk_volunteer_used_codes_shift_id_volunteer_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_used_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_used_codes')),
    sa.UniqueConstraint('shift_id', 'user_id', 'step', name=op.f('uq_volunteer_used_codes_shift_id_user_id_step'))
    )


def downgrade():
    op.drop_table('volunteer_used_codes')
    with op.batch_alter_table('volunteer_signups', schema=None) as batch_op:
        batch_op.drop_index('uq_volunteer_signups_live', sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_volunteer_signups_user_id'))
        batch_op.drop_index('ix_volunteer_signups_shift_status')

    op.drop_table('volunteer_signups')
    with op.batch_alter_table('volunteer_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_attendances_user_id'))
        batch_op.drop_index('ix_volunteer_attendances_community_status')

    op.drop_table('volunteer_attendances')
    with op.batch_alter_table('party_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_party_visits_pairing_id_id')

    op.drop_table('party_visits')
    with op.batch_alter_table('volunteer_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_shifts_starts_at'))
        batch_op.drop_index(batch_op.f('ix_volunteer_shifts_activity_id'))

    op.drop_table('volunteer_shifts')
    with op.batch_alter_table('party_pairings', schema=None) as batch_op:
        batch_op.drop_index('uq_party_pairings_live', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_party_pairings_registration_id'))
        batch_op.drop_index(batch_op.f('ix_party_pairings_member_id'))
        batch_op.drop_index(batch_op.f('ix_party_pairings_community_id'))

    op.drop_table('party_pairings')
    with op.batch_alter_table('volunteer_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_team_members_user_id'))

    op.drop_table('volunteer_team_members')
    with op.batch_alter_table('volunteer_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_activities_community_id'))

    op.drop_table('volunteer_activities')
    with op.batch_alter_table('volunteer_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_teams_community_id'))

    op.drop_table('volunteer_teams')
    with op.batch_alter_table('party_registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_party_registrations_live', sqlite_where=sa.text("status != 'rejected'"), postgresql_where=sa.text("status != 'rejected'"))
        batch_op.drop_index(batch_op.f('ix_party_registrations_user_id'))
        batch_op.drop_index('ix_party_registrations_community_status')

    op.drop_table('party_registrations')
