"""Certificates through the app: eligibility, issuing (never to someone not eligible), download
rights, public verification of every status, revocation, re-issue, renewal, automatic issue."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates import signing
from certificates.codes import format_code, new_code
from tests.helpers import (
    app_with_database,
    assign,
    count,
    fetch,
    in_app,
    make_entry,
    make_user,
    post,
    save,
    sign_in,
    text_of,
    write_course,
    write_track,
)
from training.content import ContentStore
from training.extensions import db
from training.models import (
    AttemptStatus,
    AuditEvent,
    Certificate,
    ModuleProgress,
    QuizAttempt,
    Role,
    TrackSignature,
)

#: where a trainee reads and signs the test track's code of ethics
ETHICS = "/attestations/code-of-ethics"


def use_track(app, root, auto=False):
    write_course(root)
    write_track(root, auto_issue=auto)
    app.extensions["content"] = ContentStore(root)
    app.config["CONTENT_PATH"] = str(root)


@pytest.fixture
def setup(app, tmp_path):
    use_track(app, tmp_path)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    return lead, supervisor, trainee


def complete_course(trainee, when=None, modules=True):
    from training.content import library

    course = library().course("basics")
    for module in course.modules if modules else ():
        save(
            ModuleProgress(
                user_id=trainee.id,
                course_id="basics",
                module_id=module.id,
                completed_at=datetime.now(UTC),
            )
        )
    ids = [q.id for q in course.quiz.questions]
    save(
        QuizAttempt(
            user_id=trainee.id,
            course_id="basics",
            content_version=course.version,
            seed=1,
            question_ids=ids,
            status=AttemptStatus.FINISHED,
            passed=True,
            submitted_at=when or datetime.now(UTC),
            correct_count=3,
            score_percent=100.0,
        )
    )


def make_eligible(app, trainee, supervisor, sign=True):
    with app.app_context():
        complete_course(trainee)
    make_entry(trainee, supervisor, status="approved", minutes=120, kind="supervised_practice")
    make_entry(
        trainee,
        supervisor,
        status="approved",
        minutes=60,
        kind="group_supervision",
        day=datetime.now(UTC).date() - timedelta(days=3),
    )
    if sign:
        save(
            TrackSignature(
                user_id=trainee.id,
                track_id="peer-recovery",
                text_version=_version(app),
                statement="I have read this code of ethics and agree to follow it.",
            )
        )


def _version(app):
    from training.hours.services import default_track

    with app.app_context():
        return default_track().attestation.version


def issue(client, lead, trainee):
    sign_in(client, lead)
    return post(client, f"/lead/people/{trainee.id}/certificate", follow_redirects=True)


def only_certificate():
    with in_app():
        cert = db.session.scalars(select(Certificate)).one()
        db.session.expunge(cert)
        return cert


# --- eligibility and signing -------------------------------------------------------------------


def test_anonymous_and_staff_have_no_certificate_page(client, setup):
    lead, supervisor, _ = setup
    assert "/login" in client.get("/certificate/").headers["Location"]
    for user in (lead, supervisor):
        sign_in(client, user)
        assert client.get("/certificate/").status_code == 403


def test_the_trainee_sees_what_is_missing_in_plain_words(client, setup):
    _, _, trainee = setup
    sign_in(client, trainee)
    page = text_of(client.get("/certificate/"))
    # by group, each with how far the trainee has come, and each line said once
    assert "Courses · 0 of 1 course" in page and "Still needed: Basics" in page
    assert "every module is read, its quiz passed and its practice exercises accepted" in page
    assert "Still needed: 1.5 hours in Mentoring/Education · 0 so far, 1.5 to go" in page
    assert "Experience · 0 of 2 hours" in page and "Only approved hours count." in page
    assert "Still needed: 2 hours of supervised practice · 0 so far, 2 to go" in page
    assert "Still needed: Sign the code of ethics · not signed yet" in page


def test_the_trainee_home_page_summarises_the_certificate(app, client, setup):
    lead, supervisor, trainee = setup
    sign_in(client, trainee)
    assert "Peer Recovery Specialist: 0 of 5 requirements met" in text_of(client.get("/learn/"))
    make_eligible(app, trainee, supervisor)
    assert "5 of 5 requirements met. You meet them all" in text_of(client.get("/learn/"))
    issue(app.test_client(), lead, trainee)
    assert "certificate is valid until" in text_of(client.get("/learn/"))
    with in_app():
        db.session.scalars(select(Certificate)).one().expires_on = datetime.now(
            UTC
        ).date() + timedelta(days=59)
        db.session.commit()
    assert "certificate expires in 59 days" in text_of(client.get("/learn/"))


def test_signing_the_code_of_ethics_needs_the_box_ticked(client, setup):
    _, _, trainee = setup
    sign_in(client, trainee)
    refused = post(client, ETHICS, {"name": "Riley Chen"})
    assert "Tick the box" in text_of(refused) and count(TrackSignature) == 0
    post(client, ETHICS, {"agree": "y", "name": "Riley Chen"})
    assert count(TrackSignature) == 1
    assert "Code of ethics: Signed on" in text_of(client.get("/certificate/"))


# --- issuing -----------------------------------------------------------------------------------


def test_a_lead_issues_the_certificate_of_an_eligible_trainee(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    page = text_of(issue(client, lead, trainee))
    assert "Issued certificate" in page
    cert = only_certificate()
    assert cert.holder_name == "Riley Chen" and cert.kind == "initial"
    assert (cert.expires_on - cert.issued_on).days in (730, 731)
    payload = json.loads(cert.payload)
    assert payload["approved_minutes"] == {"supervised_practice": 120, "supervision": 60}
    assert payload["content_versions"]["basics"] and payload["issued_by"] == "Morgan Lead"
    with in_app():
        pdf = db.session.get(Certificate, cert.id).pdf
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "certificate")
        ).all()
    assert pdf.startswith(b"%PDF") and [e.action for e in events] == ["issued"]


@pytest.mark.parametrize("missing", ["signature", "hours", "course"])
def test_a_trainee_who_is_not_eligible_is_never_issued_one(app, client, setup, missing):
    lead, supervisor, trainee = setup
    if missing == "signature":
        make_eligible(app, trainee, supervisor, sign=False)
    elif missing == "hours":
        with app.app_context():
            complete_course(trainee)
    else:
        make_entry(trainee, supervisor, status="approved", minutes=180, kind="supervised_practice")
    page = text_of(issue(client, lead, trainee))  # a crafted request: the button is not even shown
    assert "is not eligible yet" in page
    assert not re.search(r"\.[.;]", page), re.findall(r".{60}\.[.;].{20}", page)
    assert count(Certificate) == 0


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_issue(app, client, setup, role):
    _, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    sign_in(client, trainee if role == Role.TRAINEE else supervisor)
    assert post(client, f"/lead/people/{trainee.id}/certificate").status_code == 403
    assert count(Certificate) == 0


def test_a_second_current_certificate_is_refused(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    assert "already holds a current certificate" in text_of(issue(client, lead, trainee))
    assert count(Certificate) == 1


def test_automatic_issue_when_the_track_says_so(app, client, tmp_path):
    use_track(app, tmp_path, auto=True)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE)
    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor, sign=False)
    sign_in(client, trainee)
    post(client, ETHICS, {"agree": "y", "name": trainee.name})  # the last requirement
    cert = only_certificate()
    assert cert.user_id == trainee.id and json.loads(cert.payload)["issued_by"] == "Program lead"


# --- downloading -------------------------------------------------------------------------------


def test_downloads_for_the_holder_and_leads_only(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    cert = only_certificate()
    url = f"/certificates/{cert.id}.pdf"
    response = client.get(url)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert format_code(cert.code) in response.headers["Content-Disposition"]
    sign_in(client, trainee)
    assert client.get(url).status_code == 200
    for other in (make_user(Role.TRAINEE), supervisor):
        sign_in(client, other)
        assert client.get(url).status_code == 404
    client.get("/")  # and anonymous visitors are sent to sign in
    anonymous = app.test_client()
    assert "/login" in anonymous.get(url).headers["Location"]


def test_rendering_again_from_the_record_gives_the_stored_certificate(app, client, setup):
    from certificates.pdf import render_certificate
    from training.certs.issuing import facts_of

    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    with in_app():
        cert = db.session.scalars(select(Certificate)).one()
        assert render_certificate(facts_of(cert)) == cert.pdf


def test_a_download_does_no_rendering(app, client, setup, monkeypatch):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    import certificates.pdf

    monkeypatch.setattr(
        certificates.pdf, "render_certificate", lambda facts: pytest.fail("rendered")
    )
    assert client.get(f"/certificates/{only_certificate().id}.pdf").status_code == 200


# --- verification ------------------------------------------------------------------------------


@pytest.fixture
def issued(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    return lead, trainee, only_certificate()


def test_verification_of_a_valid_certificate_shows_only_what_verifying_needs(app, issued):
    _, _, cert = issued
    visitor = app.test_client()
    page = text_of(visitor.get(f"/verify/{format_code(cert.code)}"))
    assert "This training certificate is genuine and valid." in page
    assert "Riley Chen" in page and "Peer Recovery Specialist" in page
    assert "@example.org" not in page  # no contact details
    # what it is: a program's training certificate with its hours by domain, not a credential
    assert "Issued by Peer Support Training Program" in page
    assert "Training hours Mentoring/Education" in page
    assert "It is not a state certification or an IC&RC credential." in page
    assert "Signed off by supervisors" in page and "of supervised practice" in page
    lower = text_of(visitor.get(f"/verify/{cert.code.lower()}"))
    assert "genuine and valid" in lower


def test_the_form_takes_a_typed_code(app, issued):
    _, _, cert = issued
    visitor = app.test_client()
    response = visitor.get("/verify", query_string={"code": f" {format_code(cert.code).lower()} "})
    assert response.headers["Location"].endswith(f"/verify/{format_code(cert.code)}")


def test_the_json_answer_carries_a_signature_the_public_key_checks(app, issued):
    _, _, cert = issued
    visitor = app.test_client()
    answer = visitor.get(f"/verify/{format_code(cert.code)}.json").json
    assert answer["status"] == "valid" and answer["holder"] == "Riley Chen"
    public = visitor.get("/verify/public-key.pem").data
    assert signing.verify(answer["payload"], answer["signature"], public)
    forged = {**answer["payload"], "expires_on": "2099-01-01"}
    assert not signing.verify(forged, answer["signature"], public)


def test_a_mistyped_code_is_caught_and_never_hints_at_a_real_one(app, issued):
    _, _, cert = issued
    visitor = app.test_client()
    typo = cert.code[:3] + ("X" if cert.code[3] != "X" else "Y") + cert.code[4:]
    response = visitor.get(f"/verify/{typo}")
    assert response.status_code == 400 and "typing mistake" in text_of(response)
    assert "Riley" not in text_of(response) and cert.code not in response.get_data(as_text=True)
    assert visitor.get(f"/verify/{typo}.json").json["status"] == "invalid_code"


def test_random_well_formed_codes_are_not_found(app, issued):
    visitor = app.test_client()
    for _ in range(20):
        code = new_code()
        response = visitor.get(f"/verify/{code}")
        assert response.status_code == 404 and "No certificate has this code" in text_of(response)
        assert visitor.get(f"/verify/{code}.json").json["status"] == "not_found"


def test_expired_certificates_say_so(app, issued):
    _, _, cert = issued
    with in_app():
        db.session.get(Certificate, cert.id).expires_on = datetime.now(UTC).date() - timedelta(
            days=1
        )
        db.session.commit()
    assert "genuine but expired" in text_of(app.test_client().get(f"/verify/{cert.code}"))


def test_revocation_needs_a_category_and_a_reason_and_is_public_without_details(
    app, client, issued
):
    _, _, cert = issued
    url = f"/certificates/{cert.id}/revoke"
    assert "Choose a reason category" in text_of(
        post(client, url, {"reason": "x"}, follow_redirects=True)
    )
    assert "Write the reason" in text_of(
        post(client, url, {"category": "misconduct"}, follow_redirects=True)
    )
    post(client, url, {"category": "misconduct", "reason": "Exploited a person served."})
    page = text_of(app.test_client().get(f"/verify/{cert.code}"))
    assert "was revoked on" in page and "Conduct or ethics concern" in page
    assert "Exploited" not in page
    revoked = fetch(Certificate, cert.id)
    assert (
        revoked.revoke_reason == "Exploited a person served." and revoked.revoked_by_id is not None
    )


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_revoke_and_reissue(app, issued, role):
    _, trainee, cert = issued
    other = app.test_client()
    sign_in(other, trainee if role == Role.TRAINEE else make_user(role))
    assert (
        post(
            other, f"/certificates/{cert.id}/revoke", {"category": "other", "reason": "x"}
        ).status_code
        == 403
    )
    assert post(other, f"/certificates/{cert.id}/reissue", {"holder_name": "X"}).status_code == 403
    assert fetch(Certificate, cert.id).revoked_at is None and count(Certificate) == 1


def test_reissue_after_a_name_change_keeps_the_old_one_traceable(app, client, issued):
    _, _, old = issued
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "Riley Chen-Okafor"})
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != old.id)).one()
        db.session.expunge(new)
    assert new.code != old.code and new.expires_on == old.expires_on and new.kind == "reissue"
    visitor = app.test_client()
    assert "replaced by a newer certificate" in text_of(visitor.get(f"/verify/{old.code}"))
    new_page = text_of(visitor.get(f"/verify/{new.code}"))
    assert "genuine and valid" in new_page and "Riley Chen-Okafor" in new_page
    assert json.loads(new.payload)["replaces"] == old.code


def test_renewal_reminder_and_renewal_with_new_dates(app, client, issued):
    _, trainee, cert = issued
    with in_app():
        row = db.session.get(Certificate, cert.id)
        row.expires_on = datetime.now(UTC).date() + timedelta(days=30)
        # what made the trainee eligible happened before the certificate was issued
        earlier = row.issued_at - timedelta(days=1)
        for attempt in db.session.scalars(select(QuizAttempt)):
            attempt.submitted_at = earlier
        for signature in db.session.scalars(select(TrackSignature)):
            signature.signed_at = earlier
        db.session.commit()
    sign_in(client, trainee)
    page = text_of(client.get("/certificate/"))
    assert "Your certificate expires in 30 days" in page and "Take Basics again" in page
    assert "Complete the course “Basics”" in page and "sign the code of ethics again" in page
    refused = post(client, f"/certificate/{cert.id}/renew", follow_redirects=True)
    assert "Renewal needs" in text_of(refused) and count(Certificate) == 1
    with app.app_context():
        complete_course(trainee, modules=False)  # the quiz passed again, after the issue
    post(client, ETHICS, {"agree": "y", "name": "Riley Chen"})
    assert "Renew my certificate" in text_of(client.get("/certificate/"))
    post(client, f"/certificate/{cert.id}/renew")
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != cert.id)).one()
        db.session.expunge(new)
    assert new.kind == "renewal" and new.expires_on > cert.expires_on
    assert "replaced by a newer certificate" in text_of(
        app.test_client().get(f"/verify/{cert.code}")
    )


def test_verification_is_rate_limited_per_client(tmp_path):
    with app_with_database(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute") as app:
        visitor = app.test_client()
        codes = [new_code() for _ in range(4)]
        answers = [visitor.get(f"/verify/{c}") for c in codes]
        assert [a.status_code for a in answers] == [404, 404, 404, 429]
        assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
        refused = visitor.get(f"/verify/{codes[0]}.json", headers={"Accept": "application/json"})
        assert refused.status_code == 429 and refused.get_json()["status"] == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_a_trainee_works_toward_their_cohorts_track(app, client, tmp_path):
    from training.models import Cohort

    use_track(app, tmp_path)
    (tmp_path / "tracks" / "recovery-coach.toml").write_text(
        'title = "Recovery Coach"\nsummary = "A shorter credential."\ncourses = ["basics"]\n'
        "[supervised_practice]\nhours = 1\n"
    )
    app.extensions["content"] = ContentStore(tmp_path)
    cohort = Cohort(name="Coaches", start_date=datetime.now(UTC).date(), track_id="recovery-coach")
    save(cohort)
    coach = make_user(Role.TRAINEE, cohort_id=cohort.id)
    other = make_user(Role.TRAINEE)
    sign_in(client, coach)
    page = text_of(client.get("/certificate/"))
    assert "Recovery Coach" in page and "1 hour of supervised practice · 0 so far, 1 to go" in page
    assert "code of ethics" not in page
    sign_in(client, other)
    assert "Peer Recovery Specialist" in text_of(client.get("/certificate/"))
