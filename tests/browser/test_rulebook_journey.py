"""The second shipped track's whole rulebook, in a real browser: a trainee in a cohort on the
Recovery Coach track reaches eligibility and is certified.

Put in the database directly, before the browser starts (nothing new, and hours of clicking):
completing the track's eleven courses (every module marked read through the learning service,
a passed quiz attempt, every practice exercise submitted and accepted through the practice
service); 200 hours of supervised practice in direct service and 10 hours of individual
supervision, logged, submitted and approved through the hours services by a supervisor whose
credential qualifies; and nine of the ten core live-training sessions, scheduled from the
track's live-session list and attended, through the events services (27 of the 30 live hours).

Then, in the browser: the lead schedules the tenth session from the track's list and records the
trainee's attendance; the trainee adds outside training with a small PDF certificate and the lead
approves it; the lead records the exam result; the supervisor fills in and signs the competency
evaluation; the trainee signs each attestation on its page, typing their name; the lead gives the
confirmations. The trainee's checklist shows every group met; the lead issues the certificate;
its PDF names the hours by domain and the exam and has a transcript page; the public
verification page says what it certifies and who issued it, and its transcript lists the event
and the outside training.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import served
from tests.browser.rulebook_seed import BROWSER_SESSION, TRACK, seed_recovery_coach
from tests.browser.test_journeys import sign_in_with_keyboard
from tests.helpers import app_with_database
from tests.training.outside.support import PDF

pytestmark = pytest.mark.browser

COHORT = "Coaches, autumn"
OUTSIDE_TITLE = "Advocacy and ethics in recovery housing"
OUTSIDE_PROVIDER = "State Peer Alliance"
EXAM_NAME = "Recovery coach knowledge exam (written, at the live training)"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def long_date(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day.day} {day:%B %Y}"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def coach_site(tmp_path):
    """The shipped content on a fresh database, with a Recovery Coach cohort whose trainee has
    everything that is not new (see the module's docstring), served on a free port."""
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/coach.db"
    with app_with_database(SQLALCHEMY_DATABASE_URI=database) as app:
        with app.app_context():
            people = seed_recovery_coach(COHORT)
        with served(app) as url:
            yield {"url": url, "app": app, **people}


def _track():  # type: ignore[no-untyped-def]
    from training import content

    return content.store().tracks.track(TRACK)


def test_a_recovery_coach_reaches_eligibility_and_is_certified(coach_site, chromium, check):
    base, app, trainee_id = coach_site["url"], coach_site["app"], coach_site["trainee_id"]
    with app.app_context():
        from training.hours.services import today

        track, day = _track(), today()
        session = track.training.event(BROWSER_SESSION)
    # What was seeded is not enough: the trainee's checklist says what is still missing.
    trainee = chromium.new_context(viewport=PHONE, accept_downloads=True).new_page()
    sign_in_with_keyboard(trainee, base, "riley@example.org")
    trainee.get_by_role("link", name="Certificate", exact=True).click()
    missing = trainee.locator(".checklist li.unmet")
    for still_needed in [
        re.compile(r"hours in Advocacy · [\d.]+ so far, 1 to go"),
        re.compile(r"in all \(any domain\) · [\d.]+ so far, 11 to go"),
        re.compile(r"at live training events \(50 %\) · [\d.]+ so far, 3 to go"),
        f"Pass the {EXAM_NAME} · take it, then the program lead records the result",
        "Sign the lived-experience statement · not signed yet",
        "Background check done as the program requires · not confirmed yet; the program lead "
        "can say what they need",
    ]:
        expect(missing.filter(has_text=still_needed)).to_have_count(1)
    expect(trainee.locator(".checklist li.met")).not_to_have_count(0)
    check(trainee, "checklist-before")

    lead = chromium.new_context(viewport=WIDE).new_page()
    sign_in_with_keyboard(lead, base, "lead@example.org")

    # The lead schedules the tenth core session from the track's list, for the cohort, today.
    lead.goto(base + "/events/")
    expect(lead.locator("main")).to_contain_text(track.training.events[0].title)  # seeded
    check(lead, "events-list")
    lead.get_by_role("link", name="Schedule an event").click()
    lead.get_by_label("Live session", exact=True).select_option(f"{TRACK}:{BROWSER_SESSION}")
    lead.get_by_role("button", name="Use this session").click()
    expect(lead.get_by_label("Title", exact=True)).to_have_value(session.title)
    check(lead, "event-new")
    lead.fill("#day", day.isoformat())
    lead.get_by_label("Facilitator").fill("Dana Facilitator")
    lead.get_by_label("Who it is for").select_option(label=COHORT)
    lead.get_by_role("button", name="Schedule the event").click()
    expect(lead.locator(".flash-success")).to_contain_text(f"Scheduled {session.title}")

    # ... and records the trainee's attendance.
    lead.get_by_role("link", name=re.compile(f"^Attendance at {re.escape(session.title)}")).click()
    check(lead, "attendance")
    attendance_url = lead.url
    lead.locator(f"#status-{trainee_id}-present").check()
    lead.get_by_role("button", name="Save attendance").click()
    expect(lead.locator(".flash-success")).to_contain_text("1 attendance record changed")

    # The trainee sees the event among theirs, with the hours it gave.
    trainee.get_by_role("link", name="Training events").click()
    attended = trainee.locator("main tr", has_text=session.title)
    expect(attended).to_contain_text(long_date(day))
    expect(attended).to_contain_text("Attended in full")
    expect(trainee.locator("main")).to_contain_text("Live training hours in all: 30 h")
    check(trainee, "events-mine")

    # The trainee adds outside training with its certificate as a small PDF.
    trainee.goto(base + "/outside/")
    check(trainee, "outside-mine")
    trainee.get_by_role("link", name="Add outside training").click()
    check(trainee, "outside-form")
    outside_day = day - timedelta(days=10)
    trainee.get_by_label("Provider").fill(OUTSIDE_PROVIDER)
    trainee.get_by_label("Course title").fill(OUTSIDE_TITLE)
    trainee.fill("#day", outside_day.isoformat())
    trainee.get_by_label("Advocacy", exact=True).fill("4")
    trainee.get_by_label("Ethical Responsibility", exact=True).fill("4")
    trainee.get_by_label("Certificate of completion").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    trainee.get_by_role("button", name="Send to your program lead").click()
    expect(trainee.locator(".flash-success")).to_contain_text("Sent to your program lead")

    # The lead approves it from the queue.
    lead.goto(base + "/outside/queue")
    check(lead, "outside-queue")
    lead.get_by_role("link", name=OUTSIDE_TITLE).click()
    check(lead, "outside-record")
    lead.get_by_role("button", name="Approve").click()
    expect(lead.locator(".flash-success")).to_contain_text(f"Approved: {OUTSIDE_TITLE}")

    # The lead records the exam result, with the graded paper as evidence.
    lead.goto(f"{base}/lead/people/{trainee_id}")
    lead.get_by_role("link", name=re.compile(re.escape(EXAM_NAME))).click()
    check(lead, "exam-page")
    exam_day = day - timedelta(days=5)
    lead.fill("#day", exam_day.isoformat())
    lead.get_by_label("Passed", exact=True).check()
    lead.get_by_label("Score (optional)").fill("86 of 100")
    lead.get_by_label("Evidence (optional)").set_input_files(
        files=[{"name": "graded-paper.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    lead.get_by_role("button", name="Record the result").click()
    expect(lead.locator(".flash-success")).to_contain_text("Recorded for Riley Chen")

    # The supervisor (a CPRS) fills in the competency evaluation and signs it.
    supervisor = chromium.new_context(viewport=PHONE).new_page()
    sign_in_with_keyboard(supervisor, base, "sam@example.org")
    supervisor.get_by_role("link", name="Evaluations").click()
    supervisor.get_by_role("link", name=re.compile("^Evaluate Riley Chen")).click()
    supervisor.get_by_role("button", name="Start the evaluation").click()
    check(supervisor, "evaluation-form")
    for n, competency in enumerate(track.evaluation.competencies):
        group = supervisor.locator("fieldset", has_text=competency.title).first
        group.get_by_label("Strong" if n % 3 == 0 else "Competent", exact=True).check()
    supervisor.get_by_label("Overall comment (optional)").fill(
        "Warm, steady work with peers; keep building group facilitation skills."
    )
    supervisor.get_by_role("button", name="Save and review before signing").click()
    check(supervisor, "evaluation-sign")
    supervisor.get_by_label("I confirm").check()
    supervisor.get_by_role("button", name="Sign the evaluation").click()
    expect(supervisor.locator(".flash-success")).to_contain_text("Signed. Riley Chen can now")

    # The trainee signs each attestation on its own page, typing their name.
    for attestation in track.attestations:
        trainee.goto(base + "/attestations/")
        trainee.get_by_role("link", name=attestation.title, exact=True).click()
        check(trainee, f"attestation-{attestation.id}")
        trainee.get_by_label(attestation.statement).check()
        trainee.get_by_label("Your full name, as your signature").fill("Riley Chen")
        trainee.get_by_role("button", name="Sign", exact=True).click()
        expect(trainee.locator(".flash-success")).to_contain_text(
            f"You signed the {attestation.title.lower()}"
        )

    # The trainee reads their exam result and the signed evaluation.
    trainee.goto(base + "/exam/")
    expect(trainee.locator("main")).to_contain_text(f"You passed on {long_date(exam_day)}.")
    check(trainee, "exam-mine")
    trainee.goto(base + "/evaluations/")
    trainee.get_by_role("link", name=re.compile("^Competency evaluation, signed")).click()
    expect(trainee.locator("main")).to_contain_text(track.evaluation.competencies[0].title)
    expect(trainee.locator("main")).to_contain_text("Sam Supervisor")
    check(trainee, "evaluation-read")

    # The lead gives the confirmations on the trainee's page.
    lead.goto(f"{base}/lead/people/{trainee_id}")
    for confirmation in track.confirmations:
        lead.get_by_role("button", name=f"Confirm “{confirmation.label}”").click()
        expect(lead.locator(".flash-success")).to_contain_text(confirmation.label)

    # Every group of the trainee's checklist is met.
    trainee.goto(base + "/certificate/")
    expect(trainee.locator("main")).to_contain_text("You meet every requirement")
    groups = trainee.locator("h3.checklist-group")
    expect(groups).to_have_count(7)
    for text in groups.all_inner_texts():
        # "✓ Courses · done: 11 of 11 courses", "✓ Exam · all done"
        assert re.search(r"· (done: |all done)", text), text
    expect(trainee.locator(".checklist li.unmet")).to_have_count(0)
    check(trainee, "checklist-phone")
    trainee.set_viewport_size(WIDE)
    trainee.reload()  # Tab starts from the top again
    check(trainee, "checklist-wide")

    # The lead issues the certificate.
    lead.goto(f"{base}/lead/people/{trainee_id}")
    lead.get_by_role("link", name="Issue the certificate…").click()  # first, what will happen
    lead.get_by_role("button", name="Issue the certificate").click()
    expect(lead.locator(".flash-success")).to_contain_text("Issued certificate")
    code = re.search(
        r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", lead.locator(".flash-success").inner_text()
    ).group(0)  # type: ignore[union-attr]

    # The PDF: hours by domain, the exam, and a transcript page with dates.
    trainee.goto(base + "/certificate/")
    with trainee.expect_download() as download:
        trainee.get_by_role("link", name=re.compile("Download PDF")).click()
    pdf = Path(download.value.path())
    first = words(_pdf_text(pdf, last=1))
    assert (
        "60 hours of training (Advocacy 9, Mentoring/Education 13, Recovery/Wellness Support 17, "
        "Ethical Responsibility 21); of them 30 hours at live events and 8 hours of outside "
        "training." in first
    )
    assert "200 hours of supervised practice, 200 hours of it in direct service" in first
    assert "10 hours of supervision (10 hours individual, 0 hours in a group)" in first
    assert f"Passed the {EXAM_NAME} on {long_date(exam_day)}." in first
    assert "Competency evaluation completed and signed by Sam Supervisor" in first
    transcript = words(_pdf_text(pdf, first=2))
    assert "Transcript of training" in transcript
    for course_id in track.courses:
        with app.app_context():
            from training.content import library

            assert library().course(course_id).title in transcript
    assert session.title in transcript and long_date(day) in transcript
    assert OUTSIDE_TITLE in transcript and OUTSIDE_PROVIDER in transcript
    assert long_date(outside_day) in transcript
    first_seeded = long_date(day - timedelta(days=40))
    assert track.training.events[0].title in transcript and first_seeded in transcript

    # The public verification page: what it certifies, who issued it, and the transcript.
    visitor = chromium.new_context(viewport=PHONE).new_page()
    visitor.goto(f"{base}/verify/{code}")
    expect(visitor.locator(".verification")).to_contain_text(
        "This training certificate is genuine and valid."
    )
    verdict = visitor.locator(".verification")
    expect(verdict).to_contain_text("Issued by")
    expect(verdict).to_contain_text(app.config["PROGRAM_NAME"])
    expect(verdict).to_contain_text("Morgan Lead, for the program")
    expect(verdict).to_contain_text("total 60; 30 at live events; 8 of outside training")
    expect(verdict).to_contain_text(f"{EXAM_NAME}: passed on {long_date(exam_day)}")
    expect(verdict).to_contain_text("Signed by Sam Supervisor")
    expect(verdict).not_to_contain_text("Lived-experience")
    check(visitor, "verify")
    visitor.get_by_role("link", name=re.compile("^See the transcript")).click()
    rows = visitor.locator("tbody tr")
    expect(rows.filter(has_text=session.title)).to_contain_text(long_date(day))
    expect(rows.filter(has_text=session.title)).to_contain_text("Live event")
    outside_row = rows.filter(has_text=OUTSIDE_TITLE)
    expect(outside_row).to_contain_text(long_date(outside_day))
    expect(outside_row).to_contain_text(OUTSIDE_PROVIDER)
    expect(outside_row).to_contain_text("Outside training")
    expect(rows).to_have_count(len(track.courses) + 10 + 1)
    check(visitor, "transcript")

    # The lead's new pages fit a phone too.
    lead.set_viewport_size(PHONE)
    for url, label in [
        (base + "/events/", "events-list-phone"),
        (attendance_url, "attendance-phone"),
        (base + "/outside/records", "outside-records-phone"),
        (f"{base}/exam/people/{trainee_id}", "exam-page-phone"),
        (f"{base}/lead/people/{trainee_id}", "person-phone"),
    ]:
        lead.goto(url)
        check(lead, label)


def _pdf_text(pdf: Path, first: int = 1, last: int | None = None) -> str:
    command = ["pdftotext", "-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    return subprocess.run(
        [*command, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
