"""The trainee's home at ``/``: the one most useful next step as a button, the others listed,
what waits on others, and progress by group; for a trainee at each stage, and every role."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.helpers import (
    assign,
    html_of,
    in_app,
    make_certificate,
    make_entry,
    make_user,
    save,
    sign_in,
    text_of,
)
from tests.training.certs.test_views import complete_course, make_eligible, use_track
from training.extensions import db
from training.models import ModuleProgress, Role


@pytest.fixture
def people(app, tmp_path):
    use_track(app, tmp_path)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    return supervisor, trainee


def home(client, user):  # type: ignore[no-untyped-def]
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def next_step(response) -> str:  # type: ignore[no-untyped-def]
    """The "Your next step" box's HTML."""
    found = re.search(r'<section class="next-step.*?</section>', html_of(response), re.S)
    assert found, "no next step on the page"
    return found.group(0)


def primary(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(address, words) of the next step's button."""
    found = re.search(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', next_step(response))
    assert found, next_step(response)
    return found.group(1), found.group(2)


def read(trainee, *module_ids, viewed_minutes_ago=0):  # type: ignore[no-untyped-def]
    when = datetime.now(UTC) - timedelta(minutes=viewed_minutes_ago)
    for module_id in module_ids:
        save(
            ModuleProgress(
                user_id=trainee.id,
                course_id="basics",
                module_id=module_id,
                completed_at=when,
                last_viewed_at=when,
            )
        )


def test_a_new_trainee_starts_the_first_course_and_sees_what_else_is_ahead(client, people):
    _, trainee = people
    page = home(client, trainee)
    assert primary(page) == ("/learn/basics/", "Start the course: Basics")
    text = text_of(page)
    assert "Hello, Riley Chen" in text and "Your track: Peer Recovery Specialist" in text
    html = html_of(page)
    assert '<a href="/attestations/code-of-ethics">Sign the code of ethics</a>' in html
    assert '<a href="/hours/new">Log your hours</a>' in html
    assert "Still needed: 2 hours of supervised practice (0 so far, 2 to go)." in text
    # progress by group, with a bar each, and the way to the whole checklist
    assert "Courses 0% 0 of 1 course" in text and "Experience 0% 0 of 2 hours" in text
    assert html.count("<progress") == 5  # courses, training, experience, supervision, signing
    assert '<a href="/certificate/">See everything the certificate needs</a>' in html
    assert '<a href="/learn/">All courses</a>' in html  # the catalogue keeps its address


def test_mid_course_the_next_module_is_the_button(client, people):
    _, trainee = people
    read(trainee, "first")
    assert primary(home(client, trainee)) == (
        "/learn/basics/second",
        "Continue: Module 2 · Second steps",
    )
    read(trainee, "second", viewed_minutes_ago=1)
    assert primary(home(client, trainee)) == ("/learn/basics/quiz", "Take the quiz: Basics")


def test_returned_entries_come_first(client, people):
    supervisor, trainee = people
    entry = make_entry(trainee, supervisor, status="returned", return_comment="Which day?")
    make_entry(trainee, supervisor, status="submitted")
    page = home(client, trainee)
    assert primary(page) == (f"/hours/{entry.id}/edit", "Correct the returned entry")
    assert "It came back to you with a note. Read it, make any changes" in text_of(page)
    assert "Waiting for others One entry waiting for your supervisor's sign-off" in text_of(page)
    make_entry(trainee, supervisor, status="returned")
    assert primary(home(client, trainee)) == ("/hours/", "Correct 2 returned entries")


def test_someone_elses_entries_never_show(client, people):
    supervisor, trainee = people
    other = make_user(Role.TRAINEE)
    assign(other, supervisor)
    make_entry(other, supervisor, status="returned")
    make_entry(other, supervisor, status="draft")
    text = text_of(home(client, trainee))
    assert "returned" not in text and "draft" not in text


def test_with_only_the_signature_left_it_is_the_button(app, client, people):
    supervisor, trainee = people
    make_eligible(app, trainee, supervisor, sign=False)
    page = home(client, trainee)
    assert primary(page) == ("/attestations/code-of-ethics", "Sign the code of ethics")
    assert "Start the course" not in text_of(page)
    assert "Courses 100% ✓ Done" in text_of(page)


def test_an_eligible_trainee_hears_the_lead_will_issue_it_without_a_button(app, client, people):
    supervisor, trainee = people
    make_eligible(app, trainee, supervisor)
    page = home(client, trainee)
    box = next_step(page)
    assert "You meet every requirement." in box and 'class="button' not in box
    assert "Your program lead will review and issue your certificate." in box
    assert '<a href="/certificate/">See your certificate page</a>' in box


def test_a_certified_trainee_downloads_the_certificate(client, people):
    _, trainee = people
    certificate = make_certificate(trainee)
    page = home(client, trainee)
    assert primary(page) == (f"/certificates/{certificate.id}.pdf", "Download your certificate")
    text = text_of(page)
    assert "Your certificate Valid Peer Recovery Specialist · valid until" in text
    assert "Start the course" not in text and "Log your hours" not in text


def test_a_renewal_due_and_a_revoked_certificate(client, people):
    _, trainee = people
    certificate = make_certificate(trainee, expires_in_days=5)
    page = home(client, trainee)
    assert primary(page) == ("/certificate/", "See what renewal needs")
    assert "Your certificate expires in 5 days." in text_of(page)
    with in_app():
        certificate.revoked_at = datetime.now(UTC)
        certificate.revoke_reason = "Misconduct"
        db.session.merge(certificate)
        db.session.commit()
    page = home(client, trainee)
    assert primary(page) == ("/certificate/", "Read about your certificate")
    assert "Your certificate is no longer valid. Your program lead can explain why" in text_of(page)
    assert ".pdf" not in html_of(page) and "Misconduct" not in text_of(page)


def test_without_a_supervisor_the_home_says_who_acts_next(client, app, tmp_path):
    use_track(app, tmp_path)
    trainee = make_user(Role.TRAINEE)
    text = text_of(home(client, trainee))
    assert "Waiting for others Your program lead assigns you a supervisor" in text
    assert "Log your hours" not in text


@pytest.mark.parametrize(
    ("role", "where"), [(Role.SUPERVISOR, "/supervise/"), (Role.LEAD, "/lead/people")]
)
def test_other_roles_go_where_their_work_is(client, people, role, where):
    sign_in(client, make_user(role))
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == where


def test_a_visitor_gets_the_welcome_page(client, people):
    page = client.get("/")
    assert page.status_code == 200 and "Sign in" in text_of(page)
    assert "Your next step" not in text_of(page)


def test_the_home_asks_the_database_the_same_few_questions_however_much_is_done(
    app, client, people
):
    supervisor, trainee = people
    sign_in(client, trainee)

    def statements() -> int:
        seen: list[str] = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = statements()
    with app.app_context():
        complete_course(trainee)
    for status in ("draft", "returned", "submitted", "approved") * 5:
        make_entry(trainee, supervisor, status=status)
    after = statements()
    assert after == before, (before, after)
    assert after <= 20, after


def test_with_nothing_to_do_yet_the_home_says_what_happens_next(app, client, tmp_path):
    from training.content import ContentStore

    (tmp_path / "courses").mkdir()
    app.extensions["content"] = ContentStore(tmp_path)  # no courses, no track
    box = next_step(home(client, make_user(Role.TRAINEE)))
    assert "There is nothing for you to do right now." in box
    assert "(a cohort), which sets your courses. Until then, you can" in box
    assert '<a href="/learn/">look through the courses</a>' in box
