"""a sign-off keeps its hours entry; orphans from SQLite without foreign keys

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 20:30:00

A sign-off is a supervisor's signed attestation, part of the record even once voided: its hours
entry can no longer be deleted (``fk_sign_off_entry_id_hours_entry`` becomes ON DELETE RESTRICT
instead of CASCADE). Before, deleting a returned entry whose sign-off was voided deleted the
sign-off with it on PostgreSQL and, as SQLite ran without foreign keys, left it pointing at
nothing there.

SQLite now enforces foreign keys, so rows it let through before are settled here, each as its
foreign key's ON DELETE says PostgreSQL did when the row it points at was deleted: CASCADE
deletes it (and what points at it in turn), SET NULL empties the column. A sign-off deleted this
way leaves an audit event on its entry with what it said (who signed, their credential, when,
and the void and its reason). What no rule settles (a row whose RESTRICT or NO ACTION key points
at nothing: the app never deletes what they point at) is left as it is; ``migrations/env.py``
then names it and fails the upgrade, for a person to decide.

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

FK = 'fk_sign_off_entry_id_hours_entry'
AUDIT_COMMENT = 2200  # training.limits.AUDIT_COMMENT when this was written


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _settle_orphans(bind)
    _entry_key('RESTRICT')


def downgrade():
    _entry_key('CASCADE')


def _entry_key(ondelete):
    with op.batch_alter_table('sign_off', schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.create_foreign_key(FK, 'hours_entry', ['entry_id'], ['id'], ondelete=ondelete)


def _settle_orphans(bind):
    """Apply each violated foreign key's ON DELETE until none applies (a deleted row may leave
    rows that pointed at it orphans in turn)."""
    while True:
        settled = 0
        for table, rowid, _parent, key_id in bind.exec_driver_sql('PRAGMA foreign_key_check').all():
            keys = bind.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
            column, on_delete = next((k[3], k[6]) for k in keys if k[0] == key_id)
            if on_delete == 'CASCADE':
                if table == 'sign_off':
                    _record_removed_sign_off(bind, rowid)
                bind.execute(
                    sa.text(f'DELETE FROM "{table}" WHERE rowid = :rowid'), {'rowid': rowid}
                )
            elif on_delete == 'SET NULL':
                bind.execute(
                    sa.text(f'UPDATE "{table}" SET "{column}" = NULL WHERE rowid = :rowid'),
                    {'rowid': rowid},
                )
            else:
                continue
            settled += 1
        if settled == 0:
            return


def _record_removed_sign_off(bind, rowid):
    sign_off = bind.execute(
        sa.text(
            'SELECT entry_id, supervisor_name, supervisor_credential, signed_at, voided_at, '
            'void_reason FROM sign_off WHERE rowid = :rowid'
        ),
        {'rowid': rowid},
    ).one()
    comment = (
        'A sign-off of this deleted entry was removed when foreign keys were turned on (SQLite '
        'did not enforce them when the entry was deleted). It was signed by '
        f'{sign_off.supervisor_name} ({sign_off.supervisor_credential}) on {sign_off.signed_at}'
        + (
            f', and voided on {sign_off.voided_at}: {sign_off.void_reason}'
            if sign_off.voided_at
            else '.'
        )
    )
    if len(comment) > AUDIT_COMMENT:
        comment = comment[: AUDIT_COMMENT - 1] + '…'
    # the time as the app writes every time (``UTCDateTime``): SQLite's CURRENT_TIMESTAMP has
    # no fraction of a second, and '… 21:19:43' sorts before the app's '… 21:19:43.000000', so
    # the audit log's pages (ordered by time) would show this event twice
    bind.execute(
        sa.text(
            "INSERT INTO audit_event (at, actor_id, subject_type, subject_id, action, "
            "from_status, to_status, comment) VALUES (:at, NULL, 'hours_entry', "
            ":entry_id, 'sign-off removed', NULL, NULL, :comment)"
        ).bindparams(sa.bindparam('at', type_=sa.DateTime(timezone=True))),
        {'at': datetime.now(timezone.utc), 'entry_id': sign_off.entry_id, 'comment': comment},
    )
