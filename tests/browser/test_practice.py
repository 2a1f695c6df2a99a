"""Practice with feedback, in a real browser: a trainee answers the exercise at the end of a
module; their supervisor rates it and asks for another try; the trainee reads the feedback and
writes again (their first try filled in); the supervisor accepts it; the course is complete.
Every page is checked with axe-core, at a phone's width, under the real CSP."""

from __future__ import annotations

import os
import re
import textwrap

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, served
from tests.browser.test_journeys import sign_in_with_keyboard
from tests.helpers import app_with_database, assign, make_user, write_course, write_track
from tests.training.certs.test_views import complete_course
from tests.training.practice.conftest import PRACTICE_TOML

pytestmark = pytest.mark.browser


@pytest.fixture
def practice_site(tmp_path):
    """The small course with a practice exercise in its first module, served on a free port."""
    content = tmp_path / "content"
    folder = write_course(content)
    (folder / "practice.toml").write_text(textwrap.dedent(PRACTICE_TOML))
    write_track(content)
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/site.db"
    with app_with_database(SQLALCHEMY_DATABASE_URI=database, CONTENT_PATH=str(content)) as app:
        supervisor = make_user("supervisor", name="Sam Supervisor", email="sam@example.org")
        trainee = make_user("trainee", name="Riley Chen", email="riley@example.org")
        assign(trainee, supervisor)
        with served(app) as url:
            yield {"url": url, "app": app, "trainee": trainee}


def test_a_practice_exercise_from_first_try_to_acceptance(practice_site, chromium, check):
    base = practice_site["url"]
    with practice_site["app"].app_context():
        from training.content import library

        course = library().course("basics")
    assert course.exercises, "the loader reads practice.toml"

    trainee = chromium.new_context(viewport=PHONE).new_page()
    sign_in_with_keyboard(trainee, base, "riley@example.org")
    with practice_site["app"].app_context():
        complete_course(practice_site["trainee"])  # every module read, the quiz passed
    trainee.goto(base + "/learn/basics/")
    expect(trainee.locator(".progress-text")).to_contain_text("0 of 1 exercises accepted")
    trainee.goto(base + "/learn/basics/first")
    exercise = trainee.locator("#exercise-reflect-dana")
    expect(exercise).to_contain_text("Write what you would say to Dana next.")
    expect(exercise).to_contain_text("Gives no advice or solution")
    expect(exercise).to_contain_text("never by name, contact details or date of birth")
    check(trainee, "module-with-exercise")

    # An empty response is refused with a message, and nothing is sent.
    trainee.get_by_role("button", name=re.compile("Send to my supervisor")).click()
    expect(trainee.locator(".error-summary")).to_contain_text("Write your response")
    check(trainee, "empty-response-refused")
    trainee.get_by_label("Your response").fill("You should talk to your manager about it.")
    trainee.get_by_role("button", name=re.compile("Send to my supervisor")).click()
    expect(trainee.locator(".flash-success")).to_contain_text("Sent.")
    expect(trainee.locator("#exercise-reflect-dana")).to_contain_text("waiting for your supervisor")
    check(trainee, "response-waiting")

    # The supervisor rates it and asks for another try (feedback required).
    supervisor = chromium.new_context(viewport=PHONE).new_page()
    sign_in_with_keyboard(supervisor, base, "sam@example.org")
    supervisor.goto(base + "/supervise/")
    card = supervisor.locator("section.card", has_text="Riley Chen: Reflect what Dana feels")
    expect(card).to_contain_text("You should talk to your manager about it.")
    check(supervisor, "queue-with-practice")
    for criterion, rating in [
        ("Names a feeling Dana expressed or implied", "Not yet"),
        ("Gives no advice or solution", "Not yet"),
        ("Checks the guess with Dana", "Not yet"),
    ]:
        card.locator("fieldset", has_text=criterion).get_by_label(rating).check()
    card.get_by_role("button", name=re.compile("Ask for another try")).click()
    expect(supervisor.locator(".error-summary")).to_contain_text("Write some feedback")
    check(supervisor, "feedback-required")
    supervisor.get_by_label("Feedback for the trainee").fill(
        "Reflect the feeling first; hold back the advice."
    )
    supervisor.get_by_role("button", name=re.compile("Ask for another try")).click()
    expect(supervisor.locator(".flash-success")).to_contain_text("Asked Riley Chen for another try")
    expect(supervisor.locator("main")).to_contain_text("No practice responses are waiting")

    # The trainee reads the feedback and writes again, starting from the first try.
    trainee.goto(base + "/learn/basics/first")
    exercise = trainee.locator("#exercise-reflect-dana")
    expect(exercise).to_contain_text("Your supervisor asked for another try")
    expect(exercise).to_contain_text("Gives no advice or solution: not yet")
    expect(exercise).to_contain_text("Reflect the feeling first; hold back the advice.")
    box = trainee.get_by_label("Your next try")
    expect(box).to_have_value("You should talk to your manager about it.")
    check(trainee, "another-try-asked")
    box.fill("It sounds like you feel invisible at work. Did I get that right?")
    trainee.get_by_role("button", name=re.compile("Send to my supervisor")).click()
    expect(trainee.locator(".flash-success")).to_contain_text("Sent.")

    # The supervisor accepts the second try.
    supervisor.goto(base + "/supervise/")
    check(supervisor, "second-try-in-queue")
    card = supervisor.locator("section.card", has_text="(try 2)")
    for fieldset in card.locator("fieldset").all():
        fieldset.get_by_label("Met", exact=True).check()
    card.get_by_label("Feedback for the trainee").fill("That reflects Dana well.")
    card.get_by_role("button", name=re.compile("^Accept")).click()
    expect(supervisor.locator(".flash-success")).to_contain_text("Accepted Riley Chen")

    # The trainee sees it accepted. Their modules were read and their quiz passed before (the
    # quiz is the journey test's), so accepted practice completes the course.
    trainee.goto(base + "/learn/basics/first")
    expect(trainee.locator("#exercise-reflect-dana")).to_contain_text("Accepted on")
    expect(trainee.locator("#exercise-reflect-dana")).to_contain_text("That reflects Dana well.")
    check(trainee, "accepted")
    trainee.goto(base + "/learn/basics/")
    expect(trainee.locator(".progress-text")).to_have_text("Complete")
    check(trainee, "course-complete")
