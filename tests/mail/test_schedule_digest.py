"""The supervisor's digest: counts of what waits for them and links, at most once per
MAIL_DIGEST_HOURS, only when something new arrived, never to inactive or opted-out
supervisors, and never with a trainee's name or note. "Now" is passed in: no waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import assign, in_app, make_entry, make_user, save
from training.extensions import db
from training.mail import schedule_digest
from training.mail.models import MailOptOut, OutboxMessage
from training.mail.schedule import queue_due
from training.models import HoursEntry, Role, SupervisorAssignment
from training.practice.models import PracticeResponse
from training.urls import public_url

PROGRAM = "Peer Support Training Program"
#: what trainees wrote: never in a message
NOTE = "Talked about a boundary question with R.S."
RESPONSE = "I would tell Dana that it sounds lonely at work."


def start() -> datetime:
    """The first pass's "now": after every row the test wrote with the real clock."""
    return datetime.now(UTC) + timedelta(hours=1)


def run(app, now: datetime) -> int:
    """One pass of the scheduler. In a request context, as the other mail tests render
    messages: outside one, the navigation's context processor (``training._navigation``) reads
    ``current_user`` as None (``test_queue_due_runs_outside_a_request``)."""
    with app.test_request_context():
        return queue_due(now)


def messages(kind: str | None = None) -> list[OutboxMessage]:
    with in_app():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def submitted(trainee, supervisor, at: datetime, **fields) -> HoursEntry:
    """An hours entry waiting for ``supervisor``, submitted at ``at``."""
    entry = make_entry(trainee, supervisor, status="submitted", notes=NOTE, **fields)
    with in_app():
        db.session.execute(
            update(HoursEntry).where(HoursEntry.id == entry.id).values(submitted_at=at)
        )
        db.session.commit()
    return entry


def practice(trainee, at: datetime, exercise: str = "reflect-dana") -> PracticeResponse:
    """A practice response waiting for the trainee's supervisors, sent at ``at``."""
    response = PracticeResponse(
        trainee_id=trainee.id,
        course_id="basics",
        exercise_id=exercise,
        attempt=1,
        text=RESPONSE,
        content_version="1",
        submitted_at=at,
    )
    save(response)
    return response


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    riley = make_user(Role.TRAINEE, name="Riley Chen")
    jordan = make_user(Role.TRAINEE, name="Jordan Park")
    assign(riley, supervisor)
    assign(jordan, supervisor)
    return supervisor, riley, jordan


def test_the_digest_counts_what_waits_and_links_to_the_queues(app, team):
    supervisor, riley, jordan = team
    other = make_user(Role.SUPERVISOR, name="Alex Other")
    assign(riley, other)
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=3))
    submitted(riley, supervisor, t0 - timedelta(hours=2))
    submitted(jordan, supervisor, t0 - timedelta(hours=1))
    make_entry(riley, supervisor, status="draft", notes=NOTE)  # not submitted: not waiting
    make_entry(jordan, supervisor, status="approved", notes=NOTE)  # decided: not waiting
    practice(jordan, t0 - timedelta(hours=1))

    assert run(app, t0) == 1

    (digest,) = messages("supervisor_digest")
    assert digest.to_address == supervisor.email
    headline = "For your review: 3 entries of hours and 1 practice response"
    assert digest.subject == f"{headline} – {PROGRAM}"
    with app.app_context():
        queue = public_url("supervise.queue")
    for body in (digest.text_body, digest.html_body):
        assert (
            "Your Sign-off queue has 3 entries of hours to sign off and 1 practice response to "
            "review."
        ) in body
        assert "Open your Sign-off queue" in body and "Open practice to review" in body
        assert "Hello Sam Supervisor," in body
        assert queue in body and f"{queue}#practice" in body
        for private in ("Riley", "Jordan", "Chen", "Park", NOTE, "R.S.", RESPONSE, "Dana"):
            assert private not in body
    assert digest.list_unsubscribe  # an optional kind: one click turns it off
    # The other supervisor of Riley has nothing addressed to them: hours go to one supervisor.
    assert [m.to_address for m in messages()] == [supervisor.email]


def test_one_digest_per_window_and_only_for_something_new(app, team):
    supervisor, riley, jordan = team
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=2))

    assert run(app, t0) == 1
    assert run(app, t0) == 0  # the same pass again
    assert run(app, t0 + timedelta(minutes=30)) == 0  # the next pass
    assert run(app, t0 + timedelta(hours=30)) == 0  # a day on, nothing new: no reminder of it

    submitted(jordan, supervisor, t0 + timedelta(hours=31))
    assert run(app, t0 + timedelta(hours=32)) == 1
    assert messages()[-1].subject.startswith("For your review: 2 entries of hours –")

    # Something new soon after a digest waits for the next window.
    practice(riley, t0 + timedelta(hours=33))
    assert run(app, t0 + timedelta(hours=40)) == 0
    assert run(app, t0 + timedelta(hours=55)) == 0
    assert run(app, t0 + timedelta(hours=56)) == 1
    assert messages()[-1].subject.startswith(
        "For your review: 2 entries of hours and 1 practice response –"
    )
    assert len(messages("supervisor_digest")) == 3


def test_the_window_follows_mail_digest_hours(app, team):
    supervisor, riley, _ = team
    app.config["MAIL_DIGEST_HOURS"] = 4
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=1))
    assert run(app, t0) == 1
    submitted(riley, supervisor, t0 + timedelta(hours=1))
    assert run(app, t0 + timedelta(hours=3)) == 0
    assert run(app, t0 + timedelta(hours=4)) == 1


def test_a_trainee_assigned_later_brings_what_they_had_waiting(app, team):
    supervisor, riley, _ = team
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=1))
    assert run(app, t0) == 1
    newcomer = make_user(Role.TRAINEE, name="Casey Newcomer")
    practice(newcomer, t0 - timedelta(hours=5))  # sent before: waiting for any new supervisor
    save(
        SupervisorAssignment(
            trainee_id=newcomer.id,
            supervisor_id=supervisor.id,
            assigned_at=t0 + timedelta(hours=26),
        )
    )
    assert run(app, t0 + timedelta(hours=27)) == 1
    assert "Casey" not in messages()[-1].text_body
    assert messages()[-1].subject.startswith("For your review: 1 entry of hours and 1 practice")


def test_no_digest_when_mail_digest_hours_is_zero(app, team):
    supervisor, riley, _ = team
    app.config["MAIL_DIGEST_HOURS"] = 0
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=1))
    practice(riley, t0 - timedelta(hours=1))
    assert run(app, t0) == 0
    assert run(app, t0 + timedelta(days=3)) == 0
    assert messages("supervisor_digest") == []


def test_no_digest_for_inactive_or_opted_out_supervisors_or_an_empty_queue(app, team):
    supervisor, riley, jordan = team
    inactive = make_user(Role.SUPERVISOR, name="Former Supervisor", active=False)
    idle = make_user(Role.SUPERVISOR, name="Idle Supervisor")
    assign(jordan, inactive)
    assign(jordan, idle)
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=1))
    submitted(jordan, inactive, t0 - timedelta(hours=1))
    make_entry(jordan, idle, status="returned", notes=NOTE)  # back with the trainee
    save(MailOptOut(user_id=supervisor.id, kind="supervisor_digest"))

    assert run(app, t0) == 0
    assert messages() == []

    with in_app():
        db.session.execute(MailOptOut.__table__.delete().where(MailOptOut.user_id == supervisor.id))
        db.session.commit()
    assert run(app, t0 + timedelta(minutes=1)) == 1
    assert [m.to_address for m in messages()] == [supervisor.email]


def test_queue_due_runs_outside_a_request(app, team):
    """The worker calls ``queue_due`` in an app context with no request, as the command runs."""
    supervisor, riley, _ = team
    t0 = start()
    submitted(riley, supervisor, t0 - timedelta(hours=1))
    with app.app_context():
        assert queue_due(t0) == 1


def test_two_workers_straddling_a_window_boundary_write_one_digest(app, team, monkeypatch):
    """Two workers read who is due at 11:59:59 and 12:00:01 (on a 24-hour window's edge), each
    before the other wrote: one digest, not one per window (the key names the digest it
    follows, not the clock's window)."""
    supervisor, riley, _ = team
    app.config["MAIL_DIGEST_HOURS"] = 24
    boundary = datetime.fromtimestamp((int(start().timestamp()) // 86400 + 1) * 86400, UTC)
    submitted(riley, supervisor, boundary - timedelta(hours=2))
    real = schedule_digest.waiting_for_supervisors
    read: dict[str, object] = {}

    def read_before_either_wrote(digested_before):  # type: ignore[no-untyped-def]
        read.setdefault("due", real(digested_before))
        return read["due"]

    monkeypatch.setattr(schedule_digest, "waiting_for_supervisors", read_before_either_wrote)
    written = run(app, boundary - timedelta(seconds=1)) + run(app, boundary + timedelta(seconds=1))
    assert written == 1
    assert len(messages("supervisor_digest")) == 1
