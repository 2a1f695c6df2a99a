"""Invitations: a program lead makes an account without a password, and the platform emails
the person a one-time link to choose one. The message is written to the outbox in the
account's transaction; a program without mail hands the same link over (the page shows it).

One person (``invite_one``), or many from a CSV file: ``people_csv.read_people`` checks the
file alone (a pure function), ``preview`` adds what needs the database (addresses already
taken, cohorts) and ``invite_all`` checks it all again and creates every good row the preview
showed, a batch of rows a transaction. The database's unique email decides a row another lead
created meanwhile: that row is reported and the rest go on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, inspect, select

from training import audit
from training.accounts import AccountError, create_account
from training.auth import resets
from training.extensions import db
from training.lead.people_csv import (
    PeopleFile,
    PersonRow,
    only_previewed,
    read_people,
    with_database_problems,
)
from training.mail import kinds, outbox
from training.models import Cohort, PasswordReset, ResetPurpose, Role, User, utcnow
from training.urls import public_url


@dataclass(frozen=True)
class Invited:
    user: User
    #: the one-time link to choose a password: emailed, and shown once to hand over
    link: str


@dataclass(frozen=True)
class Waiting:
    """An invitation not accepted yet (its link perhaps expired)."""

    reset_id: int
    sent_at: datetime
    expires_at: datetime
    expired: bool


def lasts() -> str:
    """How long an invitation link works, in words ("7 days")."""
    return resets.lasts(_valid_for())


def _valid_for() -> timedelta:
    return timedelta(hours=current_app.config["INVITATION_VALID_HOURS"])


# --- one person ---------------------------------------------------------------------------------


def invite_one(
    lead: User, email: str, name: str, role: str, *, credential: str | None = None
) -> Invited:
    """Create the account without a password and its invitation, audited, and commit; or raise
    ``AccountError`` (``EmailTaken``: the address has an account) and change nothing."""
    invited = _invite(lead, email, name, role, credential=credential)
    db.session.commit()
    return invited


def _invite(
    lead: User,
    email: str,
    name: str,
    role: str,
    *,
    credential: str | None = None,
    cohort: Cohort | None = None,
    how: str = "",
) -> Invited:
    """The account, its cohort and its invitation, added to the current transaction."""
    user = create_account(
        email,
        name,
        role,
        None,
        by=lead,
        credential=credential if role == Role.SUPERVISOR else None,
        how=how,
        commit=False,
    )
    if cohort is not None and user.role == Role.TRAINEE:
        user.cohort_id = cohort.id
        audit.record(lead, "user", user.id, "added to cohort", comment=cohort.name)
    return Invited(user, _write_invitation(lead, user, "invited"))


def _write_invitation(lead: User, user: User, action: str) -> str:
    """A new invitation link for ``user`` (any earlier unused link stops working), its message
    in the outbox and its audit event, in the current transaction; the link."""
    token = resets.create(user, lead, ResetPurpose.INVITATION, _valid_for())
    link = public_url("auth.reset_password", token=token)
    outbox.queue(
        user,
        kinds.INVITATION.name,
        "invitation",
        "Your invitation: choose a password",
        sensitive=True,
        link=link,
        lead=lead,
        role=Role(user.role).label,
        lasts=lasts(),
    )
    audit.record(lead, "user", user.id, action)
    return link


def waiting(user: User) -> Waiting | None:
    """The invitation ``user`` has not accepted yet: the latest link made for them, still
    unused, is their invitation, or a "Forgot your password?" link they asked for before they
    ever chose a password (an invited account ``must_change_password`` until it uses a link).
    That link takes the invitation's place: the invitation still waits, sent when it was, with
    the newer link's expiry. None once they chose a password, or once a lead made a link to
    hand over instead."""
    latest = _latest_link(user)
    if latest is None or latest.used_at is not None:
        return None
    if latest.purpose == ResetPurpose.INVITATION:
        invitation: PasswordReset | None = latest
    elif latest.purpose == ResetPurpose.FORGOT and user.must_change_password:
        invitation = _latest_link(user, ResetPurpose.INVITATION)  # None: never invited
    else:
        return None
    if invitation is None:
        return None
    return Waiting(
        latest.id, invitation.created_at, latest.expires_at, latest.expires_at < utcnow()
    )


def _latest_link(user: User, purpose: ResetPurpose | None = None) -> PasswordReset | None:
    newest_first = select(PasswordReset).order_by(
        PasswordReset.created_at.desc(), PasswordReset.id.desc()
    )
    if purpose is not None:
        newest_first = newest_first.where(PasswordReset.purpose == purpose)
    return db.session.scalar(newest_first.where(PasswordReset.user_id == user.id).limit(1))


def send_again(lead: User, user: User) -> Invited | None:
    """A new invitation for an active ``user`` whose invitation waits, and commit; the old link
    (the invitation's, or the forgot link in its place) stops working. None (nothing changed)
    if none waits, also when it was accepted or sent again by someone else a moment ago: the
    conditional update of the old link decides."""
    pending = waiting(user)
    if pending is None or not user.active:
        return None
    if not resets.end_unused(pending.reset_id):
        return None
    invited = Invited(user, _write_invitation(lead, user, "invitation sent again"))
    db.session.commit()
    return invited


# --- many, from a CSV file ----------------------------------------------------------------------


def preview(text: str) -> PeopleFile:
    """The people of a CSV text with every problem that keeps a row from being invited now
    (``CsvRefused`` for the file as a whole). Nothing is written."""
    people = read_people(text)
    emails = {row.email for row in people.rows if row.email}
    taken = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    return with_database_problems(people, taken, _cohorts_by_name())


def _cohorts_by_name() -> dict[str, Cohort]:
    return {
        cohort.name.casefold(): cohort
        for cohort in db.session.scalars(select(Cohort).order_by(func.lower(Cohort.name)))
    }


#: rows invited in one transaction: few commits, and SQLite's write lock is not held for long
BATCH_ROWS = 100


def invite_all(
    lead: User, text: str, previewed: Collection[int]
) -> tuple[list[Invited], list[PersonRow]]:
    """Check the CSV text again (``preview``) and create the account and invitation of every
    good row among the ``previewed`` ones (the rows its preview showed as "will be invited"),
    ``BATCH_ROWS`` rows a transaction; (who was invited, the rows that were not, with their
    problems). A row whose address another lead took since the check is among the latter,
    and the rest still go (``_invite_batch``)."""
    people = only_previewed(preview(text), previewed)
    cohorts = _cohorts_by_name()
    invited: list[Invited] = []
    refused, good = people.refused, people.good
    for start in range(0, len(good), BATCH_ROWS):
        done, late = _invite_batch(lead, good[start : start + BATCH_ROWS], cohorts)
        invited += done
        refused += late
    _load_again([i.user for i in invited])
    return invited, sorted(refused, key=lambda row: row.number)


def _invite_batch(
    lead: User, rows: Sequence[PersonRow], cohorts: dict[str, Cohort]
) -> tuple[list[Invited], list[PersonRow]]:
    """Invite ``rows`` in one transaction. If one is refused (``EmailTaken``: its address
    taken since the check), ``create_account`` may have rolled the whole transaction back: it
    is rolled back for certain, and the rows are invited again one by one, each committed with
    its own invitation (SQLite has no savepoint inside a transaction's first write), so that
    row alone is refused."""
    try:
        invited = [_invite_row(lead, row, cohorts) for row in rows]
    except AccountError:
        db.session.rollback()
        return _invite_one_by_one(lead, rows, cohorts)
    db.session.commit()
    return invited, []


def _invite_one_by_one(
    lead: User, rows: Sequence[PersonRow], cohorts: dict[str, Cohort]
) -> tuple[list[Invited], list[PersonRow]]:
    invited: list[Invited] = []
    refused: list[PersonRow] = []
    for row in rows:
        try:
            invited.append(_invite_row(lead, row, cohorts))
            db.session.commit()
        except AccountError as error:  # EmailTaken: created by someone else since the check
            refused.append(replace(row, errors=(str(error),)))
    return invited, refused


def _invite_row(lead: User, row: PersonRow, cohorts: dict[str, Cohort]) -> Invited:
    return _invite(
        lead,
        row.email,
        row.name,
        row.role_value or "",
        credential=row.credential or None,
        cohort=cohorts.get(row.cohort.casefold()) if row.cohort else None,
        how="invited from a CSV file",
    )


def _load_again(users: Sequence[User]) -> None:
    """Load the ``users`` a commit expired in one query, not one each as the page reads them."""
    ids = [inspect(user).identity[0] for user in users]  # known without loading the user
    for start in range(0, len(ids), BATCH_ROWS):
        db.session.scalars(select(User).where(User.id.in_(ids[start : start + BATCH_ROWS]))).all()
