"""quiz attempt rules: extra attempts granted by a lead; one open attempt per trainee and course

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 14:20:00

Before this rule two "Start" clicks at once could open two attempts at one quiz. Where a
trainee has several open attempts at one course, the newest stays open and the older ones are
closed without counting (``abandoned``, as for a quiz that changed under an attempt: nothing
was submitted on them), so the database can refuse a second open attempt from now on.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OPEN = "status = 'in_progress'"
REASON = 2000  # training.limits.REASON when this was written
MOST_EXTRA_ATTEMPTS = 5


def upgrade():
    op.create_table('extra_quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=REASON), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f'length("reason") <= {REASON}', name=op.f('ck_extra_quiz_attempts_reason_length')),
    sa.CheckConstraint(f'attempts BETWEEN 1 AND {MOST_EXTRA_ATTEMPTS}', name=op.f('ck_extra_quiz_attempts_attempts_range')),
    sa.ForeignKeyConstraint(['trainee_id'], ['user.id'], name=op.f('fk_extra_quiz_attempts_trainee_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_extra_quiz_attempts_granted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_quiz_attempts'))
    )
    with op.batch_alter_table('extra_quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_extra_quiz_attempts_trainee_course', ['trainee_id', 'course_id'], unique=False)

    op.execute(
        "UPDATE quiz_attempt SET status = 'abandoned' WHERE status = 'in_progress' AND EXISTS ("
        "SELECT 1 FROM quiz_attempt AS newer WHERE newer.user_id = quiz_attempt.user_id "
        "AND newer.course_id = quiz_attempt.course_id AND newer.status = 'in_progress' "
        "AND newer.id > quiz_attempt.id)"
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_index(
            'uq_quiz_attempt_open', ['user_id', 'course_id'], unique=True,
            sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN),
        )


def downgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempt_open')

    with op.batch_alter_table('extra_quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_extra_quiz_attempts_trainee_course')

    op.drop_table('extra_quiz_attempts')
