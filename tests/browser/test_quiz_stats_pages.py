"""The lead's quiz statistics in a real browser, at a desktop's and a phone's width: the summary
of every quiz, one quiz question by question (chosen with the pickers, no JavaScript needed),
and a mistyped link, each passing the accessibility, keyboard and no-overflow checks."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, signed_in_page

pytestmark = pytest.mark.browser

COURSE = "active-listening"
LEAD = "quiz-lead@example.org"


def _seed_attempts(app) -> str:  # type: ignore[no-untyped-def]
    """Thirty trainees of the demo's Spring 2026 cohort with a graded first attempt at one
    quiz each, stronger trainees answering more right (the demo's own attempts are all
    perfect); and a lead to sign in as. The cohort's name."""
    from sqlalchemy import select

    from courses.quiz import draw_questions
    from tests.helpers import make_user
    from training import content
    from training.extensions import db
    from training.learning import quiz_tallies
    from training.models import AttemptStatus, Cohort, QuizAttempt, Role

    rng = random.Random(21)
    with app.app_context():
        make_user(Role.LEAD, email=LEAD, name="Quinn Lead")
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Spring 2026"))
        course = content.library().course(COURSE)
        for n in range(30):
            trainee = make_user(Role.TRAINEE, name=f"Quiz Trainee {n:02d}", cohort_id=cohort.id)
            drawn = draw_questions(course.quiz, n)
            ability = 0.35 + 0.6 * n / 29
            right = [q for q in drawn if rng.random() < ability]
            passed = len(right) * 100 >= course.quiz.pass_mark * len(drawn)
            db.session.add(
                QuizAttempt(
                    user_id=trainee.id,
                    course_id=COURSE,
                    content_version=course.version,
                    seed=n,
                    question_ids=drawn,
                    status=AttemptStatus.FINISHED,
                    correct_ids=right,
                    correct_count=len(right),
                    score_percent=round(100 * len(right) / len(drawn), 1),
                    passed=passed,
                )
            )
            quiz_tallies.count_graded(trainee.id, COURSE, passed, drawn, right)
        db.session.commit()
        return cohort.name


def test_quiz_statistics_pages(demo_site, chromium, check):
    base = demo_site["url"]
    cohort = _seed_attempts(demo_site["app"])
    for name, viewport in WIDTHS.items():
        page = signed_in_page(chromium, base, LEAD, viewport)
        page.goto(base + "/lead/quizzes")
        expect(page.get_by_role("heading", name="Active listening", exact=False)).to_be_visible()
        check(page, f"quiz-stats-summary-{name}")

        # the pickers: a plain GET form
        page.get_by_label("Trainees", exact=True).select_option(label=cohort)
        page.get_by_label("Quiz", exact=True).select_option(value=COURSE)
        page.get_by_role("button", name="Show").click()
        main = page.locator("main")
        expect(main).to_contain_text(f"for the trainees in {cohort}")
        # the demo's own trainees in the cohort passed it too
        expect(main).to_contain_text(re.compile(r"3\d trainees · \d+ passed at the first attempt"))
        chart = page.get_by_role("img", name=re.compile(r"First-attempt scores of 3\d trainees"))
        expect(chart).to_be_visible()
        expect(main).to_contain_text("answered correctly")
        expect(main).to_contain_text("Too few attempts to judge")
        check(page, f"quiz-stats-questions-{name}")
        help_text = page.get_by_text("It is the point-biserial correlation")
        expect(help_text).to_be_hidden()
        page.get_by_text("How to read these figures").click()  # a <details>: no script
        expect(help_text).to_be_visible()

        page.goto(base + "/lead/quizzes?cohort=999999&course=no-such-course")
        expect(page.locator("#cohort-error")).to_contain_text("That cohort does not exist")
        expect(page.locator("#course-error")).to_contain_text("There is no course with that name")
        check(page, f"quiz-stats-mistyped-{name}")
        page.context.close()
