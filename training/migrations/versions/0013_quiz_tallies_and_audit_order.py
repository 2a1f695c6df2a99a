"""quiz statistics tallies; the audit log's order as an index, by person too

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 21:00:00

The lead's quiz statistics read every finished attempt of the program on every view (200,000 at
10,000 trainees). From now on grading adds each finished attempt to running totals, one row per
course (``quiz_tally``) and one per course and question (``quiz_question_tally``); this migration
and per trainee and course (``quiz_standing``: attempts used, whether one passed, so the trainees
out of attempts are found by an index); this migration works them out from the attempts already
finished, in SQL (the same counts as
``training.learning.quiz_tallies.recount``, written out here as they were when this was
written).

The audit log pages by position in its order (newest first: ``at``, then ``id``), not by page
number: ``ix_audit_event_at_id`` replaces the index on ``at`` alone, so PostgreSQL finds where a
page starts, and its order, in the index. ``ix_audit_event_actor_at_id`` does the same for the
log filtered by person (the events a person did), which read every event before.

Servers of an older version grade without keeping the tallies: after upgrading every server,
run ``flask --app wsgi quiz recount`` once (it is safe while the site runs).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: the elements of a JSON array column as rows with one column ``value``; not an array: none
ELEMENTS = {
    'sqlite': "json_each(CASE WHEN json_type({column}) = 'array' THEN {column} ELSE '[]' END)",
    'postgresql': (
        "json_array_elements_text(CASE WHEN json_typeof({column}) = 'array' "
        "THEN {column} ELSE '[]' END)"
    ),
}


def _backfill():
    elements = ELEMENTS[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO quiz_tally (course_id, attempts, passed) "
        "SELECT course_id, COUNT(*), SUM(CASE WHEN passed THEN 1 ELSE 0 END) "
        "FROM quiz_attempt WHERE status = 'finished' GROUP BY course_id"
    )
    op.execute(
        "INSERT INTO quiz_standing (user_id, course_id, finished, passed) "
        "SELECT user_id, course_id, COUNT(*), MAX(CASE WHEN passed THEN 1 ELSE 0 END) = 1 "
        "FROM quiz_attempt WHERE status = 'finished' GROUP BY user_id, course_id"
    )
    # each drawn question counts once shown, each right answer (always a drawn question) once
    # right: missed = shown - right
    drawn = elements.format(column='a.question_ids')
    right = elements.format(column='a.correct_ids')
    op.execute(
        "INSERT INTO quiz_question_tally (course_id, question_id, shown, missed) "
        "SELECT course_id, question_id, SUM(shown), SUM(shown) - SUM(right_) FROM ("
        f"SELECT a.course_id, e.value AS question_id, 1 AS shown, 0 AS right_ "
        f"FROM quiz_attempt AS a JOIN {drawn} AS e ON 1 = 1 WHERE a.status = 'finished' "
        "UNION ALL "
        f"SELECT a.course_id, e.value, 0, 1 "
        f"FROM quiz_attempt AS a JOIN {right} AS e ON 1 = 1 WHERE a.status = 'finished'"
        ") AS elements GROUP BY course_id, question_id"
    )


def upgrade():
    op.create_table('quiz_tally',
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_quiz_tally'))
    )
    op.create_table('quiz_question_tally',
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('course_id', 'question_id', name=op.f('pk_quiz_question_tally'))
    )
    op.create_table('quiz_standing',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_quiz_standing_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_quiz_standing'))
    )
    op.create_index('ix_quiz_standing_stuck', 'quiz_standing', ['passed', 'finished'], unique=False)
    _backfill()
    op.create_index('ix_audit_event_at_id', 'audit_event', ['at', 'id'], unique=False)
    op.drop_index('ix_audit_event_at', table_name='audit_event')
    op.create_index(
        'ix_audit_event_actor_at_id', 'audit_event', ['actor_id', 'at', 'id'], unique=False
    )


def downgrade():
    op.drop_index('ix_audit_event_actor_at_id', table_name='audit_event')
    op.create_index('ix_audit_event_at', 'audit_event', ['at'], unique=False)
    op.drop_index('ix_audit_event_at_id', table_name='audit_event')
    op.drop_index('ix_quiz_standing_stuck', table_name='quiz_standing')
    op.drop_table('quiz_standing')
    op.drop_table('quiz_question_tally')
    op.drop_table('quiz_tally')
