"""certificate integrity (one current certificate per holder and track)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 11:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CURRENT = "revoked_at IS NULL AND superseded_at IS NULL"


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))

    bind = op.get_bind()
    # A replaced certificate was superseded when its replacement was issued.
    bind.execute(sa.text(
        "UPDATE certificate SET superseded_at = "
        "(SELECT r.issued_at FROM certificate AS r WHERE r.id = certificate.replaced_by_id) "
        "WHERE replaced_by_id IS NOT NULL"
    ))
    _settle_duplicates(bind)

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(
            'uq_certificate_current', ['user_id', 'track_id'], unique=True,
            sqlite_where=sa.text(CURRENT), postgresql_where=sa.text(CURRENT),
        )


def _settle_duplicates(bind):
    """Before this rule, two people acting at once could leave a holder with two current
    certificates of one track. The newest stays current; each older one is recorded as
    replaced by it (and the audit log says why), so the rule can be enforced from now on."""
    rows = bind.execute(sa.text(
        f"SELECT id, user_id, track_id, code, issued_at FROM certificate WHERE {CURRENT} "
        "ORDER BY user_id, track_id, issued_at DESC, id DESC"
    )).all()
    newest = {}
    for row in rows:
        key = (row.user_id, row.track_id)
        if key not in newest:
            newest[key] = row
            continue
        keep = newest[key]
        bind.execute(
            sa.text(
                "UPDATE certificate SET replaced_by_id = :keep, superseded_at = :at "
                "WHERE id = :id"
            ),
            {"keep": keep.id, "at": keep.issued_at, "id": row.id},
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_event (at, actor_id, subject_type, subject_id, action, "
                "from_status, to_status, comment) VALUES (CURRENT_TIMESTAMP, NULL, 'certificate', :id, "
                "'replaced', 'valid', 'replaced', :comment)"
            ),
            {
                "id": row.id,
                "comment": f"A second current certificate of the same track ({keep.code}) "
                "was found when the one-current-certificate rule was added; the newer one "
                "stays current.",
            },
        )


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('uq_certificate_current')
        batch_op.drop_column('superseded_at')
