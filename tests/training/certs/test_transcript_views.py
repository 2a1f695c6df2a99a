"""What a certificate certifies, through the app: issuing signs the summary and the transcript's
digest (the transcript is stored beside the payload), the stored PDF prints both, and the public
verification page, its JSON and the transcript page say what the certificate certifies and who
issued it (a transcript only for a valid or expired certificate, and only if it is the one
signed); an old certificate, signed before transcripts, still verifies and shows as before, and
one signed with its transcript inline too."""

import hashlib
import json
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates import signing
from certificates import verify as offline
from certificates.codes import format_code, new_code
from certificates.rulebook import (
    AttendedEvent,
    Competency,
    EvaluationOutcome,
    EvaluationRule,
    ExamOutcome,
    ExamRule,
    OutsideTraining,
    TrainingRule,
)
from tests.helpers import count, fetch, in_app, post, save, sign_in, text_of
from tests.helpers import use_track as give_track
from tests.training.certs.test_views import issue, make_eligible, only_certificate
from training.extensions import db
from training.models import Certificate

TODAY = datetime.now(UTC).date()
WORKSHOP_DAY = TODAY - timedelta(days=20)
OUTSIDE_DAY = TODAY - timedelta(days=40)
EVALUATION = EvaluationRule(
    title="Competency evaluation",
    scale=("Not yet", "Meets"),
    min_rating="Meets",
    competencies=(Competency("listening", "Active listening"),),
)


@pytest.fixture
def rich(app, setup, monkeypatch):
    """The small track with an exam, an evaluation and room for 3 hours of outside training,
    and a trainee whose record holds a live event, outside training beyond that, a passed exam
    and a signed evaluation (as ``records_of`` gathers them)."""
    track = give_track(
        app,
        exam=ExamRule(kind="external", name="NCPRSS examination"),
        evaluation=EVALUATION,
        training=TrainingRule(outside_max_hours=3),
    )
    from training.certs import services

    real = services.records_of

    def with_the_rulebook(users, track):
        return {
            user_id: replace(
                record,
                events=(
                    AttendedEvent(
                        "Ethics workshop", WORKSHOP_DAY, 90, {"ethical_responsibility": 1.5}
                    ),
                ),
                outside=(
                    OutsideTraining(
                        1,
                        "outside",
                        "State University",
                        "Mentoring 101",
                        OUTSIDE_DAY,
                        {"mentoring_education": 4},
                    ),
                ),
                exam=ExamOutcome(True, TODAY - timedelta(days=5), "82 %"),
                evaluation=EvaluationOutcome(
                    {"listening": 1},
                    TODAY - timedelta(days=6),
                    "Sam Supervisor",
                    EVALUATION.version,
                ),
            )
            for user_id, record in real(users, track).items()
        }

    monkeypatch.setattr(services, "records_of", with_the_rulebook)
    return (*setup, track)


@pytest.fixture
def certified(app, client, rich):
    lead, supervisor, trainee, _ = rich
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    return lead, trainee, only_certificate()


def long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_issuing_signs_what_the_holder_completed_and_the_transcripts_digest(app, certified):
    _, _, cert = certified
    payload = json.loads(cert.payload)
    assert payload["v"] == 1 and payload["approved_minutes"] == {
        "supervised_practice": 120,
        "supervision": 60,
    }
    assert payload["certifies"] == {
        "training_hours": {"mentoring_education": 4.5, "ethical_responsibility": 1.5},
        "training_total": 6.0,
        "course_hours": 1.5,
        "live_hours": 1.5,
        "outside_hours": 3.0,
        "practice_minutes": 120,
        "direct_service_minutes": None,  # the track asks for no direct service
        "supervision_minutes": {"individual": 0, "group": 60},
        "exam": {
            "name": "NCPRSS examination",
            "result": "passed",
            "on": (TODAY - timedelta(days=5)).isoformat(),
        },
        "evaluation": {
            "title": "Competency evaluation",
            "by": "Sam Supervisor",
            "on": (TODAY - timedelta(days=6)).isoformat(),
        },
        "attestations": {
            "signed": 1,
            "versions": payload["certifies"]["attestations"]["versions"],
        },
    }
    assert len(payload["certifies"]["attestations"]["versions"][0]) > 8
    assert "Code of ethics" not in cert.payload
    assert payload["training_hours"] == payload["certifies"]["training_hours"]
    assert "82 %" not in cert.payload and "transcript" not in payload
    assert payload["transcript_sha256"] == hashlib.sha256(cert.transcript.encode()).hexdigest()
    assert json.loads(cert.transcript) == [
        {
            "kind": "outside",
            "on": OUTSIDE_DAY.isoformat(),
            "title": "Mentoring 101",
            "provider": "State University",
            "hours": {"mentoring_education": 3.0},  # the track lets 3 of its 4 hours count
        },
        {
            "kind": "event",
            "on": WORKSHOP_DAY.isoformat(),
            "title": "Ethics workshop",
            "minutes": 90,
            "hours": {"ethical_responsibility": 1.5},
        },
        {
            "kind": "course",
            "on": TODAY.isoformat(),  # the day its quiz was passed, its last requirement
            "title": "Basics",
            "hours": {"mentoring_education": 1.5},
        },
    ]
    with app.app_context():
        from training.certs import keys

        assert signing.verify(payload, cert.signature, keys.public_pem())


def _pdf_pages(app, cert, tmp_path):
    """The text of the stored PDF's pages, each table row on one line (page one as it flows:
    its middle band has two columns side by side)."""
    with in_app():
        pdf = db.session.get(Certificate, cert.id).pdf
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)

    def read(*options: str) -> list[str]:
        text = subprocess.run(
            ["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        return [" ".join(page.split()) for page in text.split("\f") if page.strip()]

    return read("-l", "1") + read("-layout")[1:]


def test_the_stored_pdf_names_what_was_completed_and_lists_the_transcript(app, certified, tmp_path):
    _, _, cert = certified
    first, second = _pdf_pages(app, cert, tmp_path)
    assert "6 hours of training" in first and "1.5 hours at live events" in first
    assert f"Passed the NCPRSS examination on {long(TODAY - timedelta(days=5))}." in first
    assert "It is not a certification board's credential" in first
    assert "Transcript of training" in second
    assert f"{long(WORKSHOP_DAY)} Ethics workshop Live event, attended 1.5 hours" in second
    assert f"{long(OUTSIDE_DAY)} Mentoring 101 Outside training Mentoring/Education 3 3" in second
    assert "Training hours counted 6" in second


def test_the_verification_page_says_what_it_certifies_and_links_the_transcript(app, certified):
    _, _, cert = certified
    page = text_of(app.test_client().get(f"/verify/{format_code(cert.code)}"))
    assert "This training certificate is genuine and valid." in page
    assert "Issued by Peer Support Training Program" in page
    assert "Signed by Morgan Lead, for the program" in page
    assert (
        "Training hours Mentoring/Education 4.5, Ethical Responsibility 1.5 (total 6; 1.5 at "
        "live events; 3 of outside training)"
    ) in page
    assert "2 hours of supervised practice, 1 hour of supervision" in page
    assert "direct service" not in page
    assert f"Exam NCPRSS examination: passed on {long(TODAY - timedelta(days=5))}" in page
    assert (
        f"Competency evaluation Signed by Sam Supervisor on {long(TODAY - timedelta(days=6))}"
        in page
    )
    assert "Statements All statements this track asks were signed" in page
    assert "Code of ethics" not in page
    assert "See the transcript" in page
    assert "@example.org" not in page


def test_the_json_says_what_it_certifies_who_issued_it_and_where_the_transcript_is(app, certified):
    _, _, cert = certified
    code = format_code(cert.code)
    answer = app.test_client().get(f"/verify/{code}.json").json
    assert answer["certifies"][0].startswith("6 hours of training (Mentoring/Education 4.5")
    assert "Passed the NCPRSS examination on" in " ".join(answer["certifies"])
    assert answer["issuer"] == {
        "program": "Peer Support Training Program",
        "signatory": "Morgan Lead",
        "provider_approval": None,
    }
    assert answer["transcript_url"].endswith(f"/verify/{code}/transcript")
    assert answer["transcript_url"].startswith("http")
    # the transcript beside the payload, marked as covered by its digest, not signed itself
    assert "transcript" not in answer["payload"]
    assert answer["transcript"]["covered_by"] == "payload.transcript_sha256"
    assert [line["title"] for line in answer["transcript"]["lines"]] == [
        "Mentoring 101",
        "Ethics workshop",
        "Basics",
    ]
    # anyone can check the signed facts offline, and the report lists them line by line
    with app.app_context():
        from training.certs import keys

        public = keys.public_pem()
    verdict = offline.check(json.dumps(answer), public)
    report = offline.report(verdict)
    assert verdict.genuine and "Certifies" in report and "Transcript" in report
    assert f"{OUTSIDE_DAY.isoformat()} Outside training: Mentoring 101 (State University)" in report
    assert "All statements this track asks were signed." in answer["certifies"]
    assert "All statements this track asks were signed." in report
    assert "Code of ethics" not in json.dumps(answer) and "Code of ethics" not in report


def test_the_public_transcript_lists_the_training_and_nothing_else_personal(app, certified):
    _, _, cert = certified
    response = app.test_client().get(f"/verify/{format_code(cert.code)}/transcript")
    assert response.status_code == 200
    page = text_of(response)
    assert "Transcript of training" in page and "Riley Chen" in page
    assert "Mentoring 101 · from State University Outside training Mentoring/Education 3" in page
    assert "Ethics workshop Live event, attended 1.5 hours Ethical Responsibility 1.5" in page
    assert "Basics Course Mentoring/Education 1.5" in page
    assert "Training hours counted: 6." in page
    assert "@example.org" not in page and "82 %" not in page


def test_an_expired_certificates_transcript_is_shown_and_says_so(app, certified):
    _, _, cert = certified
    with in_app():
        db.session.get(Certificate, cert.id).expires_on = TODAY - timedelta(days=1)
        db.session.commit()
    response = app.test_client().get(f"/verify/{format_code(cert.code)}/transcript")
    assert response.status_code == 200
    assert f"the certificate expired on {long(TODAY - timedelta(days=1))}" in text_of(response)
    assert "See the transcript" in text_of(app.test_client().get(f"/verify/{cert.code}"))


def test_a_revoked_certificate_shows_no_transcript(app, client, certified):
    _, _, cert = certified
    post(client, f"/certificates/{cert.id}/revoke", {"category": "misconduct", "reason": "x"})
    visitor = app.test_client()
    code = format_code(cert.code)
    page = text_of(visitor.get(f"/verify/{code}"))
    assert "was revoked on" in page and "See the transcript" not in page
    assert "The transcript of a revoked certificate is not shown." in page
    response = visitor.get(f"/verify/{code}/transcript")
    assert response.status_code == 410
    assert "so its transcript is not shown" in text_of(response)
    assert "Mentoring 101" not in text_of(response)
    answer = visitor.get(f"/verify/{code}.json")
    assert "transcript_url" not in answer.json and "transcript" not in answer.json
    for training in ("Mentoring 101", "Ethics workshop", "State University"):
        assert training not in answer.get_data(as_text=True)
    assert answer.json["payload"]["transcript_sha256"]  # the digest alone reveals nothing


def test_a_replaced_certificate_shows_no_transcript_and_its_replacement_does(
    app, client, certified
):
    _, _, old = certified
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "Riley Chen-Okafor"})
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != old.id)).one()
        new_code_text, payload = format_code(new.code), json.loads(new.payload)
        transcript = new.transcript
    visitor = app.test_client()
    assert visitor.get(f"/verify/{format_code(old.code)}/transcript").status_code == 410
    assert "replaced by a newer certificate" in text_of(
        visitor.get(f"/verify/{format_code(old.code)}/transcript")
    )
    assert [line["title"] for line in json.loads(transcript)] == [
        "Mentoring 101",
        "Ethics workshop",
        "Basics",
    ]
    assert "transcript" not in payload
    fresh = visitor.get(f"/verify/{new_code_text}/transcript")
    assert fresh.status_code == 200 and "Riley Chen-Okafor" in text_of(fresh)
    old_answer = visitor.get(f"/verify/{format_code(old.code)}.json")
    assert "transcript" not in old_answer.json and "transcript_url" not in old_answer.json
    assert "Mentoring 101" not in old_answer.get_data(as_text=True)
    assert "Mentoring 101" in visitor.get(f"/verify/{new_code_text}.json").get_data(as_text=True)


def test_unknown_and_malformed_codes_have_no_transcript(app):
    visitor = app.test_client()
    assert visitor.get(f"/verify/{format_code(new_code())}/transcript").status_code == 404
    assert visitor.get("/verify/not-a-code/transcript").status_code == 404


# --- a certificate signed before the transcript was ---------------------------------------------


@pytest.fixture
def old_format(app, setup):
    """A genuine certificate as the platform signed them before this change."""
    from certificates.pdf import render_certificate
    from training.certs import issuing, keys

    _, _, trainee = setup
    code = new_code()
    with app.app_context():
        key = keys.private_key()
        payload = {
            "v": 1,
            "code": code,
            "holder": trainee.name,
            "track": "peer-recovery",
            "track_title": "Peer Recovery Specialist",
            "program": "Peer Support Training Program",
            "issued_on": (TODAY - timedelta(days=100)).isoformat(),
            "expires_on": (TODAY + timedelta(days=600)).isoformat(),
            "kind": "initial",
            "replaces": None,
            "content_versions": {},
            "training_hours": {"mentoring_education": 1.5},
            "provider_approval": None,
            "approved_minutes": {"supervised_practice": 120, "supervision": 60},
            "issued_by": "Morgan Lead",
            "verify_url": issuing.verify_url(code),
            "key_id": signing.key_id(signing.public_key_pem(key)),
        }
        certificate = Certificate(
            code=code,
            user_id=trainee.id,
            holder_name=trainee.name,
            track_id="peer-recovery",
            track_title="Peer Recovery Specialist",
            issued_on=TODAY - timedelta(days=100),
            expires_on=TODAY + timedelta(days=600),
            payload=signing.canonical(payload).decode(),
            signature=signing.sign(payload, key),
            key_id=payload["key_id"],
            pdf=b"",
        )
        certificate.pdf = render_certificate(issuing.facts_of(certificate))
    save(certificate)
    return fetch(Certificate, certificate.id)


def test_an_old_certificate_verifies_and_shows_as_before(app, old_format, tmp_path):
    visitor = app.test_client()
    code = format_code(old_format.code)
    page = text_of(visitor.get(f"/verify/{code}"))
    assert "This training certificate is genuine and valid." in page
    assert "Training hours Mentoring/Education 1.5" in page
    assert "Signed off by supervisors 2 hours of supervised practice, 1 hour of supervision" in page
    assert "See the transcript" not in page and "Exam" not in page
    answer = visitor.get(f"/verify/{code}.json").json
    assert "transcript_url" not in answer
    assert answer["certifies"] == [
        "1.5 hours of training in the track's courses (Mentoring/Education 1.5).",
        "2 hours of supervised practice and 1 hour of supervision, signed off by the program's "
        "supervisors.",
    ]
    with app.app_context():
        from training.certs import keys

        assert offline.check(json.dumps(answer), keys.public_pem()).genuine
    transcript = visitor.get(f"/verify/{code}/transcript")
    assert transcript.status_code == 404
    assert "issued before transcripts were recorded" in text_of(transcript)
    (first,) = _pdf_pages(app, old_format, tmp_path)  # one page, as before
    assert "has completed this program's training track" in first
    assert "Training hours by domain: Mentoring/Education 1.5 (total 1.5)" in first
    assert count(Certificate) == 1


def test_the_transcript_page_counts_against_the_verification_limit():
    from tests.helpers import app_with_database

    with app_with_database(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="2 per minute") as app:
        visitor = app.test_client()
        code = format_code(new_code())
        assert visitor.get(f"/verify/{code}").status_code == 404
        assert visitor.get(f"/verify/{code}/transcript").status_code == 404
        assert visitor.get(f"/verify/{code}/transcript").status_code == 429


def test_signing_in_changes_nothing_about_the_public_transcript(app, client, certified):
    _, trainee, cert = certified
    sign_in(client, trainee)
    own = client.get(f"/verify/{format_code(cert.code)}/transcript")
    assert own.status_code == 200 and "@example.org" not in text_of(own)


def test_no_cache_keeps_a_transcript_after_a_revocation(app, certified):
    _, _, cert = certified
    response = app.test_client().get(f"/verify/{format_code(cert.code)}/transcript")
    assert response.headers["Cache-Control"] == "no-cache"
