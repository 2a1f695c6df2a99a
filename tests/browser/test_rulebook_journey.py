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
from tests.browser.test_journeys import sign_in_with_keyboard
from tests.helpers import app_with_database, make_user

pytestmark = pytest.mark.browser

TRACK = "recovery-coach"
COHORT = "Coaches, autumn"
#: the core live-training sessions seeded as attended; the tenth is scheduled in the browser
SEEDED_SESSIONS = [f"academy-{n}-" for n in range(1, 10)]
BROWSER_SESSION = "academy-10-practice"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
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
            people = _seed()
        with served(app) as url:
            yield {"url": url, "app": app, **people}


def _seed() -> dict[str, object]:
    from training.extensions import db
    from training.hours.services import today
    from training.models import Cohort, Role

    today_ = today()
    cohort = Cohort(name=COHORT, start_date=today_ - timedelta(days=120), track_id=TRACK)
    db.session.add(cohort)
    db.session.commit()
    lead = make_user(Role.LEAD, name="Morgan Lead", email="lead@example.org")
    supervisor = make_user(
        Role.SUPERVISOR, name="Sam Supervisor", email="sam@example.org", credential="CPRS 12345"
    )
    trainee = make_user(
        Role.TRAINEE, name="Riley Chen", email="riley@example.org", cohort_id=cohort.id
    )
    lead, supervisor, trainee = (db.session.merge(p) for p in (lead, supervisor, trainee))
    from training.hours import services as hours

    hours.assign(lead, trainee, supervisor)
    _complete_courses(trainee, supervisor)
    _approved_hours(trainee, supervisor, today_)
    _seeded_events(lead, trainee, today_)
    return {"trainee_id": trainee.id, "cohort_id": cohort.id}


def _complete_courses(trainee, supervisor) -> None:  # type: ignore[no-untyped-def]
    from training import content
    from training.extensions import db
    from training.learning import services as learning
    from training.models import AttemptStatus, QuizAttempt, utcnow
    from training.practice import services as practice

    track = content.store().tracks.track(TRACK)
    for course in (content.library().course(c) for c in track.courses):
        for module in course.modules:
            learning.mark_complete(trainee, course.id, module.id)
        ids = [q.id for q in course.quiz.questions][: course.quiz.questions_per_attempt]
        db.session.add(
            QuizAttempt(
                user_id=trainee.id,
                course_id=course.id,
                content_version=course.version,
                seed=1,
                question_ids=ids,
                status=AttemptStatus.FINISHED,
                submitted_at=utcnow(),
                answers={q: sorted(course.quiz.question(q).answer) for q in ids},
                correct_ids=ids,
                correct_count=len(ids),
                score_percent=100.0,
                passed=True,
            )
        )
        db.session.commit()
        for exercise in course.exercises:
            response = practice.submit(
                trainee, course, exercise, "It sounds like a lot to carry alone. Is that right?"
            )
            practice.review(
                supervisor,
                response,
                practice.ACCEPT,
                {str(i): True for i in range(len(exercise.criteria))},
                "Meets every point.",
                len(exercise.criteria),
            )


def _approved_hours(trainee, supervisor, today_) -> None:  # type: ignore[no-untyped-def]
    """200 h of direct-service practice (20 days of 10 h) and 10 h of individual supervision:
    the track's 1 h per 20 h of practice."""
    from certificates.hours import EntryFacts
    from training.hours import services as hours
    from training.hours import signoffs

    def entry(day, minutes, kind, domains, notes, direct_service=False):  # type: ignore[no-untyped-def]
        facts = EntryFacts(
            day, minutes, kind, "in_person", domains, supervisor.id, notes, direct_service
        )
        return hours.save_entry(trainee, facts).id

    ids = []
    for n in range(20):
        day = today_ - timedelta(days=3 + n)
        ids.append(
            entry(
                day,
                600,
                "supervised_practice",
                ("recovery_wellness", "mentoring_education"),
                "Peer support shifts at the recovery community centre.",
                direct_service=True,
            )
        )
        if n % 2 == 0:
            ids.append(
                entry(
                    day,
                    120,
                    "individual_supervision",
                    ("ethical_responsibility",),
                    "Supervision on boundaries and recovery planning.",
                )
            )
    assert hours.submit(trainee, ids).count == len(ids)
    outcome = signoffs.approve(supervisor, ids)
    assert outcome.done == len(ids), outcome.problems


def _seeded_events(lead, trainee, today_) -> None:  # type: ignore[no-untyped-def]
    from training.events import attendance, services

    by_id = {t.id: t for track, t in services.templates() if track.id == TRACK}
    for n, prefix in enumerate(SEEDED_SESSIONS):
        template = next(t for i, t in by_id.items() if i.startswith(prefix))
        event = services.create_event(
            lead,
            services.EventChanges(
                title=template.title,
                day=today_ - timedelta(days=40 - n),
                facilitator="Dana Facilitator",
                location="Room 2",
                hours=dict(template.hours),
                cohort_id=trainee.cohort_id,
            ),
            template.id,
        )
        assert attendance.save_attendance(lead, event, {trainee.id: ("present", None)}) == 1


def _track():  # type: ignore[no-untyped-def]
    from training import content

    return content.store().tracks.track(TRACK)


def test_a_recovery_coach_reaches_eligibility_and_is_certified(coach_site, chromium, check):
    base, app, trainee_id = coach_site["url"], coach_site["app"], coach_site["trainee_id"]
    with app.app_context():
        from training.hours.services import today

        track, day = _track(), today()
        session = track.training.event(BROWSER_SESSION)
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

    # The trainee adds outside training with its certificate as a small PDF.
    trainee = chromium.new_context(viewport=PHONE, accept_downloads=True).new_page()
    sign_in_with_keyboard(trainee, base, "riley@example.org")
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
        done, total = re.search(r"(\d+) of (\d+) done", text).groups()  # type: ignore[union-attr]
        assert done == total, text
    expect(trainee.locator(".checklist li.unmet")).to_have_count(0)
    check(trainee, "checklist-phone")
    trainee.set_viewport_size(WIDE)
    trainee.reload()  # Tab starts from the top again
    check(trainee, "checklist-wide")

    # The lead issues the certificate.
    lead.goto(f"{base}/lead/people/{trainee_id}")
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
    assert f"Passed the {EXAM_NAME} on {long_date(exam_day)}." in first
    assert "Competency evaluation signed by Sam Supervisor" in first
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
    expect(visitor.locator(".verdict")).to_contain_text(
        "This training certificate is genuine and valid."
    )
    verdict = visitor.locator(".verdict")
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
