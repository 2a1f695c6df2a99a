"""Messages written when something happens: to a trainee when their hours are signed off (and
when their supervisor undoes that) or sent back (by their supervisor, by a lead reopening a
sign-off, or because their supervisor changed), their practice is accepted or needs another
try, their outside training or continuing education is approved or sent back, and their
certificate is issued, renewed, re-issued or revoked; to a supervisor when something new waits
for them (only when ``MAIL_DIGEST_HOURS`` is 0: otherwise their periodic digest tells them).

Each function is called by the service that makes the change, next to its ``audit.record`` and
before its commit, so the message is written in the event's transaction: an event that changes
nothing (a lost race, a stale page) or rolls back writes no message.

Privacy: a message says what happened and links to the page. No comment, feedback, rating,
reason or title (of a course, a track or outside training: each can point to someone's own
recovery) goes into one, and a supervisor's message names no trainee (see
``training.mail.outbox``).

Wording: hours are "signed off" or "sent back", practice "accepted" or "another try", outside
training "approved" or "sent back"; work is "sent"; links name the page they open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import delete, exists, select

from training.extensions import db
from training.mail import kinds
from training.mail.models import MailStatus, OutboxMessage
from training.mail.outbox import queue, wants
from training.mail.schedule_common import digest_hours
from training.models import Certificate, EntryStatus, HoursEntry, SignOff, User
from training.urls import public_url

# --- hours -------------------------------------------------------------------------------------


class SignedOff:
    """One message per trainee for one approval action, however many entries it signs.

    A supervisor's approval signs each entry in a transaction of its own, and the message must
    be in the transaction of what it tells. So the first entry approved writes the message, and
    each next one withdraws it (while it is still unsent: a conditional DELETE) and writes it
    again with the new count, in its own transaction. Should the worker have claimed the message
    in between, it is sent as it was, and the next entries get a message of their own: nothing
    is ever told twice or lost. The message names the sign-offs it tells of in its key
    (``signed_off_key``), so undoing one of them finds it (``hours_sign_off_undone``); one that
    would name more than its key holds leaves the rest to a message of their own."""

    def __init__(self) -> None:
        #: trainee id -> the message not yet sent, how many entries it tells, its sign-offs
        self._written: dict[int, tuple[int, int, list[int]]] = {}

    def add(self, entry: HoursEntry) -> None:
        """``entry`` was just approved, in the current transaction."""
        trainee = entry.trainee
        message_id, told, named = self._written.pop(trainee.id, (0, 0, []))
        named = named + _in_force(entry)
        if len(signed_off_key(named) or "") > KEY_LENGTH or not (
            message_id and _withdrawn(message_id)
        ):
            told, named = 0, _in_force(entry)
        message = _write_signed_off(trainee, told + 1, named)
        if message is not None:
            db.session.flush()  # its id, to withdraw it if another entry follows
            self._written[trainee.id] = (message.id, told + 1, named)


#: how a "signed off" message's key starts; the ids of the sign-offs it tells of follow
SIGNED_OFF_KEY = "signed-off:"
KEY_LENGTH = OutboxMessage.__table__.c.dedupe_key.type.length


def signed_off_key(sign_off_ids: Iterable[int]) -> str | None:
    """The key of the message telling of these sign-offs, e.g. ``signed-off:12-15,19`` (runs
    of consecutive ids as ranges: one approval's are mostly consecutive); None for none."""
    runs: list[list[int]] = []
    for sign_off_id in sorted(set(sign_off_ids)):
        if runs and sign_off_id == runs[-1][1] + 1:
            runs[-1][1] = sign_off_id
        else:
            runs.append([sign_off_id, sign_off_id])
    if not runs:
        return None
    return SIGNED_OFF_KEY + ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def _named_by(key: str) -> set[int]:
    """The sign-off ids a ``signed_off_key`` names."""
    ids: set[int] = set()
    for run in key.removeprefix(SIGNED_OFF_KEY).split(","):
        first, _, last = run.partition("-")
        ids.update(range(int(first), int(last or first) + 1))
    return ids


def _in_force(entry: HoursEntry) -> list[int]:
    """The id of the entry's sign-off in force (just written), as a list of none or one."""
    return list(
        db.session.scalars(
            select(SignOff.id).where(SignOff.entry_id == entry.id, SignOff.voided_at.is_(None))
        )
    )


def _write_signed_off(trainee: User, count: int, sign_off_ids: list[int]) -> OutboxMessage | None:
    return queue(
        trainee,
        kinds.HOURS_DECISION.name,
        "hours_signed_off",
        "Your hours were signed off",
        dedupe_key=signed_off_key(sign_off_ids),
        count=count,
        link=public_url("hours.index"),
    )


def _withdrawn(message_id: int) -> bool:
    """Delete the message if no worker has picked it up yet (never tried): whether it was.
    A worker claiming it at the same moment either goes first (then nothing is deleted) or
    finds it gone: the DELETE and the claim are each one conditional statement on the row."""
    result = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MailStatus.WAITING,
            OutboxMessage.attempts == 0,
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def hours_sign_off_undone(entry: HoursEntry, sign_off_id: int) -> None:
    """The supervisor undid their approval of the entry (the sign-off ``sign_off_id``); it
    waits for their sign-off again. The "signed off" message that told of it is withdrawn if no
    worker has picked it up (``_take_back_signed_off``); once one has (it is being sent, or
    was), the trainee is told the entry is being looked at again, so they are not left
    believing it. Trainees' messages go at once whatever ``MAIL_DIGEST_HOURS`` says (the digest
    is the supervisors'), so this holds in both modes."""
    if _take_back_signed_off(entry.trainee, sign_off_id) is not False:
        return
    queue(
        entry.trainee,
        kinds.HOURS_DECISION.name,
        "hours_sign_off_undone",
        "Your supervisor is taking another look at an hours entry",
        link=public_url("hours.detail", entry_id=entry.id),
    )


#: how many times the undo looks again for the message naming a sign-off, when each time the
#: approval of another entry had just written it again (under another key)
TAKE_BACK_LOOKS = 5


def _take_back_signed_off(trainee: User, sign_off_id: int) -> bool | None:
    """The sign-off ``sign_off_id`` stands no more (undone or voided): withdraw the unsent
    "signed off" message that told of it, written again for the other sign-offs it told of, if
    any. True if withdrawn; False if a worker had picked it up; None if no message named it
    (the trainee had turned these messages off, or it predates keys).

    An approval of another of the trainee's entries withdraws and writes that message again,
    under a new key, in its own transaction (``SignedOff.add``): when the DELETE finds nothing,
    the message is looked at again, never guessed. Gone: it was replaced (or removed), so the
    one naming the sign-off now is looked for again; still there: a worker has it. After
    ``TAKE_BACK_LOOKS`` looks, or when no message names the sign-off any more, it is treated
    as picked up, so the trainee is told the entry is looked at again rather than nothing."""
    for look in range(TAKE_BACK_LOOKS):
        found = _message_naming(trainee, sign_off_id)
        if found is None:
            return None if look == 0 else False
        message_id, named = found
        if _withdrawn(message_id):
            if others := sorted(named - {sign_off_id}):
                _write_signed_off(trainee, len(others), others)
            return True
        if _still_there(message_id):
            return False  # a worker claimed it, is sending it, or sent it
    return False


def _message_naming(trainee: User, sign_off_id: int) -> tuple[int, set[int]] | None:
    """The newest "signed off" message of the trainee naming the sign-off (in any status), and
    the sign-offs it names."""
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key)
        .where(
            OutboxMessage.user_id == trainee.id,
            OutboxMessage.kind == kinds.HOURS_DECISION.name,
            OutboxMessage.dedupe_key.startswith(SIGNED_OFF_KEY),
        )
        .order_by(OutboxMessage.id.desc())
    )
    return next(((m, ids) for m, key in rows if sign_off_id in (ids := _named_by(key))), None)


def _still_there(message_id: int) -> bool:
    return db.session.scalar(select(exists().where(OutboxMessage.id == message_id))) is True


def hours_returned(entry: HoursEntry) -> None:
    """A supervisor returned the entry with a comment (which stays on the page)."""
    queue(
        entry.trainee,
        kinds.HOURS_DECISION.name,
        "hours_returned",
        "Please take another look at an hours entry",
        link=public_url("hours.detail", entry_id=entry.id),
    )


def hours_sign_off_withdrawn(entry: HoursEntry, sign_off_id: int) -> None:
    """A program lead voided the entry's sign-off (``sign_off_id``); the entry is back with the
    trainee. A "signed off" message about it that waits unsent is withdrawn first."""
    _take_back_signed_off(entry.trainee, sign_off_id)
    queue(
        entry.trainee,
        kinds.HOURS_DECISION.name,
        "hours_sign_off_withdrawn",
        "One of your hours entries needs another look",
        link=public_url("hours.detail", entry_id=entry.id),
    )


def sent_back_for_a_new_supervisor(entries: Iterable[int], practice: Iterable[int]) -> None:
    """A lead ended a supervision (``hours.assignments``), and what waited for that supervisor
    went back: ``entries`` holds the trainee id of each hours entry sent back, ``practice`` that
    of each practice response sent back. Each trainee hears of it once, in one message telling
    what they want to hear of (hours, practice or both), in the caller's transaction."""
    hours = Counter(entries)
    responses = Counter(practice)
    for trainee_id in sorted(set(hours) | set(responses)):
        trainee = db.session.get(User, trainee_id)
        if trainee is None:
            continue
        count = hours[trainee_id] if wants(trainee, kinds.HOURS_DECISION.name) else 0
        sent = responses[trainee_id] if wants(trainee, kinds.PRACTICE_DECISION.name) else 0
        if not (count or sent):
            continue
        queue(
            trainee,
            (kinds.HOURS_DECISION if count else kinds.PRACTICE_DECISION).name,
            "hours_supervisor_changed",
            "Your supervisor has changed",
            hours=count,
            practice=sent,
            link=public_url("hours.index"),
            # Courses, not the exercise: an exercise's address names its course
            practice_link=public_url("learning.catalogue"),
        )


# --- practice ----------------------------------------------------------------------------------


def practice_reviewed(trainee: User, course_id: str, exercise_id: str, accepted: bool) -> None:
    """A supervisor accepted the trainee's practice response, or asked for another try (their
    feedback and ratings stay on the page; the course is not named)."""
    queue(
        trainee,
        kinds.PRACTICE_DECISION.name,
        "practice_accepted" if accepted else "practice_returned",
        "Your practice response was accepted"
        if accepted
        else "Your supervisor asked for another try at a practice exercise",
        link=public_url("practice.exercise", course_id=course_id, exercise_id=exercise_id),
    )


# --- outside training and continuing education -------------------------------------------------

#: how a message names a record of each kind (never its title or provider: they could name a
#: clinic or a service the trainee uses)
OUTSIDE_WORDS = {"outside": "outside training", "ce": "continuing education"}


def outside_decided(trainee: User, record_id: int, kind: str, approved: bool) -> None:
    """A program lead approved the record, or sent it back with a comment."""
    what = OUTSIDE_WORDS[kind]
    queue(
        trainee,
        kinds.OUTSIDE_DECISION.name,
        "outside_approved" if approved else "outside_returned",
        f"Your {what} record was approved"
        if approved
        else f"Please take another look at your {what} record",
        what=what,
        link=public_url("outside.detail", record_id=record_id),
    )


# --- certificates ------------------------------------------------------------------------------


def certificate_issued(certificate: Certificate, renewed: bool = False) -> None:
    """A certificate was issued to its holder (by a lead, automatically, or by renewing). The
    track is not named (its title can point to a recovery program): the page shows it."""
    from training.certs.issuing import verify_url  # issuing writes these messages

    queue(
        certificate.holder,
        kinds.CERTIFICATE.name,
        "certificate_issued",
        "Your certificate has been renewed"
        if renewed
        else "Congratulations: your certificate has been issued",
        renewed=renewed,
        verify_link=verify_url(certificate.code),
        link=public_url("certs.mine"),
    )


def certificate_replaced(new: Certificate, action: str) -> None:
    """``new`` replaced the holder's certificate: ``action`` "renewed" (told as a new issue)
    or "re-issued" (a correction, with a new code)."""
    if action == "renewed":
        certificate_issued(new, renewed=True)
        return
    from training.certs.issuing import verify_url

    queue(
        new.holder,
        kinds.CERTIFICATE.name,
        "certificate_replaced",
        "Your certificate has been re-issued",
        verify_link=verify_url(new.code),
        link=public_url("certs.mine"),
    )


def certificate_revoked(certificate: Certificate) -> None:
    """A lead revoked the certificate (the reason is on the holder's page, never in the
    message; the subject, seen on a lock screen, says only that there is news)."""
    queue(
        certificate.holder,
        kinds.CERTIFICATE.name,
        "certificate_revoked",
        "An update about your certificate",
        link=public_url("certs.mine"),
    )


# --- what waits for a supervisor ---------------------------------------------------------------


def _each_at_once() -> bool:
    """``MAIL_DIGEST_HOURS`` 0: a supervisor hears of each submission at once (otherwise the
    periodic digest, ``training.mail.schedule_digest``, tells them)."""
    return digest_hours() <= 0


def hours_sent_for_sign_off(trainee: User, entry_ids: Iterable[int]) -> None:
    """The trainee just sent these hours entries for sign-off: each supervisor they went to (an
    active one, still assigned to the trainee) hears of it once, when messages go at once. A
    supervisor with only older entries of the trainee waiting is not told again."""
    ids = list(entry_ids)
    if not ids or not _each_at_once():
        return
    from training.hours.assignments import supervision

    sent_to = select(HoursEntry.supervisor_id).where(
        HoursEntry.id.in_(ids),
        HoursEntry.trainee_id == trainee.id,
        HoursEntry.status == EntryStatus.SUBMITTED,
    )
    supervisors = db.session.scalars(
        select(User).where(User.id.in_(sent_to), supervision(trainee.id, User.id)).order_by(User.id)
    )
    for supervisor in supervisors:
        _new_for_review(supervisor, hours=True)


def practice_sent_for_review(trainee: User) -> None:
    """The trainee sent a practice response: every supervisor assigned to them (active) may
    review it, so each hears of it, when messages go at once."""
    if not _each_at_once():
        return
    from training.hours.services import assigned_supervisors

    for supervisor in assigned_supervisors(trainee):
        if supervisor.id != trainee.id:
            _new_for_review(supervisor, hours=False)


def _new_for_review(supervisor: User, hours: bool) -> None:
    """One message, with the one link that fits what was sent (the Sign-off queue, or its
    practice part)."""
    queue_page = public_url("supervise.queue")
    queue(
        supervisor,
        kinds.SUPERVISOR_DIGEST.name,
        "new_for_review",
        "Hours are waiting for your sign-off"
        if hours
        else "A practice response is waiting for your review",
        hours=hours,
        link=queue_page if hours else f"{queue_page}#practice",
    )
