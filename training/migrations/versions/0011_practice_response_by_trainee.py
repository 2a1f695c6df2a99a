"""practice responses by trainee and status

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 18:40:00

The cohort dashboard and the certificate checklist read the accepted exercises of a list of
trainees. With only the (status, submitted_at) index, SQLite read every accepted response in the
program to find them (55,000 rows for 1,000 trainees with fourteen courses); this index finds a
trainee's responses directly and holds the columns those reads need.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_practice_response_trainee_status',
        'practice_response',
        ['trainee_id', 'status', 'course_id', 'exercise_id'],
    )


def downgrade():
    op.drop_index('ix_practice_response_trainee_status', table_name='practice_response')
