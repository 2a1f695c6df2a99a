"""The leads' weekly summary: once per ISO week per active lead, from Monday 06:00 UTC, with the
trainees eligible but not yet certified, the certificates expiring soon and the messages that
could not be sent; nothing in a week when all three are zero."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import in_app, make_certificate, make_user, save
from tests.mail.test_schedule_digest import messages, run
from tests.training.certs.test_views import make_eligible
from tests.training.certs.test_views import use_track as serve_test_track
from training.extensions import db
from training.mail import schedule_weekly
from training.mail.models import MailAttempt, MailOptOut, MailScheduleMark, OutboxMessage
from training.models import Certificate, Role, User
from training.urls import public_url


def next_monday() -> datetime:
    """Monday 06:00 UTC of next week: after every row the test writes with the real clock."""
    today = datetime.now(UTC).date()
    return datetime.combine(today + timedelta(days=7 - today.weekday()), time(6), tzinfo=UTC)


def expiring(holder: User, on, **fields) -> Certificate:
    cert = make_certificate(holder, **fields)
    with in_app():
        db.session.execute(
            update(Certificate).where(Certificate.id == cert.id).values(expires_on=on)
        )
        db.session.commit()
    return cert


def failed_message(user: User, attempted: datetime, status: str = "failed") -> None:
    message = OutboxMessage(
        kind="hours_decision",
        user_id=user.id,
        to_address=user.email,
        subject="Something",
        text_body="x",
        html_body="x",
        status=status,
        attempts=1,
    )
    save(message)
    save(MailAttempt(message_id=message.id, at=attempted, worker="test:1", outcome="failed"))


def weekly() -> list[OutboxMessage]:
    return messages("lead_weekly")


def marks() -> list[str]:
    """The scheduled jobs marked done (``MailScheduleMark``)."""
    with in_app():
        return list(db.session.scalars(select(MailScheduleMark.key).order_by("key")))


def week_mark(monday: datetime) -> str:
    year, week, _ = monday.isocalendar()
    return f"weekly:{year}-W{week:02d}"


@pytest.fixture
def lead(app):
    app.config["MAIL_RENEWAL_DAYS"] = []  # the holders' own reminders are tested elsewhere
    return make_user(Role.LEAD, name="Morgan Lead")


def test_once_a_week_from_monday_six_in_the_morning(app, lead):
    monday = next_monday()
    expiring(make_user(), monday.date() + timedelta(days=20))
    assert run(app, monday - timedelta(minutes=1)) == 0  # Monday 05:59
    assert run(app, monday) == 1
    assert run(app, monday) == 0
    assert run(app, monday + timedelta(days=3)) == 0
    assert run(app, monday + timedelta(days=6, hours=17, minutes=59)) == 0  # Sunday 23:59
    assert run(app, monday + timedelta(days=7)) == 1
    year, week, _ = monday.isocalendar()
    assert weekly()[0].dedupe_key == f"weekly:{lead.id}:{year}-W{week:02d}"
    assert [m.to_address for m in weekly()] == [lead.email, lead.email]


def test_nothing_in_a_quiet_week(app, lead):
    monday = next_monday()
    make_certificate(make_user(), expires_in_days=700)  # far from expiry
    failed_message(lead, monday - timedelta(days=8))  # given up before last week
    assert run(app, monday) == 0
    assert run(app, monday + timedelta(hours=1)) == 0
    assert weekly() == []


def test_the_summary_counts_what_needs_the_leads_attention(app, lead, tmp_path):
    serve_test_track(app, tmp_path)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    waiting = make_user(Role.TRAINEE, name="Riley Chen")
    certified = make_user(Role.TRAINEE, name="Jordan Park")
    gone = make_user(Role.TRAINEE, name="Casey Gone")
    make_user(Role.TRAINEE, name="Drew Beginner")  # not eligible yet
    for trainee in (waiting, certified, gone):
        make_eligible(app, trainee, supervisor)
    make_certificate(certified, expires_in_days=700)
    with in_app():
        db.session.execute(update(User).where(User.id == gone.id).values(active=False))
        db.session.commit()
    monday = next_monday()
    soon = monday.date()
    expiring(make_user(name="Alex Soon"), soon + timedelta(days=10))
    expiring(make_user(name="Blake Later"), soon + timedelta(days=50))
    expiring(make_user(name="Cam Far"), soon + timedelta(days=90))  # beyond the 60 days
    expiring(make_user(name="Dee Revoked"), soon + timedelta(days=5), revoked_at=monday)
    failed_message(certified, monday - timedelta(days=1))
    failed_message(certified, monday - timedelta(days=6))
    failed_message(certified, monday - timedelta(days=10))  # before the past week
    failed_message(certified, monday - timedelta(days=1), status="waiting")  # tried again

    assert run(app, monday) == 1

    (summary,) = weekly()
    assert summary.to_address == lead.email
    assert summary.subject.startswith("Your weekly summary")
    with app.app_context():
        links = [public_url("lead.cohorts"), public_url("certs.renewals_due")]
    for body in (summary.text_body, summary.html_body):
        assert "Hello Morgan Lead," in body
        assert "1 trainee is ready for their certificate, which has not been issued yet." in body
        assert "Issue certificates from Cohorts" in body
        assert "2 certificates expire in the next 60 days." in body
        assert "2 emails could not be sent in the past week." in body
        assert all(link in body for link in links)
        assert "/lead/mail" in body
        for name in ("Riley", "Jordan", "Casey", "Drew", "Alex", "Blake", "Cam", "Dee", "Sam"):
            assert name not in body
    assert summary.list_unsubscribe


def test_only_the_numbers_that_are_not_zero(app, lead):
    monday = next_monday()
    failed_message(lead, monday - timedelta(hours=2))
    assert run(app, monday) == 1
    (summary,) = weekly()
    assert "1 email could not be sent in the past week." in summary.text_body
    assert "ready for" not in summary.text_body and "expire" not in summary.text_body


def test_not_to_inactive_or_opted_out_leads_nor_to_anyone_else(app, lead):
    monday = next_monday()
    expiring(make_user(), monday.date() + timedelta(days=20))
    make_user(Role.LEAD, active=False)
    opted_out = make_user(Role.LEAD)
    save(MailOptOut(user_id=opted_out.id, kind="lead_weekly"))
    make_user(Role.SUPERVISOR)
    second = make_user(Role.LEAD, name="Second Lead")
    assert run(app, monday) == 2
    assert sorted(m.to_address for m in weekly()) == sorted([lead.email, second.email])


def test_a_quiet_week_is_marked_done_and_never_worked_out_again(app, lead, monkeypatch):
    """Every pass (cron's ``mail send --once`` is a new process each minute) sees the mark and
    works nothing out; news later in the week waits for next week's summary."""
    monday = next_monday()
    assert run(app, monday) == 0
    assert marks() == [week_mark(monday)] and weekly() == []
    expiring(make_user(), monday.date() + timedelta(days=20))
    worked_out = []
    real = schedule_weekly.summarise
    monkeypatch.setattr(
        schedule_weekly, "summarise", lambda now: worked_out.append(now) or real(now)
    )
    app.extensions.pop("mail_quiet_weeks", None)  # as in a new process
    assert run(app, monday + timedelta(days=1)) == 0
    assert worked_out == [] and weekly() == []
    assert run(app, monday + timedelta(days=7)) == 1  # next week, worked out again
    assert len(worked_out) == 1
    assert marks() == sorted([week_mark(monday), week_mark(monday + timedelta(days=7))])


def test_the_mark_is_written_with_the_summaries_or_not_at_all(app, lead, monkeypatch):
    """A pass that fails half-way leaves neither a mark nor any summary: the next pass writes
    every lead's."""
    monday = next_monday()
    second = make_user(Role.LEAD, name="Second Lead")
    expiring(make_user(), monday.date() + timedelta(days=20))
    real = schedule_weekly.queue

    def failing(user, *args, **kwargs):  # type: ignore[no-untyped-def]
        if user.id == second.id:
            raise RuntimeError("a template could not be rendered")
        return real(user, *args, **kwargs)

    monkeypatch.setattr(schedule_weekly, "queue", failing)
    assert run(app, monday) == 0
    assert weekly() == [] and marks() == []
    monkeypatch.setattr(schedule_weekly, "queue", real)
    assert run(app, monday + timedelta(minutes=1)) == 2
    assert sorted(m.to_address for m in weekly()) == sorted([lead.email, second.email])
    assert marks() == [week_mark(monday)]
