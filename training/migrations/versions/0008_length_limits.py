"""length limits on every text column

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 11:15:00

Every column that holds what people type gets the limit its form has (``training.limits``):
VARCHAR(n), which PostgreSQL enforces, and a named CHECK ``length(col) <= n``, which SQLite
enforces too (it ignores VARCHAR lengths).

Rows already longer than their new limit (possible before: the revoke, re-issue, void and
return forms did not check lengths, and SQLite stored any length) do not stop the upgrade:
they are shortened to fit, ending with "…" (and, in a column that must stay unique, the row's
id), and an audit event on the person, hours entry, certificate or cohort says what was
shortened and how long it was. The limits are written out here, not imported: a migration
must keep doing what it did when it was written.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

NAME, EMAIL, CREDENTIAL, REASON, NOTES = 120, 254, 200, 2000, 4000
RETURN_COMMENT, AUDIT_COMMENT = REASON + 100, REASON + 200

#: table -> [(column, limit, the column's type before, unique?)]
LIMITS = {
    'user': [
        ('email', EMAIL, sa.String(254), True),
        ('name', NAME, sa.String(120), False),
        ('credential', CREDENTIAL, sa.String(200), False),
    ],
    'hours_entry': [
        ('notes', NOTES, sa.Text(), False),
        ('return_comment', RETURN_COMMENT, sa.Text(), False),
    ],
    'sign_off': [
        ('supervisor_name', NAME, sa.String(120), False),
        ('supervisor_credential', CREDENTIAL, sa.String(200), False),
        ('void_reason', REASON, sa.Text(), False),
    ],
    'audit_event': [
        ('comment', AUDIT_COMMENT, sa.Text(), False),
    ],
    'certificate': [
        ('holder_name', NAME, sa.String(120), False),
        ('revoke_reason', REASON, sa.Text(), False),
    ],
    'cohort': [
        ('name', NAME, sa.String(120), True),
    ],
}

#: how an audit event names the row a shortened value belongs to: (subject type, id column)
SUBJECTS = {
    'user': ('user', 'id'),
    'hours_entry': ('hours_entry', 'id'),
    'sign_off': ('hours_entry', 'entry_id'),
    'certificate': ('certificate', 'id'),
    'cohort': ('cohort', 'id'),
}


def upgrade():
    bind = op.get_bind()
    for table, columns in LIMITS.items():
        for column, limit, _, unique in columns:
            _shorten(bind, table, column, limit, unique)
    for table, columns in LIMITS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, limit, before, _ in columns:
                if _retyped(before, limit):
                    batch_op.alter_column(column, existing_type=before, type_=sa.String(length=limit))
                batch_op.create_check_constraint(
                    op.f(f'ck_{table}_{column}_length'), f'length("{column}") <= {limit}'
                )


def _retyped(before, limit):
    """Was the column of another type (TEXT, or VARCHAR of another length)?"""
    return isinstance(before, sa.Text) or before.length != limit


def _shorten(bind, table, column, limit, unique):
    """Make every value of ``table.column`` fit ``limit``, with an audit event for each."""
    subject_type, id_column = SUBJECTS.get(table, (None, 'id'))
    rows = bind.execute(sa.text(
        f'SELECT id, {id_column} AS subject_id, "{column}" AS value FROM "{table}" '
        f'WHERE length("{column}") > :limit'
    ), {'limit': limit}).all()
    for row in rows:
        ending = f'… #{row.id}' if unique else '…'
        shortened = row.value[: limit - len(ending)] + ending
        bind.execute(
            sa.text(f'UPDATE "{table}" SET "{column}" = :value WHERE id = :id'),
            {'value': shortened, 'id': row.id},
        )
        if subject_type is None:
            continue  # an audit event's own comment: the "…" says it was shortened
        bind.execute(
            sa.text(
                "INSERT INTO audit_event (at, actor_id, subject_type, subject_id, action, "
                "from_status, to_status, comment) VALUES (CURRENT_TIMESTAMP, NULL, :subject, "
                ":subject_id, 'shortened', NULL, NULL, :comment)"
            ),
            {
                'subject': subject_type,
                'subject_id': row.subject_id,
                'comment': f'The {table.replace("_", " ")} {column.replace("_", " ")} was '
                f'{len(row.value):,} characters long, over the new limit of {limit:,}, so it '
                'was shortened when length limits were added. It began: '
                f'“{row.value[:200]}”',
            },
        )


def downgrade():
    for table, columns in LIMITS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, limit, before, _ in columns:
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}_length'), type_='check')
                if _retyped(before, limit):
                    batch_op.alter_column(column, existing_type=sa.String(length=limit), type_=before)
