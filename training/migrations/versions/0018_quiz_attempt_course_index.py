"""An index on quiz attempts by course: a quiz's statistics read every attempt at one course

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 16:20:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_attempt_course_user", ["course_id", "user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_attempt_course_user")
