"""practice responses (exercises a supervisor reviews)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 14:20:00

Every try a trainee writes at a practice exercise, and its review. A trainee has at most one
response per exercise that is waiting or accepted (a partial unique index, which SQLite and
PostgreSQL both enforce), and try numbers do not repeat. The limits are written out here, not
imported: a migration must keep doing what it did when it was written.

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PRACTICE_RESPONSE, PRACTICE_FEEDBACK = 4000, 2000
CURRENT = "status IN ('submitted', 'accepted')"


def upgrade():
    op.create_table('practice_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('exercise_id', sa.String(length=100), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=PRACTICE_RESPONSE), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('content_version', sa.String(length=40), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ratings', sa.JSON(), nullable=True),
    sa.Column('feedback', sa.String(length=PRACTICE_FEEDBACK), nullable=True),
    sa.CheckConstraint(f'length("text") <= {PRACTICE_RESPONSE}', name=op.f('ck_practice_response_text_length')),
    sa.CheckConstraint(f'length("feedback") <= {PRACTICE_FEEDBACK}', name=op.f('ck_practice_response_feedback_length')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_practice_response_reviewer_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainee_id'], ['user.id'], name=op.f('fk_practice_response_trainee_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_response')),
    sa.UniqueConstraint('trainee_id', 'course_id', 'exercise_id', 'attempt', name=op.f('uq_practice_response_trainee_id'))
    )
    with op.batch_alter_table('practice_response', schema=None) as batch_op:
        batch_op.create_index('ix_practice_response_status', ['status', 'submitted_at'], unique=False)
        batch_op.create_index(
            'uq_practice_response_current', ['trainee_id', 'course_id', 'exercise_id'], unique=True,
            sqlite_where=sa.text(CURRENT), postgresql_where=sa.text(CURRENT),
        )


def downgrade():
    with op.batch_alter_table('practice_response', schema=None) as batch_op:
        batch_op.drop_index('uq_practice_response_current')
        batch_op.drop_index('ix_practice_response_status')

    op.drop_table('practice_response')
