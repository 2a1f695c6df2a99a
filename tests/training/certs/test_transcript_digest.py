"""The transcript stored beside a certificate's payload is shown only while it is the one the
payload signs (by its SHA-256 digest): a changed or missing copy is an integrity failure, said
on every page and in the JSON, never shown. A certificate signed with its transcript inline, as
they were before the digest, keeps verifying and showing it."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from certificates import signing
from certificates import verify as offline
from certificates.codes import format_code, new_code
from certificates.transcript import Certifies
from tests.helpers import fetch, in_app, post, save, text_of
from tests.training.certs.test_transcript_views import certified, rich  # noqa: F401 (fixtures)
from training.certs.services import TRANSCRIPT_PROBLEM
from training.extensions import db
from training.models import Certificate

TODAY = datetime.now(UTC).date()


def _store(cert, transcript):
    with in_app():
        db.session.get(Certificate, cert.id).transcript = transcript
        db.session.commit()


def _public_key(app):
    with app.app_context():
        from training.certs import keys

        return keys.public_pem()


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace("Mentoring 101", "Mentoring 999"),
        lambda text: text.replace('"mentoring_education":3.0', '"mentoring_education":30.0'),
        lambda text: json.dumps(json.loads(text)[1:]),
        lambda text: None,
        lambda text: "not json",
    ],
    ids=["title", "hours", "a-line-less", "missing", "not-json"],
)
def test_a_stored_transcript_that_is_not_the_one_signed_is_said_and_never_shown(
    app,
    certified,  # noqa: F811
    change,
    caplog,
):
    _, _, cert = certified
    changed = change(cert.transcript)
    assert changed != cert.transcript
    _store(cert, changed)
    visitor = app.test_client()
    code = format_code(cert.code)

    response = visitor.get(f"/verify/{code}/transcript")
    page = text_of(response)
    assert response.status_code == 500
    assert "This transcript cannot be shown." in page and TRANSCRIPT_PROBLEM in page
    for shown in ("Mentoring 101", "Mentoring 999", "Ethics workshop", "Training hours counted"):
        assert shown not in page
    assert "does not match its signed digest" not in page  # the log's words stay in the log
    assert any(cert.code in r.getMessage() for r in caplog.records if r.levelname == "ERROR")

    verification = text_of(visitor.get(f"/verify/{code}"))
    assert "This training certificate is genuine and valid." in verification
    assert TRANSCRIPT_PROBLEM in verification and "See the transcript" not in verification

    answer = visitor.get(f"/verify/{code}.json").json
    assert answer["transcript_problem"] == TRANSCRIPT_PROBLEM
    assert "transcript" not in answer and "transcript_url" not in answer
    verdict = offline.check(json.dumps(answer), _public_key(app))
    assert verdict.genuine  # the signed facts themselves are intact
    assert "not in this file" in offline.report(verdict)


def test_an_intact_transcript_is_shown_and_checks_offline(app, certified):  # noqa: F811
    _, _, cert = certified
    visitor = app.test_client()
    answer = visitor.get(f"/verify/{format_code(cert.code)}.json").json
    assert answer["transcript"]["lines"] == json.loads(cert.transcript)
    report = offline.report(offline.check(json.dumps(answer), _public_key(app)))
    assert "Outside training: Mentoring 101 (State University)" in report
    answer["transcript"]["lines"][0]["title"] = "Mentoring 999"
    forged = offline.check(json.dumps(answer), _public_key(app))
    assert not forged.genuine and "Mentoring 999" not in offline.report(forged)


# --- a certificate signed with its transcript inline, before the digest ------------------------

INLINE = [
    {
        "kind": "course",
        "on": (TODAY - timedelta(days=90)).isoformat(),
        "title": "Basics",
        "hours": {"mentoring_education": 1.5},
    },
    {
        "kind": "event",
        "on": (TODAY - timedelta(days=80)).isoformat(),
        "title": "Ethics workshop",
        "minutes": 90,
        "hours": {"ethical_responsibility": 1.5},
    },
]


@pytest.fixture
def inline(app, setup):
    """A genuine certificate as signed before the digest: its transcript inside the payload,
    the detail of its exam too, and nothing in the transcript column."""
    from certificates.pdf import render_certificate
    from training.certs import issuing, keys

    _, _, trainee = setup
    code = new_code()
    summary = Certifies(
        training_hours={"mentoring_education": 1.5, "ethical_responsibility": 1.5},
        course_hours=1.5,
        live_hours=1.5,
        outside_hours=0,
        practice_minutes=120,
        supervision_individual_minutes=0,
        supervision_group_minutes=60,
        direct_service_minutes=0,
        exam={"name": "NCPRSS examination", "result": "passed", "on": "2026-05-03"},
    ).as_payload()
    summary["exam"]["detail"] = "82 %"
    with app.app_context():
        key = keys.private_key()
        payload = {
            "v": 1,
            "code": code,
            "holder": trainee.name,
            "track": "peer-recovery",
            "track_title": "Peer Recovery Specialist",
            "program": "Peer Support Training Program",
            "issued_on": (TODAY - timedelta(days=10)).isoformat(),
            "expires_on": (TODAY + timedelta(days=700)).isoformat(),
            "kind": "initial",
            "replaces": None,
            "issued_by": "Morgan Lead",
            "verify_url": issuing.verify_url(code),
            "key_id": signing.key_id(signing.public_key_pem(key)),
            "certifies": summary,
            "transcript": INLINE,
        }
        certificate = Certificate(
            code=code,
            user_id=trainee.id,
            holder_name=trainee.name,
            track_id="peer-recovery",
            track_title="Peer Recovery Specialist",
            issued_on=TODAY - timedelta(days=10),
            expires_on=TODAY + timedelta(days=700),
            payload=signing.canonical(payload).decode(),
            signature=signing.sign(payload, key),
            key_id=payload["key_id"],
            pdf=b"",
        )
        certificate.pdf = render_certificate(issuing.facts_of(certificate))
    save(certificate)
    return fetch(Certificate, certificate.id)


def test_a_certificate_with_its_transcript_inline_keeps_verifying_and_showing_it(app, inline):
    visitor = app.test_client()
    code = format_code(inline.code)
    page = text_of(visitor.get(f"/verify/{code}"))
    assert "This training certificate is genuine and valid." in page
    assert "See the transcript" in page and "82 %" not in page
    transcript = visitor.get(f"/verify/{code}/transcript")
    assert transcript.status_code == 200
    assert "Ethics workshop Live event, attended 1.5 hours" in text_of(transcript)
    answer = visitor.get(f"/verify/{code}.json").json
    assert answer["transcript_url"].endswith(f"/verify/{code}/transcript")
    assert "transcript" not in answer  # it is in the payload, signed with it
    verdict = offline.check(json.dumps(answer), _public_key(app))
    assert verdict.genuine and "Live event: Ethics workshop" in offline.report(verdict)


def test_a_revoked_certificate_with_its_transcript_inline_shows_none(app, client, inline, setup):
    from tests.helpers import sign_in

    lead, _, _ = setup
    sign_in(client, lead)
    post(client, f"/certificates/{inline.id}/revoke", {"category": "error", "reason": "x"})
    visitor = app.test_client()
    code = format_code(inline.code)
    assert visitor.get(f"/verify/{code}/transcript").status_code == 410
    assert "The transcript of a revoked certificate is not shown." in text_of(
        visitor.get(f"/verify/{code}")
    )
    answer = visitor.get(f"/verify/{code}.json").json
    assert "transcript_url" not in answer
    # still genuine offline: its signed payload is served whole, as it was signed
    assert offline.check(json.dumps(answer), _public_key(app)).genuine
