"""Renewal reminders: 60, 30 and 7 days before a current certificate expires, each once, the
smallest threshold reached (never a late 60-day one), none for a revoked, replaced or expired
certificate; the message says when and what renewing needs, with no course title."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta

import pytest

from certificates.rulebook import ContinuingEducation
from tests.helpers import make_certificate, make_user, save, use_track
from tests.mail.test_schedule_digest import messages, run
from training import content
from training.mail.models import MailOptOut
from training.models import Certificate, Role, utcnow
from training.urls import public_url


def days_before(certificate: Certificate, days: int) -> datetime:
    """Noon UTC, ``days`` days before the certificate expires."""
    return datetime.combine(certificate.expires_on - timedelta(days=days), time(12), tzinfo=UTC)


def keys() -> list[str]:
    return [m.dedupe_key for m in messages("renewal_due")]


@pytest.fixture
def holder(app):
    return make_user(Role.TRAINEE, name="Riley Chen")


def test_a_reminder_at_60_30_and_7_days_each_once(app, holder):
    cert = make_certificate(holder, expires_in_days=300)
    assert run(app, days_before(cert, 61)) == 0
    assert run(app, days_before(cert, 60)) == 1
    assert run(app, days_before(cert, 60)) == 0
    assert run(app, days_before(cert, 45)) == 0
    assert run(app, days_before(cert, 30)) == 1
    assert run(app, days_before(cert, 29)) == 0
    assert run(app, days_before(cert, 7)) == 1
    assert run(app, days_before(cert, 1)) == 0
    assert run(app, days_before(cert, 0)) == 0
    assert run(app, days_before(cert, -1)) == 0  # expired
    assert keys() == [f"renewal:{cert.id}:{days}" for days in (60, 30, 7)]
    assert [m.subject.split(" – ")[0] for m in messages()] == [
        "Time to renew your certificate (expires in 60 days)",
        "Time to renew your certificate (expires in 30 days)",
        "Time to renew your certificate (expires in 7 days)",
    ]


def test_a_threshold_already_passed_is_skipped(app, holder):
    cert = make_certificate(holder, expires_in_days=300)
    assert run(app, days_before(cert, 25)) == 1
    assert keys() == [f"renewal:{cert.id}:30"]
    assert run(app, days_before(cert, 20)) == 0
    assert run(app, days_before(cert, 3)) == 1
    assert keys() == [f"renewal:{cert.id}:30", f"renewal:{cert.id}:7"]


def test_the_thresholds_follow_mail_renewal_days(app, holder):
    app.config["MAIL_RENEWAL_DAYS"] = [14]
    cert = make_certificate(holder, expires_in_days=300)
    assert run(app, days_before(cert, 30)) == 0
    assert run(app, days_before(cert, 14)) == 1
    assert keys() == [f"renewal:{cert.id}:14"]


def test_none_for_revoked_replaced_or_expired_certificates_or_who_does_not_want_it(app):
    today = utcnow().date()
    make_certificate(make_user(), expires_in_days=30, revoked_at=utcnow())
    replaced_holder = make_user()
    newer = make_certificate(replaced_holder, expires_in_days=700, code="NEWER0000001")
    make_certificate(
        replaced_holder,
        expires_in_days=30,
        code="OLDER0000001",
        superseded_at=utcnow(),
        replaced_by_id=newer.id,
    )
    make_certificate(make_user(), issued_days_ago=800, expires_in_days=-1)
    make_certificate(make_user(active=False), expires_in_days=30)
    opted_out = make_user()
    make_certificate(opted_out, expires_in_days=30)
    save(MailOptOut(user_id=opted_out.id, kind="renewal_due"))
    now = datetime.combine(today, time(12), tzinfo=UTC)
    assert run(app, now) == 0
    assert run(app, now + timedelta(days=1)) == 0
    assert messages() == []


def test_the_reminder_says_when_and_what_renewing_needs_without_course_titles(app, holder):
    cert = make_certificate(holder, expires_in_days=300)
    run(app, days_before(cert, 30))
    (reminder,) = messages("renewal_due")
    expires = f"{cert.expires_on.day} {cert.expires_on:%B %Y}"
    with app.app_context():
        titles = [course.title for course in content.library().courses]
        links = public_url("certs.mine"), public_url("outside.index")
    assert reminder.to_address == holder.email
    for body in (reminder.text_body, reminder.html_body):
        assert f"Your certificate expires in 30 days, on {expires}." in body
        assert "Hello Riley Chen," in body  # their own name
        # the real Peer Recovery track: three courses and the code of ethics again, no CE
        assert "Complete 3 courses again" in body
        assert "statements again: Code of ethics" in body
        assert "See what you need to renew" in body
        assert "your program lead can help" in body
        assert "track" not in body and "continuing-education" not in body
        assert "hours of continuing education" not in body
        assert all(link in body for link in links)
        assert [t for t in titles if t in body] == []
    assert reminder.list_unsubscribe


def test_the_reminder_gives_the_continuing_education_the_track_asks(app, holder):
    with app.app_context():
        track = content.store().tracks.track("peer-recovery")
    ce = ContinuingEducation(hours=20, by_domain={"ethical_responsibility": 6})
    use_track(app, renewal=dataclasses.replace(track.renewal, continuing_education=ce))
    cert = make_certificate(holder, expires_in_days=300)
    run(app, days_before(cert, 7))
    (reminder,) = messages("renewal_due")
    for body in (reminder.text_body, reminder.html_body):
        assert "Your certificate expires in 7 days, on" in body
        assert (
            "Record 20 hours of continuing education (6 hours in Ethical Responsibility), "
            "approved by your program lead"
        ) in body
        assert (
            "So far you have 0 of 20 hours of continuing education (0 of 6 hours in Ethical "
            "Responsibility)."
        ) in body


def test_the_last_days_read_tomorrow_and_today(app, holder):
    app.config["MAIL_RENEWAL_DAYS"] = [0, 1]
    cert = make_certificate(holder, expires_in_days=300)
    assert run(app, days_before(cert, 1)) == 1
    assert run(app, days_before(cert, 0)) == 1
    assert [m.subject.split(" – ")[0] for m in messages()] == [
        "Time to renew your certificate (expires tomorrow)",
        "Time to renew your certificate (expires today)",
    ]
