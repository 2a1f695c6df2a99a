"""Portable credentials: every signing key ever used, and each certificate's Open Badges 3.0
credential with its place in the revocation status list

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 09:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_signing_key_key_id")),
    )
    op.create_table(
        "open_badge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("status_list", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("subject_did", sa.String(length=200), nullable=True),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificate.id"],
            name=op.f("fk_open_badge_certificate_id_certificate"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_badge")),
        sa.UniqueConstraint(
            "status_list", "status_index", name=op.f("uq_open_badge_status_list")
        ),
    )
    with op.batch_alter_table("open_badge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_badge_certificate_id"), ["certificate_id"], unique=False
        )
        batch_op.create_index(
            "uq_open_badge_email_bound",
            ["certificate_id"],
            unique=True,
            sqlite_where=sa.text("subject_did IS NULL"),
            postgresql_where=sa.text("subject_did IS NULL"),
        )
        batch_op.create_index(
            "uq_open_badge_did_bound",
            ["certificate_id", "subject_did"],
            unique=True,
            sqlite_where=sa.text("subject_did IS NOT NULL"),
            postgresql_where=sa.text("subject_did IS NOT NULL"),
        )
    # the certificates that ended (revoked or replaced), which the status lists are read from
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_certificate_ended",
            ["id"],
            unique=False,
            sqlite_where=sa.text("revoked_at IS NOT NULL OR superseded_at IS NOT NULL"),
            postgresql_where=sa.text("revoked_at IS NOT NULL OR superseded_at IS NOT NULL"),
        )


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index("ix_certificate_ended")

    with op.batch_alter_table("open_badge", schema=None) as batch_op:
        batch_op.drop_index("uq_open_badge_did_bound")
        batch_op.drop_index("uq_open_badge_email_bound")
        batch_op.drop_index(batch_op.f("ix_open_badge_certificate_id"))

    op.drop_table("open_badge")
    op.drop_table("signing_key")
