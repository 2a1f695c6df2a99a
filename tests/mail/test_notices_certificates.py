"""A certificate's holder hears by email when it is issued (by a lead or automatically, with
its public verification link), renewed, re-issued (with the new link) or revoked (without the
reason): written with the change, never for a change that did not happen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates.codes import format_code
from tests.helpers import assign, fetch, in_app, make_user, post, sign_in
from tests.mail.test_notices import BASE, assert_not_in, assert_told, only_message, opt_out
from tests.mail.test_notices import outbox as messages
from tests.training.certs import test_views as certs
from training.extensions import db
from training.models import Certificate, QuizAttempt, Role, TrackSignature

PAGE = "/certificate/"
ISSUED = "Congratulations: your certificate has been issued"
#: the test track's title (``certs.use_track``): never in a message
TRACK = "Peer Recovery Specialist"
REASON = "Exploited a person served."


@pytest.fixture
def people(app, tmp_path):  # type: ignore[no-untyped-def]
    certs.use_track(app, tmp_path)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    return lead, supervisor, trainee


@pytest.fixture
def issued(app, client, people):  # type: ignore[no-untyped-def]
    """An eligible trainee's certificate, issued by the lead (the client is signed in as them)."""
    lead, supervisor, trainee = people
    certs.make_eligible(app, trainee, supervisor)
    certs.issue(client, lead, trainee)
    return lead, trainee, certs.only_certificate()


def verify_link(certificate: Certificate) -> str:
    return f"{BASE}/verify/{format_code(certificate.code)}"


def assert_links_to_verify(message, certificate: Certificate) -> None:  # type: ignore[no-untyped-def]
    assert verify_link(certificate) in message.text_body
    assert verify_link(certificate) in message.html_body


def test_an_issued_certificate_is_told_with_its_verification_link(issued):
    _, trainee, certificate = issued
    message = only_message("certificate")
    assert_told(message, trainee, "certificate", ISSUED, PAGE)
    assert_links_to_verify(message, certificate)
    assert "Congratulations! Your certificate has been issued." in message.text_body
    assert_not_in(message, TRACK)  # a track's title can point to a recovery program


def test_an_automatic_issue_is_told_too(app, client, tmp_path):
    certs.use_track(app, tmp_path, auto=True)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    certs.make_eligible(app, trainee, supervisor, sign=False)
    sign_in(client, trainee)
    post(client, certs.ETHICS, {"agree": "y", "name": trainee.name})  # the last requirement
    certificate = certs.only_certificate()
    message = only_message("certificate")
    assert_told(message, trainee, "certificate", ISSUED, PAGE)
    assert_links_to_verify(message, certificate)


def test_a_refused_issue_writes_nothing(client, people):
    lead, _, trainee = people
    certs.issue(client, lead, trainee)  # not eligible yet
    assert messages() == []


def test_a_revocation_is_told_without_its_reason(client, issued):
    _, trainee, certificate = issued
    url = f"/certificates/{certificate.id}/revoke"
    post(client, url, {"category": "misconduct", "reason": REASON})
    assert fetch(Certificate, certificate.id).revoked_at is not None
    message = messages("certificate")[-1]
    assert_told(message, trainee, "certificate", "An update about your certificate", PAGE)
    assert "it is no longer active" in message.text_body
    assert "Your program lead is there to talk it through" in message.text_body
    assert_not_in(message, REASON, "Exploited", "Conduct or ethics", "misconduct", "revoked")
    assert_not_in(message, TRACK)
    post(client, url, {"category": "misconduct", "reason": "Again."})  # already revoked
    assert len(messages("certificate")) == 2


def test_a_reissue_is_told_with_the_new_verification_link(client, issued):
    _, trainee, old = issued
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "Riley Chen-Okafor"})
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != old.id)).one()
        db.session.expunge(new)
    message = messages("certificate")[-1]
    assert_told(message, trainee, "certificate", "Your certificate has been re-issued", PAGE)
    assert_links_to_verify(message, new)
    assert verify_link(old) not in message.text_body
    assert "If you gave a copy to an employer or a certification board" in message.text_body
    assert_not_in(message, TRACK, "corrected")
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "Once more"})  # replaced
    assert len(messages("certificate")) == 2


def test_a_renewal_is_told_as_a_new_certificate(app, client, issued):
    _, trainee, old = issued
    with in_app():
        row = db.session.get(Certificate, old.id)
        row.expires_on = datetime.now(UTC).date() + timedelta(days=30)
        earlier = row.issued_at - timedelta(days=1)  # what made them eligible came before
        for attempt in db.session.scalars(select(QuizAttempt)):
            attempt.submitted_at = earlier
        for signature in db.session.scalars(select(TrackSignature)):
            signature.signed_at = earlier
        db.session.commit()
    sign_in(client, trainee)
    post(client, f"/certificate/{old.id}/renew")  # not yet: renewal needs the course again
    assert len(messages("certificate")) == 1
    with app.app_context():
        certs.complete_course(trainee, modules=False)
    post(client, certs.ETHICS, {"agree": "y", "name": "Riley Chen"})
    post(client, f"/certificate/{old.id}/renew")
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.kind == "renewal")).one()
        db.session.expunge(new)
    message = messages("certificate")[-1]
    assert_told(message, trainee, "certificate", "Your certificate has been renewed", PAGE)
    assert_links_to_verify(message, new)
    assert_not_in(message, TRACK)


def test_a_holder_who_turned_certificate_messages_off_gets_none(app, client, people):
    lead, supervisor, trainee = people
    opt_out(trainee, "certificate")
    certs.make_eligible(app, trainee, supervisor)
    certs.issue(client, lead, trainee)
    assert certs.only_certificate().user_id == trainee.id
    assert messages() == []
