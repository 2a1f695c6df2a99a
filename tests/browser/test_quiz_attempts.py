"""A trainee fails a quiz and sees the review that keeps the key (modules to reread, hints),
then the wait before the next attempt; the lead grants an extra attempt from the trainee's
page. Every page passes the checks (axe-core, a 375-pixel screen, the keyboard)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in_as, sign_in_with_keyboard
from tests.helpers import PASSWORD


def answer_wrongly(page, course) -> None:  # type: ignore[no-untyped-def]
    """Choose a wrong option for every question, by the words on it."""
    for fieldset in page.locator("fieldset.question").all():
        legend = fieldset.locator("legend").inner_text()
        question = next(q for q in course.quiz.questions if q.prompt in legend)
        wrong = next(o for o in question.options if o.id not in question.answer)
        fieldset.get_by_label(re.compile(rf"^(Option [A-Z]: )?{re.escape(wrong.text)}$")).check()


def test_a_failed_attempt_and_an_extra_attempt_granted(site, chromium, check):
    base = site["url"]
    with site["app"].app_context():
        from training.content import library

        course = library().course("basics")

    trainee = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in_with_keyboard(trainee, base, "riley@example.org")
    trainee.goto(base + "/learn/basics/quiz")
    trainee.get_by_role("button", name="Start the quiz").click()
    expect(trainee.get_by_label(re.compile(r"^Option A: "))).not_to_have_count(0)
    answer_wrongly(trainee, course)
    trainee.get_by_role("button", name="Submit my answers").click()
    expect(trainee.locator(".score")).to_contain_text("You need 80% to pass")
    expect(trainee.locator("main")).not_to_contain_text("Right answer")
    expect(trainee.get_by_role("heading", name="Modules to reread")).to_be_visible()
    expect(trainee.get_by_role("link", name="First steps", exact=True)).to_be_visible()
    check(trainee, "review-while-retakes-remain")
    trainee.goto(base + "/learn/basics/quiz")
    expect(trainee.locator("main")).to_contain_text("Please wait before your next attempt")
    check(trainee, "quiz-waiting")

    lead = sign_in_as(
        chromium.new_context(viewport={"width": 375, "height": 812}),
        base,
        "lead@example.org",
        PASSWORD,
    )
    lead.goto(base + "/lead/people")
    lead.get_by_role("link", name="Riley Chen").click()
    lead.get_by_role("link", name="Grant extra attempts at Basics").click()
    check(lead, "extra-attempts")
    lead.get_by_label("Extra attempts").select_option("2")
    lead.get_by_label("Reason").fill("Went through the first module again with Sam.")
    lead.get_by_role("button", name="Grant extra attempts").click()
    expect(lead.locator(".flash-success")).to_contain_text("Riley Chen has 2 more attempts")
    check(lead, "extra-attempts-granted")

    trainee.goto(base + "/learn/basics/quiz")
    expect(trainee.locator("main")).to_contain_text("You have used 1 of your 5 attempts")
