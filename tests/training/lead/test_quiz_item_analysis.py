"""One quiz question by question on the lead's quiz statistics: facility, discrimination, the
spread of first-attempt scores, the cohort and quiz pickers, and who may see them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from courses.item_analysis import analyse, item_sums
from tests.helpers import html_of, in_app, make_cohort, make_user, save, sign_in, text_of
from tests.training.lead.test_quiz_statistics import statements
from tests.training.learning.quiz_course import PROMPTS, serve
from training.extensions import db
from training.models import AttemptStatus, Cohort, QuizAttempt, Role, User

QUESTIONS = ["f1", "f2", "f3", "l1", "l2", "l3"]


def _attempt(user, right, drawn=QUESTIONS, status=AttemptStatus.FINISHED):  # type: ignore[no-untyped-def]
    right = [q for q in drawn if q in right]
    return QuizAttempt(
        user_id=user.id,
        course_id="care",
        content_version="x",
        seed=1,
        question_ids=list(drawn),
        status=status,
        correct_ids=right if status == AttemptStatus.FINISHED else None,
        correct_count=len(right),
        score_percent=round(100 * len(right) / len(drawn), 1),
        passed=len(right) * 100 >= 75 * len(drawn),
    )


def _first_answers(k: int) -> set[str]:
    """Trainee k's first attempt (k = 0 … 11, weakest first): f1 always right, l3 never; f2, l1
    and l2 right for the stronger trainees, f3 only for the three weakest."""
    right = {"f1"}
    right |= {"f2"} if k >= 6 else set()
    right |= {"f3"} if k < 3 else {"l2"}
    right |= {"l1"} if k >= 8 or k == 1 else set()
    return right


@pytest.fixture
def twelve(app, tmp_path):  # type: ignore[no-untyped-def]
    """Twelve trainees (the first six in a cohort) with a first attempt each; three retook."""
    serve(app, tmp_path, quiz="max_attempts = 0\nwait_minutes = 0")
    cohort = make_cohort()
    people = [
        make_user(Role.TRAINEE, name=f"T{k:02d}", cohort_id=cohort.id if k < 6 else None)
        for k in range(12)
    ]
    save(*[_attempt(p, _first_answers(k)) for k, p in enumerate(people)])
    save(*[_attempt(p, set(QUESTIONS)) for p in people[:3]])  # retakes: not counted
    _recount()
    lead = make_user(Role.LEAD)
    return {"cohort": cohort, "people": people, "lead": lead}


def _recount() -> None:
    """The running tallies of the summary, for attempts saved without grading."""
    from training.learning.quiz_tallies import recount

    with in_app():
        recount()
        db.session.commit()


def _as(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, user)
    return client


def _rows(text: str) -> dict[str, str]:
    """Question id -> the words of its row in the table."""
    table = text.split("What to do", 1)[1]
    found = {}
    for q in QUESTIONS:
        start = table.index(PROMPTS[q])
        ends = [table.index(PROMPTS[o]) for o in QUESTIONS if table.index(PROMPTS[o]) > start]
        found[q] = table[start : min(ends, default=table.index("Back to the summary"))]
    return found


def _first_attempts(number: int) -> list[tuple[list[str], set[str]]]:
    return [(QUESTIONS, _first_answers(k)) for k in range(number)]


def test_each_question_shows_facility_discrimination_and_a_verdict(app, twelve):
    page = _as(app, twelve["lead"]).get("/lead/quizzes?course=care")
    assert page.status_code == 200
    text = text_of(page)
    assert "Quiz statistics: Care" in text
    assert "Which attempts count: each trainee's first finished attempt at this quiz" in text
    assert "12 trainees · 0 passed at the first attempt (0%) · the pass mark is 75%" in text
    assert "All attempts, retakes included: 15 · " in text and "% of attempts passed" in text
    assert "Only first tries count here, because before a retake trainees see hints." in text
    assert "Tells stronger and weaker scorers apart" in text and "Discrimination" not in text
    rows = _rows(text)
    sums = item_sums(_first_attempts(12))
    for q in QUESTIONS:
        figures = analyse(sums[q])
        assert f"answered correctly ({figures.right} of 12)" in rows[q]
        assert "12 attempts" in rows[q]
        if figures.discrimination is not None:
            assert f"{figures.discrimination:.2f}".replace("-", "−") in rows[q]
        assert ("Review this question" in rows[q]) == figures.review
        assert all(reason in rows[q] for reason in figures.reasons)
    assert rows["f1"].count("100% answered correctly") == 1
    assert "Can't be worked out" in rows["f1"] and "Review this question" in rows["f1"]
    assert "Almost everyone answers it right" in rows["f1"]
    assert "That's fine for a key safety or ethics point everyone must know." in rows["f1"]
    assert "0% answered correctly (0 of 12)" in rows["l3"]
    assert "Most trainees answer it wrong" in rows["l3"]
    assert "0.51 (good)" in rows["f2"] and "Looks fine" in rows["f2"]
    assert "−0.70 (the wrong way round)" in rows["f3"]
    assert "Check the answer key first" in rows["f3"]
    assert "4 questions to review: question 1, question 3, question 5, question 6." in text
    assert 'href="#question-3"' in html_of(page) and 'id="question-3"' in html_of(page)
    # the help says which measure it is, last, for those who know the term
    assert "(For statisticians: it is the point-biserial correlation" in text


def test_the_scores_spread_in_bands_with_a_table(app, twelve):
    text = text_of(_as(app, twelve["lead"]).get("/lead/quizzes?course=care"))
    # first-attempt scores: 2 right (k 0 to 2 but the even ones have l1: 3 right) …
    counts: dict[str, int] = {}
    for k in range(12):
        percent = round(100 * len(_first_answers(k)) / 6, 1)
        band = min(90, int(percent) // 10 * 10)
        label = f"{band}–{band + 9 if band < 90 else 100}%"
        counts[label] = counts.get(label, 0) + 1
    table = text.split("First-attempt scores, in bands of 10 points", 1)[1]
    for label, number in counts.items():
        assert f"{label} {number}" in table
    assert "0–9% 0" in table and "90–100% 0" in table


def test_the_cohort_picker_changes_the_figures(app, twelve):
    cohort = twelve["cohort"]
    page = _as(app, twelve["lead"]).get(f"/lead/quizzes?course=care&cohort={cohort.id}")
    text = text_of(page)
    assert "for the trainees in Spring 2026" in text
    assert "6 trainees · " in text
    rows = _rows(text)
    assert "(0 of 6)" in rows["f2"] and "6 attempts" in rows["f2"]  # the weaker six
    assert "Too few attempts to judge (fewer than 10)" in rows["f2"]
    assert not any("Review this question" in row for row in rows.values())
    assert "No question needs a review among those with enough attempts to judge" in text
    assert f'<option value="{cohort.id}" selected>Spring 2026</option>' in html_of(page)
    assert '<option value="care" selected>Care</option>' in html_of(page)


def test_a_quiz_nobody_took_says_what_happens_next(app, tmp_path):
    serve(app, tmp_path)
    cohort = make_cohort()
    text = text_of(
        _as(app, make_user(Role.LEAD)).get(f"/lead/quizzes?course=care&cohort={cohort.id}")
    )
    assert "No trainee in Spring 2026 has finished this quiz yet" in text
    assert "see the summary of every quiz" in text
    assert "Each question" not in text and "retakes included" not in text


@pytest.mark.parametrize("value", ["nope", "../care", "Care", "x" * 300])
def test_an_unknown_quiz_says_so_next_to_the_picker_and_shows_the_summary(app, tmp_path, value):
    serve(app, tmp_path)
    page = _as(app, make_user(Role.LEAD)).get(f"/lead/quizzes?course={value}")
    assert page.status_code == 200
    html, text = html_of(page), text_of(page)
    assert 'aria-describedby="course-error"' in html
    assert '<p class="error" id="course-error">There is no course with that name' in html
    assert "Care No attempts yet" in text  # the summary of every quiz


def test_an_unknown_cohort_is_named_next_to_its_picker_and_the_choice_of_quiz_is_kept(app, twelve):
    page = _as(app, twelve["lead"]).get("/lead/quizzes?course=care&cohort=99999")
    html = html_of(page)
    assert page.status_code == 200
    assert re.search(
        r'<select id="cohort" name="cohort" aria-invalid="true" aria-describedby="cohort-error">'
        r'\s*<option value="">All trainees</option>',
        html,
    )
    assert '<p class="error" id="cohort-error">That cohort does not exist' in html
    assert "12 trainees · " in text_of(page)  # every trainee, still for the quiz chosen


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_see_a_quiz_question_by_question(app, twelve, role):
    client = _as(app, make_user(role))
    url = f"/lead/quizzes?course=care&cohort={twelve['cohort'].id}"
    assert client.get(url).status_code == 403
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_summary_links_each_quiz_with_the_cohort_kept(app, twelve):
    cohort = twelve["cohort"]
    page = _as(app, twelve["lead"]).get(f"/lead/quizzes?cohort={cohort.id}")
    assert f'href="/lead/quizzes?cohort={cohort.id}&course=care"' in html_of(page)
    assert "Each question and the spread of scores for Care" in text_of(page)


def test_the_page_reads_a_few_grouped_rows_however_many_attempts(app, twelve):
    client = _as(app, twelve["lead"])
    client.get("/lead/quizzes?course=care")  # warm up
    with statements(app) as few:
        client.get("/lead/quizzes?course=care")
    more = [make_user(Role.TRAINEE) for _ in range(20)]
    save(*[_attempt(p, {"f1", "f2"}) for p in more])
    with statements(app) as many:
        client.get("/lead/quizzes?course=care")
    assert len(many) == len(few)
    reads = [s for s in few if "quiz_attempt" in s and "quiz_standing" not in s]
    assert len(reads) == 2 and all("GROUP BY" in s for s in reads), reads


# --- the database's sums are the ones the attempts give ---------------------------------------

specs = st.lists(
    st.tuples(
        st.integers(0, 4),  # trainee
        st.sampled_from(list(AttemptStatus)),
        st.lists(st.sampled_from(QUESTIONS), min_size=1, max_size=6, unique=True),
        st.sets(st.sampled_from(QUESTIONS)),
    ),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=specs)
def test_the_figures_are_the_first_finished_attempts_figures(app, tmp_path_factory, specs):
    from training import content
    from training.lead.quiz_analysis import analysis

    serve(app, tmp_path_factory.mktemp("content"))
    with app.app_context():
        db.session.execute(delete(QuizAttempt))
        db.session.execute(delete(User))
        db.session.execute(delete(Cohort))
        cohort = Cohort(name="Odd", start_date=date(2026, 1, 1), track_id="peer-recovery")
        db.session.add(cohort)
        db.session.flush()
        people = [
            User(email=f"t{n}@example.org", name=f"T{n}", role=Role.TRAINEE, password_hash="x",
                 cohort_id=cohort.id if n % 2 else None)
            for n in range(5)
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.flush()
        first: dict[int, tuple[list[str], set[str]]] = {}
        open_ones = set()
        for person, status, drawn, right in specs:
            if status == AttemptStatus.IN_PROGRESS and person in open_ones:
                status = AttemptStatus.ABANDONED
            open_ones |= {person} if status == AttemptStatus.IN_PROGRESS else set()
            db.session.add(_attempt(people[person], right, drawn, status))
            db.session.flush()
            if status == AttemptStatus.FINISHED:
                first.setdefault(person, (drawn, right & set(drawn)))
        db.session.commit()
        course = content.library().course("care")
        for chosen, members in ((None, range(5)), (cohort, (1, 3))):
            expected = item_sums([first[p] for p in members if p in first])
            result = analysis(course, chosen)
            assert result.trainees == sum(1 for p in members if p in first)
            assert sum(b.count for b in result.bands) == result.trainees
            for q in result.questions:
                if q.question.id in expected:
                    assert q.analysis == analyse(expected[q.question.id])
                else:
                    assert q.analysis.attempts == 0
        db.session.rollback()
