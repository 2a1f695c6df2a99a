"""the rulebook of a credential: training events and attendance, outside training and continuing
education with their certificate files, exams, competency evaluations, several attestations and
lead confirmations, direct-service hours

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 00:40:00

New tables, plus changes to old ones:

- ``hours_entry.direct_service``: false for every entry logged before (nobody was asked).
- ``certificate.transcript``: the courses, events and outside training a certificate lists,
  kept beside its signed payload, which carries their digest.
- ``track_signature`` names the attestation signed (every signature before this was of a track's
  code of ethics, its only attestation) and, for a signature given again to renew a certificate,
  that certificate. One signature per person, attestation, text version and renewal is kept by
  two partial unique indexes; before they are made, a signature given while the person held a
  current certificate of that track is marked as its renewal, and repeats of the very same
  signature (two clicks before the database refused them) move to the audit log (who, when,
  which text), keeping the earliest in the table.

Every column people write has its length CHECK (SQLite ignores VARCHAR lengths). The limits are
written out here, not imported: a migration must keep doing what it did when it was written.

"""

from alembic import op
import sqlalchemy as sa

NAME, CREDENTIAL, REASON = 120, 200, 2000
LENGTHS = {
    "competency_evaluation": {
        "overall_comment": 4000,
        "supervisor_name": NAME,
        "supervisor_credential": CREDENTIAL,
        "void_reason": REASON,
    },
    "exam_result": {"exam_name": 200, "score": 60, "note": REASON, "withdrawal_reason": REASON},
    "final_exam_extra_attempt": {"reason": REASON},
    "lead_confirmation": {"withdraw_reason": 300},
    "stored_file": {"filename": 200},
    "training_event": {"title": 200, "facilitator": NAME, "location": 200},
    "outside_record": {"provider": 200, "title": 200, "lead_comment": REASON},
}


#: a signature that repeats an earlier one: same person, track, text and renewal
REPEAT = (
    "EXISTS (SELECT 1 FROM track_signature earlier WHERE earlier.user_id = track_signature.user_id"
    " AND earlier.track_id = track_signature.track_id"
    " AND earlier.attestation_id = track_signature.attestation_id"
    " AND earlier.text_version = track_signature.text_version"
    " AND (earlier.renewal_of_id = track_signature.renewal_of_id"
    "  OR (earlier.renewal_of_id IS NULL AND track_signature.renewal_of_id IS NULL))"
    " AND (earlier.signed_at < track_signature.signed_at"
    "  OR (earlier.signed_at = track_signature.signed_at AND earlier.id < track_signature.id)))"
)


def _length_checks(table):
    return [
        sa.CheckConstraint(
            f'length("{column}") <= {limit}', name=op.f(f"ck_{table}_{column}_length")
        )
        for column, limit in LENGTHS[table].items()
    ]


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "competency_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("track_id", sa.String(length=100), nullable=False),
        sa.Column("rule_version", sa.String(length=40), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("overall_comment", sa.String(length=4000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supervisor_name", sa.String(length=120), nullable=True),
        sa.Column("supervisor_credential", sa.String(length=200), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["user.id"],
            name=op.f("fk_competency_evaluation_supervisor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_competency_evaluation_trainee_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"],
            ["user.id"],
            name=op.f("fk_competency_evaluation_voided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_evaluation")),
        *_length_checks("competency_evaluation"),
    )
    with op.batch_alter_table("competency_evaluation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competency_evaluation_supervisor", ["supervisor_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_competency_evaluation_trainee_status",
            ["trainee_id", "status", "signed_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_competency_evaluation_updated", ["updated_at", "id"], unique=False
        )
        batch_op.create_index(
            "uq_competency_evaluation_draft",
            ["trainee_id", "supervisor_id", "track_id"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "final_exam_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.String(length=100), nullable=False),
        sa.Column("content_versions", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("question_refs", sa.JSON(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("correct_positions", sa.JSON(), nullable=True),
        sa.Column("correct_count", sa.Integer(), nullable=True),
        sa.Column("score_percent", sa.Double(), nullable=True),
        sa.Column("pass_percent", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_final_exam_attempt_trainee_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_exam_attempt")),
    )
    with op.batch_alter_table("final_exam_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_final_exam_attempt_trainee_track", ["trainee_id", "track_id"], unique=False
        )
        batch_op.create_index(
            "uq_final_exam_attempt_open",
            ["trainee_id", "track_id"],
            unique=True,
            sqlite_where=sa.text("status = 'in_progress'"),
            postgresql_where=sa.text("status = 'in_progress'"),
        )

    op.create_table(
        "final_exam_extra_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["user.id"],
            name=op.f("fk_final_exam_extra_attempt_granted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_final_exam_extra_attempt_trainee_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_exam_extra_attempt")),
        *_length_checks("final_exam_extra_attempt"),
    )
    with op.batch_alter_table("final_exam_extra_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_final_exam_extra_attempt_trainee_track", ["trainee_id", "track_id"], unique=False
        )

    op.create_table(
        "lead_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.String(length=100), nullable=False),
        sa.Column("item_id", sa.String(length=100), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdraw_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user.id"],
            name=op.f("fk_lead_confirmation_confirmed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_lead_confirmation_trainee_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["user.id"],
            name=op.f("fk_lead_confirmation_withdrawn_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_confirmation")),
        *_length_checks("lead_confirmation"),
    )
    with op.batch_alter_table("lead_confirmation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lead_confirmation_trainee", ["trainee_id", "track_id"], unique=False
        )
        batch_op.create_index(
            "uq_lead_confirmation_active",
            ["trainee_id", "track_id", "item_id"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )

    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.id"],
            name=op.f("fk_stored_file_owner_id_user"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user.id"],
            name=op.f("fk_stored_file_uploaded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        *_length_checks("stored_file"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_file_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "training_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facilitator", sa.String(length=120), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("template_id", sa.String(length=100), nullable=True),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_training_event_cohort_id_cohort"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_training_event_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_event")),
        *_length_checks("training_event"),
    )
    with op.batch_alter_table("training_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_event_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index("ix_training_event_day", ["day", "id"], unique=False)

    op.create_table(
        "event_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'partial' AND minutes > 0 AND minutes % 15 = 0) OR (status <> 'partial' AND minutes IS NULL)",
            name=op.f("ck_event_attendance_minutes"),
        ),
        sa.CheckConstraint(
            "status IN ('present', 'partial', 'absent')", name=op.f("ck_event_attendance_status")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["training_event.id"],
            name=op.f("fk_event_attendance_event_id_training_event"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_event_attendance_recorded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_event_attendance_trainee_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_attendance")),
        sa.UniqueConstraint("event_id", "trainee_id", name=op.f("uq_event_attendance_event_id")),
    )
    with op.batch_alter_table("event_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_event_attendance_trainee", ["trainee_id", "status"], unique=False)

    op.create_table(
        "exam_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.String(length=100), nullable=False),
        sa.Column("exam_name", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("score", sa.String(length=60), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_file.id"],
            name=op.f("fk_exam_result_file_id_stored_file"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_exam_result_recorded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_exam_result_trainee_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["user.id"],
            name=op.f("fk_exam_result_withdrawn_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_result")),
        *_length_checks("exam_result"),
    )
    with op.batch_alter_table("exam_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_result_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            "ix_exam_result_trainee_track", ["trainee_id", "track_id"], unique=False
        )

    op.create_table(
        "outside_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lead_comment", sa.String(length=2000), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('outside', 'ce')", name=op.f("ck_outside_record_kind")),
        sa.CheckConstraint(
            "status IN ('submitted', 'returned', 'approved')", name=op.f("ck_outside_record_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_outside_record_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_file.id"],
            name=op.f("fk_outside_record_file_id_stored_file"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user.id"],
            name=op.f("fk_outside_record_trainee_id_user"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outside_record")),
        *_length_checks("outside_record"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("outside_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outside_record_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            "ix_outside_record_status_submitted", ["status", "submitted_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_outside_record_trainee_kind", ["trainee_id", "kind"], unique=False
        )

    # A certificate's transcript, whose SHA-256 its signed payload carries (older certificates
    # carry their transcript inside the payload, or none).
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transcript", sa.Text(), nullable=True))

    with op.batch_alter_table("hours_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("direct_service", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("track_signature", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attestation_id",
                sa.String(length=100),
                server_default="code-of-ethics",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("renewal_of_id", sa.Integer(), nullable=True))
    # A signature given while holding a current certificate of the track (not revoked or
    # replaced by then) renewed it.
    op.execute(
        "UPDATE track_signature SET renewal_of_id = ("
        " SELECT c.id FROM certificate c WHERE c.user_id = track_signature.user_id"
        " AND c.track_id = track_signature.track_id AND c.issued_at < track_signature.signed_at"
        " AND (c.revoked_at IS NULL OR c.revoked_at > track_signature.signed_at)"
        " AND (c.superseded_at IS NULL OR c.superseded_at > track_signature.signed_at)"
        " ORDER BY c.issued_at DESC, c.id DESC LIMIT 1)"
    )
    # Repeats of one signature (same person, text and renewal: two clicks before the database
    # refused them) leave the table for the audit log, which keeps when each was given.
    op.execute(
        "INSERT INTO audit_event (at, actor_id, subject_type, subject_id, action, comment) "
        "SELECT signed_at, user_id, 'user', user_id, 'signed attestation', "
        "'The same signature again (' || track_id || ', text ' || text_version || '): kept "
        "here when migration 0014 made each signature unique' "
        f"FROM track_signature WHERE {REPEAT}"
    )
    op.execute(f"DELETE FROM track_signature WHERE {REPEAT}")
    with op.batch_alter_table("track_signature", schema=None) as batch_op:
        batch_op.create_index(
            "uq_track_signature_first",
            ["user_id", "track_id", "attestation_id", "text_version"],
            unique=True,
            sqlite_where=sa.text("renewal_of_id IS NULL"),
            postgresql_where=sa.text("renewal_of_id IS NULL"),
        )
        batch_op.create_index(
            "uq_track_signature_renewal",
            ["user_id", "track_id", "attestation_id", "text_version", "renewal_of_id"],
            unique=True,
            sqlite_where=sa.text("renewal_of_id IS NOT NULL"),
            postgresql_where=sa.text("renewal_of_id IS NOT NULL"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_track_signature_renewal_of_id_certificate"),
            "certificate",
            ["renewal_of_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_column("transcript")

    with op.batch_alter_table("track_signature", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_track_signature_renewal_of_id_certificate"), type_="foreignkey"
        )
        batch_op.drop_index(
            "uq_track_signature_renewal",
            sqlite_where=sa.text("renewal_of_id IS NOT NULL"),
            postgresql_where=sa.text("renewal_of_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_track_signature_first",
            sqlite_where=sa.text("renewal_of_id IS NULL"),
            postgresql_where=sa.text("renewal_of_id IS NULL"),
        )
        batch_op.drop_column("renewal_of_id")
        batch_op.drop_column("attestation_id")

    with op.batch_alter_table("hours_entry", schema=None) as batch_op:
        batch_op.drop_column("direct_service")

    with op.batch_alter_table("outside_record", schema=None) as batch_op:
        batch_op.drop_index("ix_outside_record_trainee_kind")
        batch_op.drop_index("ix_outside_record_status_submitted")
        batch_op.drop_index(batch_op.f("ix_outside_record_file_id"))

    op.drop_table("outside_record")
    with op.batch_alter_table("exam_result", schema=None) as batch_op:
        batch_op.drop_index("ix_exam_result_trainee_track")
        batch_op.drop_index(batch_op.f("ix_exam_result_file_id"))

    op.drop_table("exam_result")
    with op.batch_alter_table("event_attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_event_attendance_trainee")

    op.drop_table("event_attendance")
    with op.batch_alter_table("training_event", schema=None) as batch_op:
        batch_op.drop_index("ix_training_event_day")
        batch_op.drop_index(batch_op.f("ix_training_event_cohort_id"))

    op.drop_table("training_event")
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_file_owner_id"))

    op.drop_table("stored_file")
    with op.batch_alter_table("lead_confirmation", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_lead_confirmation_active",
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.drop_index("ix_lead_confirmation_trainee")

    op.drop_table("lead_confirmation")
    with op.batch_alter_table("final_exam_extra_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_final_exam_extra_attempt_trainee_track")

    op.drop_table("final_exam_extra_attempt")
    with op.batch_alter_table("final_exam_attempt", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_final_exam_attempt_open",
            sqlite_where=sa.text("status = 'in_progress'"),
            postgresql_where=sa.text("status = 'in_progress'"),
        )
        batch_op.drop_index("ix_final_exam_attempt_trainee_track")

    op.drop_table("final_exam_attempt")
    with op.batch_alter_table("competency_evaluation", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_competency_evaluation_draft",
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )
        batch_op.drop_index("ix_competency_evaluation_updated")
        batch_op.drop_index("ix_competency_evaluation_trainee_status")
        batch_op.drop_index("ix_competency_evaluation_supervisor")

    op.drop_table("competency_evaluation")
