"""The worker sends every committed message exactly once, through a real SMTP server: nothing
from a rolled-back event, nothing lost while the server is down (messages wait and go once it
is back), nothing twice (not with two workers at once, not after a worker died), temporary
refusals retried and permanent ones given up, every try recorded."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.helpers import (
    RACE_TIMEOUT,
    count,
    in_app,
    make_user,
    race_app,
)
from tests.mail.sending import attempts_of, due_now, marker, outbox, queue_message, run_worker
from tests.smtp_server import SMTPServer
from training.extensions import db
from training.mail import retention, sender, worker
from training.mail.models import MailAttempt, MailStatus, OutboxMessage
from training.mail.outbox import queue
from training.mail.worker import REMOVED_BODY, backoff, send_due
from training.models import Role, utcnow


def _trainees(number: int) -> list:  # type: ignore[type-arg]
    return [make_user(Role.TRAINEE, email=f"t{i}@example.org") for i in range(number)]


def _statuses(*ids: int) -> list[str]:
    return [outbox(i).status for i in ids]


def test_each_message_is_sent_once_and_its_attempt_recorded(app, smtp):
    ids = [queue_message(person) for person in _trainees(3)]

    first = run_worker(app, worker="host-a:1")
    again = run_worker(app, worker="host-a:1")

    assert (first.sent, first.retried, first.failed) == (3, 0, 0)
    assert again.sent == 0
    assert sorted(marker(m) for m in smtp.messages) == ids
    for message_id in ids:
        message = outbox(message_id)
        assert message.status == MailStatus.SENT and message.sent_at is not None
        assert message.claim_token is None and message.attempts == 0
        [attempt] = attempts_of(message_id)
        assert (attempt.outcome, attempt.worker, attempt.error) == ("sent", "host-a:1", None)


def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent(app, smtp):
    trainee = make_user(Role.TRAINEE)
    with app.test_request_context():
        assert queue(trainee, "test", "test_message", "Testing") is not None
        db.session.rollback()  # the event failed: its message goes with it

    assert run_worker(app).sent == 0
    assert smtp.messages == []
    assert count(OutboxMessage) == 0


def test_a_message_due_later_waits_until_then(app, smtp):
    trainee = make_user(Role.TRAINEE)
    message_id = queue_message(trainee, due=utcnow() + timedelta(hours=1))

    assert run_worker(app).sent == 0
    assert outbox(message_id).status == MailStatus.WAITING
    due_now(message_id)
    assert run_worker(app).sent == 1


def test_while_the_server_is_down_messages_wait_then_each_goes_once(app, smtp):
    ids = [queue_message(person) for person in _trainees(3)]
    smtp.stop()
    before = utcnow()

    down = run_worker(app)

    assert (down.sent, down.retried, down.failed) == (0, 3, 0)
    assert down.problems and "could not connect" in down.problems[0]
    for message_id in ids:
        message = outbox(message_id)
        assert message.status == MailStatus.WAITING
        assert message.attempts == 0  # the server's fault, not the message's
        assert message.next_attempt_at > before
        assert "could not connect" in message.last_error
        assert [a.outcome for a in attempts_of(message_id)] == ["retry"]

    smtp.start()  # back, on the same port
    assert run_worker(app).sent == 0  # not due yet: nothing is hammered
    due_now(*ids)
    back = run_worker(app)

    assert back.sent == 3
    assert Counter(marker(m) for m in smtp.messages) == dict.fromkeys(ids, 1)
    assert _statuses(*ids) == [MailStatus.SENT] * 3
    assert [a.outcome for a in attempts_of(ids[0])] == ["retry", "sent"]


def test_a_server_that_goes_down_mid_batch_loses_nothing_and_sends_nothing_twice(
    app, smtp, monkeypatch
):
    ids = [queue_message(person) for person in _trainees(4)]
    send = sender.Connection.send

    def send_then_go_down(connection, message):  # type: ignore[no-untyped-def]
        send(connection, message)
        if len(smtp.messages) == 1:
            smtp.stop()

    monkeypatch.setattr(sender.Connection, "send", send_then_go_down)
    during = run_worker(app)

    assert (during.sent, during.retried) == (1, 3)
    assert _statuses(*ids).count(MailStatus.WAITING) == 3

    smtp.start()
    due_now(*ids)
    after = run_worker(app)

    assert after.sent == 3
    assert Counter(marker(m) for m in smtp.messages) == dict.fromkeys(ids, 1)
    assert _statuses(*ids) == [MailStatus.SENT] * 4


def test_a_temporary_refusal_is_tried_again_later(app, smtp):
    message_id = queue_message(make_user(Role.TRAINEE))
    smtp.refuse_with("451 Try again later")
    before = utcnow()

    summary = run_worker(app)

    assert (summary.sent, summary.retried, summary.failed) == (0, 1, 0)
    message = outbox(message_id)
    assert (message.status, message.attempts) == (MailStatus.WAITING, 1)
    assert message.next_attempt_at > before
    assert message.last_error == "451 Try again later"
    [attempt] = attempts_of(message_id)
    assert (attempt.outcome, attempt.error) == ("retry", "451 Try again later")

    smtp.refuse_with(None)
    due_now(message_id)
    assert run_worker(app).sent == 1
    assert len(smtp.messages) == 1


def test_a_permanent_refusal_fails_the_message_at_once(app, smtp):
    message_id = queue_message(make_user(Role.TRAINEE))
    smtp.refuse_with("550 No such user here")

    summary = run_worker(app)

    assert (summary.sent, summary.retried, summary.failed) == (0, 0, 1)
    message = outbox(message_id)
    assert (message.status, message.attempts) == (MailStatus.FAILED, 1)
    assert message.last_error == "550 No such user here"
    assert [a.outcome for a in attempts_of(message_id)] == ["failed"]
    smtp.refuse_with(None)
    due_now(message_id)
    assert run_worker(app).sent == 0  # given up: only a lead's "try again" sends it now


def test_after_the_last_allowed_attempt_a_message_is_given_up(app, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    message_id = queue_message(make_user(Role.TRAINEE))
    smtp.refuse_with("421 Too busy, come back later")

    outcomes = []
    for _ in range(4):
        due_now(message_id)
        summary = run_worker(app)
        outcomes.append((summary.retried, summary.failed))

    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    message = outbox(message_id)
    assert (message.status, message.attempts) == (MailStatus.FAILED, 3)
    assert [a.outcome for a in attempts_of(message_id)] == ["retry", "retry", "failed"]
    assert smtp.messages == []


def test_the_wait_between_tries_doubles_from_a_minute_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(9) == timedelta(minutes=256)
    assert backoff(10) == backoff(12) == backoff(1000) == timedelta(hours=6)


def _claimed_by_a_dead_worker(message_id: int, until) -> None:  # type: ignore[no-untyped-def]
    with in_app():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=MailStatus.SENDING, claim_token="dead-worker", claimed_until=until)
        )
        db.session.commit()


def test_a_message_whose_worker_died_is_sent_by_another_once_the_claim_runs_out(app, smtp):
    expired, held = (queue_message(person) for person in _trainees(2))
    _claimed_by_a_dead_worker(expired, utcnow() - timedelta(seconds=1))
    _claimed_by_a_dead_worker(held, utcnow() + timedelta(hours=1))

    assert run_worker(app).sent == 1

    assert [marker(m) for m in smtp.messages] == [expired]
    assert outbox(expired).status == MailStatus.SENT
    assert outbox(held).status == MailStatus.SENDING  # its worker may still be sending it
    assert attempts_of(held) == []


def test_a_one_time_link_is_sent_then_removed_from_the_outbox(app, smtp):
    trainee = make_user(Role.TRAINEE, email="sam@example.org")
    sensitive = queue_message(trainee, sensitive=True)
    ordinary = queue_message(trainee)

    run_worker(app)

    received = {marker(m): m for m in smtp.messages}
    assert "email works" in received[sensitive].get_body(("plain",)).get_content()
    kept = outbox(sensitive)
    assert kept.status == MailStatus.SENT
    assert (kept.text_body, kept.html_body) == (REMOVED_BODY, REMOVED_BODY)
    assert "email works" in outbox(ordinary).text_body


def test_a_worker_asked_to_stop_gives_back_what_it_has_not_sent(app, smtp):
    ids = [queue_message(person) for person in _trainees(3)]

    summary = run_worker(app, should_stop=lambda: len(smtp.messages) >= 1)

    assert summary.sent == 1
    assert _statuses(*ids) == [MailStatus.SENT, MailStatus.WAITING, MailStatus.WAITING]
    for message_id in ids[1:]:
        message = outbox(message_id)
        assert message.attempts == 0 and message.claim_token is None
        assert attempts_of(message_id) == []
    assert run_worker(app).sent == 2  # and the next pass sends them at once


def test_without_a_mail_server_nothing_is_sent_and_messages_wait(app):
    message_id = queue_message(make_user(Role.TRAINEE))

    summary = run_worker(app)

    assert not summary.configured
    assert "not configured" in summary.line()
    message = outbox(message_id)
    assert (message.status, message.attempts) == (MailStatus.WAITING, 0)
    assert count(MailAttempt) == 0


MESSAGES = 200
WORKERS = 3


@pytest.fixture
def shared_database(tmp_path):
    with race_app(tmp_path) as app, SMTPServer() as server:
        app.config.update(server.settings())
        yield app, server


def test_workers_running_at_once_send_every_message_exactly_once(shared_database):
    app, server = shared_database
    people = _trainees(10)
    with app.test_request_context():
        for i in range(MESSAGES):
            queue(people[i % len(people)], "test", "test_message", f"Message {i}")
        db.session.commit()
        ids = list(db.session.scalars(select(OutboxMessage.id)))
    assert len(ids) == MESSAGES

    start = threading.Barrier(WORKERS, timeout=RACE_TIMEOUT)
    outcomes: list[object] = [None] * WORKERS

    def work(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                outcomes[n] = send_due(worker=f"worker-{n}")
        except Exception as error:  # reported by the test below
            outcomes[n] = error

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker still running: hung?"
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes

    received = Counter(marker(m) for m in server.messages)
    assert sorted(received) == sorted(ids)  # every message, and no other
    assert set(received.values()) == {1}, "a message was sent twice"
    assert sum(summary.sent for summary in outcomes) == MESSAGES  # type: ignore[union-attr]
    with app.app_context():
        statuses = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        attempts = db.session.scalar(
            select(func.count()).where(MailAttempt.outcome == "sent").select_from(MailAttempt)
        )
    assert statuses == {MailStatus.SENT.value: MESSAGES}
    assert attempts == MESSAGES


def test_a_fault_in_writing_scheduled_messages_does_not_hold_back_the_rest(app, smtp, monkeypatch):
    message_id = queue_message(make_user(Role.TRAINEE))

    def broken(now):  # type: ignore[no-untyped-def]
        raise RuntimeError("a reminder could not be written")

    monkeypatch.setattr("training.mail.schedule.queue_due", broken)
    summary = run_worker(app)

    assert summary.sent == 1
    assert outbox(message_id).status == MailStatus.SENT
    assert "Writing the scheduled messages failed" in summary.line()
    assert "a reminder could not be written" in summary.line()


def test_a_long_outage_never_gives_a_message_up(app, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    message_id = queue_message(make_user(Role.TRAINEE))
    smtp.stop()
    waits = []

    for _ in range(4):
        due_now(message_id)
        before = utcnow()
        assert run_worker(app).failed == 0
        waits.append(outbox(message_id).next_attempt_at - before)

    message = outbox(message_id)
    assert (message.status, message.attempts) == (MailStatus.WAITING, 0)
    assert [a.outcome for a in attempts_of(message_id)] == ["retry"] * 4
    assert waits == sorted(waits) and waits[0] < waits[-1]  # it backs off all the same

    smtp.start()
    due_now(message_id)
    assert run_worker(app).sent == 1


def test_a_message_that_cannot_be_built_fails_alone_and_the_batch_goes_on(app, smtp, monkeypatch):
    first, broken, last = (queue_message(person) for person in _trainees(3))
    build = worker.build_message

    def build_or_break(letter, config, *args):  # type: ignore[no-untyped-def]
        if letter.id == broken:
            raise ValueError("a header that cannot be written")
        return build(letter, config, *args)

    monkeypatch.setattr(worker, "build_message", build_or_break)
    summary = run_worker(app)

    assert (summary.sent, summary.retried, summary.failed) == (2, 0, 1)
    assert sorted(marker(m) for m in smtp.messages) == [first, last]
    message = outbox(broken)
    assert (message.status, message.claim_token) == (MailStatus.FAILED, None)
    assert "a header that cannot be written" in message.last_error
    [attempt] = attempts_of(broken)
    assert attempt.outcome == "failed" and "a header that cannot be written" in attempt.error
    assert run_worker(app).sent == 0  # not tried again by itself


def test_a_message_whose_sending_breaks_unexpectedly_fails_alone(app, smtp, monkeypatch):
    ids = [queue_message(person) for person in _trainees(3)]
    send = sender.Connection.send

    def send_or_break(connection, message):  # type: ignore[no-untyped-def]
        if marker(message) == ids[1]:
            raise RuntimeError("something nobody expected")
        send(connection, message)

    monkeypatch.setattr(sender.Connection, "send", send_or_break)
    summary = run_worker(app)

    assert (summary.sent, summary.failed) == (2, 1)
    assert _statuses(*ids) == [MailStatus.SENT, MailStatus.FAILED, MailStatus.SENT]
    assert "something nobody expected" in attempts_of(ids[1])[0].error


def _created(message_id: int, ago: timedelta) -> None:
    with in_app():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(created_at=utcnow() - ago)
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("kind", "life"),
    [
        ("invitation", lambda config: timedelta(hours=config["INVITATION_VALID_HOURS"])),
        (
            "password_reset",
            lambda config: timedelta(minutes=config["FORGOT_PASSWORD_VALID_MINUTES"]),
        ),
    ],
)
def test_a_one_time_link_that_expired_while_waiting_is_never_sent(app, smtp, kind, life):
    """Mail was down (or not set up) longer than the link lasts: sending it would only hand
    the person a dead link, and keeping it would keep a link in the outbox."""
    trainee = make_user(Role.TRAINEE)
    expired = queue_message(trainee, kind, sensitive=True)
    fresh = queue_message(trainee, kind, sensitive=True)
    _created(expired, life(app.config) + timedelta(minutes=1))
    _created(fresh, life(app.config) - timedelta(minutes=5))

    summary = run_worker(app)

    assert (summary.sent, summary.failed) == (1, 1)
    assert [marker(m) for m in smtp.messages] == [fresh]
    message = outbox(expired)
    assert message.status == MailStatus.FAILED
    assert message.last_error == "its link expired before it could be sent"
    assert (message.text_body, message.html_body) == (REMOVED_BODY, REMOVED_BODY)
    [attempt] = attempts_of(expired)
    assert (attempt.outcome, attempt.error) == ("failed", message.last_error)


def _sent_long_ago(message_id: int, ago: timedelta, status: str = MailStatus.SENT) -> None:
    with in_app():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=status, sent_at=utcnow() - ago, created_at=utcnow() - ago)
        )
        db.session.add(MailAttempt(message_id=message_id, worker="host:1", outcome=status))
        db.session.commit()


def test_sent_messages_are_removed_after_mail_keep_days_but_failed_ones_stay(
    app, smtp, monkeypatch
):
    monkeypatch.setattr(retention, "PURGE_BATCH", 2)
    app.config["MAIL_KEEP_DAYS"] = 90
    trainee = make_user(Role.TRAINEE)
    old = [queue_message(trainee) for _ in range(3)]
    recent, failed = queue_message(trainee), queue_message(trainee)
    for message_id in old:
        _sent_long_ago(message_id, timedelta(days=91))
    _sent_long_ago(recent, timedelta(days=89))
    _sent_long_ago(failed, timedelta(days=200), MailStatus.FAILED)

    first = run_worker(app)
    assert first.removed == 2  # a few at a time
    assert run_worker(app).removed == 1

    with in_app():
        kept = set(db.session.scalars(select(OutboxMessage.id)))
        attempts = set(db.session.scalars(select(MailAttempt.message_id)))
    assert kept == attempts == {recent, failed}
    assert "removed 2 sent messages older than 90 days" in first.line()
    assert run_worker(app).removed == 0


def test_mail_keep_days_of_zero_keeps_sent_messages(app, smtp):
    app.config["MAIL_KEEP_DAYS"] = 0
    message_id = queue_message(make_user(Role.TRAINEE))
    _sent_long_ago(message_id, timedelta(days=3000))

    assert run_worker(app).removed == 0
    assert outbox(message_id).status == MailStatus.SENT
