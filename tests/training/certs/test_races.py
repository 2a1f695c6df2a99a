"""Two people acting on one certificate (or one holder) at the same moment: exactly one wins,
on SQLite and PostgreSQL, because the database decides (a partial unique index and conditional
updates). Real requests run in parallel threads against one app on a real database file (or
TEST_DATABASE_URL); a barrier makes them collide. The loser is told plainly what happened, and
nothing of theirs is kept: no second certificate, no audit event."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from certificates.codes import format_code
from tests.helpers import (
    TEST_DATABASE_URL,
    as_user,
    in_app,
    make_user,
    post,
    race,
    race_app,
    sign_in,
    text_of,
)
from tests.training.certs.test_views import complete_course, make_eligible, use_track
from training.certs import issuing
from training.extensions import db
from training.hours.services import track_for
from training.models import AuditEvent, Certificate, Role, TrackSignature, User

ROUNDS = 3  # each round a new holder: a race that can be lost shows up in one round or another


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        use_track(app, tmp_path / "content")
        yield app


def _eligible_trainee(app, supervisor, n):
    trainee = make_user(Role.TRAINEE, name=f"Riley Chen {n}")
    from tests.helpers import assign

    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor)
    return trainee


def _certificates_of(user_id):
    with in_app():
        rows = db.session.scalars(
            select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id)
        ).all()
        db.session.expunge_all()
        return rows


def _events(action):
    with in_app():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def _issued(app, lead, trainee):
    with app.app_context():
        user = db.session.get(User, trainee.id)
        by = db.session.get(User, lead.id)
        return issuing.issue(user, track_for(user), by).id


def _following_by_hand(seen, url, data):
    """Post, then follow the redirect in the same client (so the flashed message is shown),
    keeping the address it gave, #fragment included, in ``seen``."""

    def act(client):
        answer = post(client, url, data)
        seen.append(answer.headers.get("Location", ""))
        return client.get(seen[-1].split("#")[0]) if seen[-1] else answer

    return act


def _current(certificates):
    return [c for c in certificates if c.revoked_at is None and c.replaced_by_id is None]


def test_two_leads_issuing_at_once_make_one_certificate(racing):
    app = racing
    leads = [make_user(Role.LEAD, name=f"Lead {i}") for i in (1, 2)]
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = _eligible_trainee(app, supervisor, n)
        url = f"/lead/people/{trainee.id}/certificate"
        issued_before = _events("issued")
        outcomes = race(
            app,
            *(
                as_user(lead, lambda c, url=url: post(c, url, follow_redirects=True))
                for lead in leads
            ),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        assert sum("Issued certificate" in o for o in outcomes) == 1, outcomes
        assert sum("already holds a current certificate" in o for o in outcomes) == 1, outcomes
        assert len(_certificates_of(trainee.id)) == 1
        assert _events("issued") == issued_before + 1  # no audit event for the loser


def test_two_reissues_of_one_certificate_make_one_replacement(racing):
    app = racing
    leads = [make_user(Role.LEAD, name=f"Lead {i}") for i in (1, 2)]
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = _eligible_trainee(app, supervisor, n)
        old_id = _issued(app, leads[0], trainee)
        url = f"/certificates/{old_id}/reissue"
        outcomes = race(
            app,
            *(
                as_user(
                    lead,
                    lambda c, i=i, url=url: post(
                        c, url, {"holder_name": f"Name {i}"}, follow_redirects=True
                    ),
                )
                for i, lead in enumerate(leads)
            ),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        assert sum("Re-issued as" in o for o in outcomes) == 1, outcomes
        certificates = _certificates_of(trainee.id)
        assert len(certificates) == 2 and len(_current(certificates)) == 1
        # the loser is told who did it (the other lead, by name) and what is current now
        loser = 1 if "Re-issued as" in outcomes[0] else 0
        winner = leads[1 - loser].name
        assert (
            f"Nothing was changed: this certificate was re-issued a moment ago by {winner}. "
            f"Its replacement, {format_code(certificates[1].code)}, is now the current certificate"
        ) in outcomes[loser], outcomes
        assert certificates[0].replaced_by_id == certificates[1].id
        with in_app():
            events = db.session.scalars(
                select(AuditEvent.action).where(AuditEvent.subject_type == "certificate")
            ).all()
        assert events.count("re-issued") == n + 1 and events.count("replaced") == n + 1


def test_two_renewals_at_once_make_one_new_certificate(racing):
    app = racing
    lead = make_user(Role.LEAD)
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = _eligible_trainee(app, supervisor, n)
        old_id = _issued(app, lead, trainee)
        with app.app_context():  # near expiry, and renewal's requirements met since the issue
            row = db.session.get(Certificate, old_id)
            row.issued_at -= timedelta(days=700)
            row.expires_on = datetime.now(UTC).date() + timedelta(days=20)
            db.session.add(
                TrackSignature(
                    user_id=trainee.id,
                    track_id=row.track_id,
                    text_version=track_for(row.holder).attestation.version,
                    statement="I agree.",
                    renewal_of_id=old_id,  # signed again to renew it
                )
            )
            db.session.commit()
            complete_course(trainee, modules=False)
        url = f"/certificate/{old_id}/renew"
        outcomes = race(
            app, *(as_user(trainee, lambda c, url=url: post(c, url, follow_redirects=True)),) * 2
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        assert sum("Renewed. Your new certificate" in o for o in outcomes) == 1, outcomes
        certificates = _certificates_of(trainee.id)
        assert len(certificates) == 2 and len(_current(certificates)) == 1
        # their own double click: nobody else is blamed, and the new certificate is named
        told = (
            "Nothing was changed: this certificate was renewed a moment ago by you (perhaps in "
            f"another tab or window). Its replacement, {format_code(certificates[1].code)}, is "
            "now the current certificate, valid until"
        )
        assert sum(told in o for o in outcomes) == 1, outcomes
        assert not any("someone else" in o for o in outcomes), outcomes


def test_a_revoke_racing_a_reissue_leaves_one_consistent_outcome(racing):
    app = racing
    leads = [make_user(Role.LEAD, name=f"Lead {i}") for i in (1, 2)]
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = _eligible_trainee(app, supervisor, n)
        old_id = _issued(app, leads[0], trainee)
        reissue = (f"/certificates/{old_id}/reissue", {"holder_name": "New Name"})
        revoke = (f"/certificates/{old_id}/revoke", {"category": "error", "reason": "Mistake."})
        sent_to: list[str] = []
        outcomes = race(
            app,
            as_user(leads[0], lambda c, r=reissue: post(c, *r, follow_redirects=True)),
            as_user(leads[1], _following_by_hand(sent_to, *revoke)),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        certificates = _certificates_of(trainee.id)
        old = certificates[0]
        reissued, revoked = ("Re-issued as" in outcomes[0]), ("is revoked" in outcomes[1])
        assert reissued != revoked, outcomes  # exactly one of the two happened
        if reissued:
            # the lead whose revocation lost learns the replacement is valid, and is taken to it
            new = certificates[1]
            assert (
                "Nothing was revoked: this certificate was re-issued a moment ago by Lead 1. "
                f"Its replacement, {format_code(new.code)}, is now the current certificate, "
                f"valid until {new.expires_on.day} {new.expires_on:%B %Y}. If it should be "
                f"revoked too, revoke {format_code(new.code)}: it is shown below."
            ) in outcomes[1], outcomes
            assert sent_to[0].endswith(f"#certificate-{new.id}")  # the page opens at it
            client = app.test_client()
            sign_in(client, leads[1])
            person = client.get(sent_to[0].split("#")[0]).get_data(as_text=True)
            assert f'id="certificate-{new.id}"' in person
            assert f'href="/certificates/{new.id}/revoke?next=' in person  # its confirmation
            assert old.revoked_at is None and len(certificates) == 2
            assert old.replaced_by_id == certificates[1].id
        else:
            assert "already revoked a moment ago by Lead 2" in outcomes[0]
            assert old.revoked_at is not None and len(certificates) == 1
            assert old.replaced_by_id is None


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's single writer")
def test_a_write_that_waits_too_long_for_sqlite_gets_a_clear_busy_page(racing, tmp_path):
    app = racing
    lead = make_user(Role.LEAD)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = _eligible_trainee(app, supervisor, 0)
    with app.app_context():
        engine = db.engine
        db.engine.dispose()

    def short_wait(connection, _record):  # runs after the app's own settings (10 s)
        connection.execute("PRAGMA busy_timeout=50")

    event.listen(engine, "connect", short_wait)
    client = app.test_client()
    sign_in(client, lead)
    holder = sqlite3.connect(os.path.join(tmp_path, "race.db"))
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        response = post(client, f"/lead/people/{trainee.id}/certificate")
        assert response.status_code == 503
        assert "The site is busy right now" in text_of(response)
        assert "Nothing you sent was saved" in text_of(response)
        assert response.headers["Retry-After"] == "5"
    finally:
        holder.rollback()
        holder.close()
        event.remove(engine, "connect", short_wait)
    assert _certificates_of(trainee.id) == []
