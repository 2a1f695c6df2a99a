"""login sessions (sign-out ends a session on the server)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 11:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # One row per sign-in on one device; the Flask-Login id carries its token. Every session
    # signed in before this migration ends with it (nobody stays signed in on an old cookie).
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    # A password change or deactivation now ends the account's login sessions instead.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    # Nobody supervises themselves: drop any such assignment, then let the database refuse them.
    op.execute("DELETE FROM supervisor_assignment WHERE trainee_id = supervisor_id")
    with op.batch_alter_table('supervisor_assignment', schema=None) as batch_op:
        batch_op.create_check_constraint('not_self', 'trainee_id <> supervisor_id')


def downgrade():
    with op.batch_alter_table('supervisor_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_supervisor_assignment_not_self'), type_='check')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
