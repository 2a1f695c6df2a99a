"""An index on a supervisor's sign-offs by date: the approvals they may still undo

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 09:50:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_off_supervisor_signed", ["supervisor_id", "signed_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_off_supervisor_signed")
