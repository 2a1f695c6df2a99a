"""A trainee reads and signs each of the track's attestations on its own page, with the box
ticked and their full name typed as on their account; what they see before and after, when the
text changes, and when renewing; every denial."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import (
    count,
    html_of,
    in_app,
    make_certificate,
    post,
    sign_in,
    text_of,
    use_track,
)
from tests.training.attestations.conftest import LIVED
from training import limits
from training.attestations import services
from training.extensions import db
from training.hours.services import track_for
from training.models import AuditEvent, Certificate, TrackSignature, User

URL = "/attestations/lived-experience"
SIGNING = {"agree": "y", "name": "Riley Chen"}


def signatures() -> list[TrackSignature]:
    with in_app():
        rows = db.session.scalars(select(TrackSignature).order_by(TrackSignature.id)).all()
        db.session.expunge_all()
        return list(rows)


def audit_comments(action: str = "signed attestation") -> list[str]:
    with in_app():
        return list(
            db.session.scalars(select(AuditEvent.comment).where(AuditEvent.action == action))
        )


def test_the_trainee_sees_each_attestation_and_what_is_still_to_sign(client, team):
    sign_in(client, team.trainee)
    page = text_of(client.get("/attestations/"))
    assert "Code of ethics: Not signed yet." in page
    assert "Lived-experience statement: Not signed yet." in page
    assert "Your program has confirmed: nothing yet." in page
    assert "Still to confirm: High-school diploma or GED seen; Background check done." in page
    certificate_page = text_of(client.get("/certificate/"))
    assert "Still needed: Sign the lived-experience statement · not signed yet" in certificate_page
    assert "Lived-experience statement: Not signed yet." in certificate_page


def test_the_page_shows_the_text_the_statement_and_a_box_and_a_name_to_sign(client, team):
    sign_in(client, team.trainee)
    html = html_of(client.get(URL))
    assert "<strong>You describe yours in your own terms</strong>" in html  # Markdown, rendered
    assert LIVED.statement in html
    assert 'type="checkbox"' in html and 'name="name"' in html
    assert f'maxlength="{limits.NAME}"' in html
    assert 'value="Riley Chen"' not in html  # the trainee types it: it is their signature


def test_signing_records_the_attestation_its_version_and_statement(client, team):
    sign_in(client, team.trainee)
    answer = post(client, URL, {"agree": "y", "name": "  riley  chen "}, follow_redirects=True)
    assert "Thank you. You signed the lived-experience statement." in text_of(answer)
    (signature,) = signatures()
    assert (signature.user_id, signature.track_id) == (team.trainee.id, "peer-recovery")
    assert (signature.attestation_id, signature.text_version) == ("lived-experience", LIVED.version)
    assert signature.statement == LIVED.statement and signature.renewal_of_id is None
    today = datetime.now(UTC).date()
    assert f"Signed on {today.day} {today:%B %Y}." in text_of(answer)
    (comment,) = audit_comments()
    assert "Lived-experience statement" in comment and LIVED.version in comment
    assert "signed as “riley chen”" in comment
    page = text_of(client.get("/attestations/"))
    assert "Lived-experience statement: Signed on" in page and "Code of ethics: Not signed" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Riley Chen"}, "Tick the box to confirm you have read it and agree."),
        ({"agree": "y"}, "Type your full name to sign."),
        ({"agree": "y", "name": "Riley"}, "Type your full name as it is on your account"),
        ({"agree": "y", "name": "R" * (limits.NAME + 1)}, "Please use at most 120 characters."),
        ({"agree": "y", "name": "Riley\nChen"}, "Please keep this on one line"),
    ],
)
def test_a_signature_needs_the_box_and_the_account_name(client, team, data, message):
    sign_in(client, team.trainee)
    answer = post(client, URL, data)
    assert answer.status_code == 400
    assert message in text_of(answer)
    assert signatures() == [] and audit_comments() == []
    if data.get("name") == "Riley":
        assert 'value="Riley"' in html_of(answer)  # what they typed is kept


def test_a_changed_text_asks_for_the_new_version(app, client, team, track):
    sign_in(client, team.trainee)
    post(client, URL, SIGNING)
    with in_app():
        db.session.execute(
            db.update(TrackSignature).values(signed_at=datetime(2026, 5, 3, 9, tzinfo=UTC))
        )
        db.session.commit()
    changed = dataclasses.replace(LIVED, text=LIVED.text + "\n\nA new paragraph.")
    use_track(app, attestations=(track.attestations[0], changed))
    page = text_of(client.get("/attestations/"))
    assert (
        "Lived-experience statement: The text changed since you signed on 3 May 2026: please "
        "read and sign the new version." in page
    )
    certificate_page = text_of(client.get("/certificate/"))
    assert "Still needed: Sign the lived-experience statement · not signed yet" in certificate_page
    post(client, URL, SIGNING)
    assert [s.text_version for s in signatures()] == [LIVED.version, changed.version]
    assert "Lived-experience statement: Signed on" in text_of(client.get("/attestations/"))


def test_signing_the_same_version_again_records_nothing_more(client, team):
    sign_in(client, team.trainee)
    post(client, URL, SIGNING)
    again = post(client, URL, SIGNING, follow_redirects=True)
    assert "You have already signed this version" in text_of(again)
    assert len(signatures()) == 1 and len(audit_comments()) == 1


def test_the_database_refuses_a_second_signature_of_one_version(client, team):
    """Past the page's check (an old tab, or two at once): the unique index decides."""
    sign_in(client, team.trainee)
    post(client, URL, SIGNING)
    with in_app():
        trainee = db.session.get(User, team.trainee.id)
        with pytest.raises(services.AlreadyDone):
            services.sign(trainee, track_for(trainee), LIVED, "Riley Chen")
    assert len(signatures()) == 1


def test_renewing_asks_to_sign_each_attestation_again(app, client, team):
    sign_in(client, team.trainee)
    post(client, URL, SIGNING)
    post(client, "/attestations/code-of-ethics", SIGNING)
    certificate = make_certificate(team.trainee, issued_days_ago=700, expires_in_days=30)
    with in_app():
        db.session.execute(
            db.update(TrackSignature).values(signed_at=datetime.now(UTC) - timedelta(days=710))
        )
        db.session.commit()
    page = text_of(client.get("/attestations/"))
    assert "To renew your certificate, read it again and sign it." in page
    assert "read each of these again and sign it" in text_of(client.get("/certificate/"))
    post(client, URL, SIGNING)
    renewed = signatures()[-1]
    assert renewed.attestation_id == "lived-experience"
    assert renewed.renewal_of_id == certificate.id and renewed.text_version == LIVED.version
    with in_app():
        trainee = db.session.get(User, team.trainee.id)
        signed = services.signed_since(trainee.id, track_for(trainee), certificate.issued_at)
    assert signed == {"lived-experience"}
    again = post(client, URL, SIGNING, follow_redirects=True)
    assert "You have already signed this version" in text_of(again)
    assert len(signatures()) == 3


def test_a_certificate_not_due_for_renewal_asks_for_nothing_again(client, team):
    sign_in(client, team.trainee)
    post(client, URL, SIGNING)
    make_certificate(team.trainee, issued_days_ago=10, expires_in_days=700)
    assert "Lived-experience statement: Signed on" in text_of(client.get("/attestations/"))
    answer = post(client, URL, SIGNING, follow_redirects=True)
    assert "You have already signed this version" in text_of(answer)
    assert len(signatures()) == 1


def test_the_old_signing_address_leads_to_the_attestations_and_signs_nothing(client, team):
    sign_in(client, team.trainee)
    answer = post(client, "/certificate/sign", {"agree": "yes"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/attestations/")
    assert signatures() == []


def test_an_attestation_not_in_the_track_is_not_found(client, team):
    sign_in(client, team.trainee)
    assert client.get("/attestations/job-description").status_code == 404
    assert post(client, "/attestations/job-description", SIGNING).status_code == 404


def test_only_trainees_sign(client, team):
    assert "/login" in client.get(URL).headers["Location"]
    assert "/login" in post(client, URL, SIGNING).headers["Location"]
    for person in (team.lead, team.supervisor):
        sign_in(client, person)
        assert client.get("/attestations/").status_code == 403
        assert post(client, URL, {"agree": "y", "name": person.name}).status_code == 403
    assert count(TrackSignature) == 0


def test_signing_without_a_valid_form_token_is_refused(client, team):
    sign_in(client, team.trainee)
    answer = client.post(URL, data=SIGNING)
    assert answer.status_code == 400 and count(TrackSignature) == 0


def test_signing_the_last_attestation_issues_once_the_lead_has_confirmed(app, client, team):
    from tests.training.certs.test_views import make_eligible

    use_track(app, auto_issue=True)
    make_eligible(app, team.trainee, team.supervisor, sign=False)
    lead = app.test_client()
    sign_in(lead, team.lead)
    for item in ("diploma", "background"):
        post(lead, f"/attestations/people/{team.trainee.id}/confirmations/{item}")
    sign_in(client, team.trainee)
    post(client, "/attestations/code-of-ethics", SIGNING)
    assert count(Certificate) == 0  # the lived-experience statement is still to sign
    post(client, URL, SIGNING)
    assert count(Certificate) == 1
