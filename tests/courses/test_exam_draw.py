"""The final exam's pure parts: a question's domain, the pools, the draw by blueprint, the
blueprint's problems and grading (courses.exam_draw), without an app."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.rulebook import ExamRule
from courses.exam_draw import (
    blueprint_in_order,
    blueprint_problems,
    course_domain,
    domain_results,
    draw_exam,
    exam_pools,
    grade_exam,
    to_review,
)
from courses.loader import load_library
from courses.model import Course, Library, Option, Question, Quiz
from courses.questions import QUESTION_TYPES
from courses.quiz import AttemptError


def question(qid: str, answer: str = "a") -> Question:
    return Question(
        id=qid,
        type=QUESTION_TYPES["single"],
        prompt=f"Prompt {qid}?",
        options=(Option("a", "A"), Option("b", "B"), Option("c", "C")),
        answer=frozenset({answer}),
        explanation="",
    )


def course(course_id: str, hours: dict[str, float], questions: int) -> Course:
    return Course(
        id=course_id,
        title=course_id.title(),
        summary="",
        order=1,
        modules=(),
        quiz=Quiz(tuple(question(f"q{i}") for i in range(1, questions + 1))),
        training_hours=hours,
        version="v1",
    )


LIBRARY = Library(
    (
        course("ethics", {"ethical_responsibility": 2.0}, 6),
        course("listening", {"mentoring_education": 1.5, "ethical_responsibility": 0.5}, 4),
        # a tie: Mentoring/Education comes before Recovery/Wellness Support in DOMAINS
        course("empathy", {"recovery_wellness": 1.0, "mentoring_education": 1.0}, 3),
        course("advocacy", {"advocacy": 2.0}, 2),
        course("no-hours", {}, 5),
    ),
    "v1",
)
ALL = [c.id for c in LIBRARY.courses]


def internal(**blueprint: int) -> ExamRule:
    return ExamRule(kind="internal", name="Final exam", blueprint=blueprint, pass_percent=80)


# --- a question's domain -----------------------------------------------------------------------


def test_a_course_counts_in_its_most_hours_domain():
    assert course_domain(LIBRARY.course("listening")) == "mentoring_education"
    assert course_domain(LIBRARY.course("ethics")) == "ethical_responsibility"


def test_a_tie_goes_to_the_first_domain_in_domains_order():
    assert course_domain(LIBRARY.course("empathy")) == "mentoring_education"
    tie = course("tie", {"ethical_responsibility": 1, "advocacy": 1}, 1)
    assert course_domain(tie) == "advocacy"


def test_a_course_without_training_hours_has_no_domain():
    assert course_domain(LIBRARY.course("no-hours")) is None
    assert course_domain(course("zero", {"advocacy": 0}, 1)) is None


# --- pools -------------------------------------------------------------------------------------


def test_pools_hold_every_question_of_the_named_courses_by_domain():
    pools = exam_pools(LIBRARY, ALL)
    assert set(pools) == {"ethical_responsibility", "mentoring_education", "advocacy"}
    assert len(pools["ethical_responsibility"]) == 6
    assert pools["mentoring_education"] == [
        *(("listening", f"q{i}") for i in range(1, 5)),
        *(("empathy", f"q{i}") for i in range(1, 4)),
    ]
    assert pools["advocacy"] == [("advocacy", "q1"), ("advocacy", "q2")]


def test_pools_leave_out_courses_not_named_or_not_in_the_library():
    pools = exam_pools(LIBRARY, ["advocacy", "gone", "advocacy"])
    assert pools == {"advocacy": [("advocacy", "q1"), ("advocacy", "q2")]}


def test_the_same_question_id_in_two_courses_stays_two_questions():
    pools = exam_pools(LIBRARY, ["ethics", "listening"])
    assert ("ethics", "q1") in pools["ethical_responsibility"]
    assert ("listening", "q1") in pools["mentoring_education"]


# --- the draw ----------------------------------------------------------------------------------


def test_the_draw_gives_each_domain_its_count_without_repeats():
    rule = internal(ethical_responsibility=4, mentoring_education=5, advocacy=2)
    pools = exam_pools(LIBRARY, ALL)
    for seed in range(50):
        drawn = draw_exam(rule, pools, seed)
        assert len(drawn) == len(set(drawn)) == 11
        by_domain = Counter(d for ref in drawn for d, pool in pools.items() if ref in pool)
        assert by_domain == {"ethical_responsibility": 4, "mentoring_education": 5, "advocacy": 2}


def test_the_draw_is_the_same_for_the_same_seed_and_varies_with_it():
    rule = internal(ethical_responsibility=3, mentoring_education=3)
    pools = exam_pools(LIBRARY, ALL)
    assert draw_exam(rule, pools, 7) == draw_exam(rule, pools, 7)
    assert len({tuple(draw_exam(rule, pools, seed)) for seed in range(30)}) > 5


def test_the_draw_asks_domains_in_domains_order():
    rule = internal(ethical_responsibility=1, advocacy=1, mentoring_education=1)
    drawn = draw_exam(rule, exam_pools(LIBRARY, ALL), 3)
    assert drawn[0][0] == "advocacy" and drawn[2][0] == "ethics"
    assert [d for d, _ in blueprint_in_order(rule)] == [
        "advocacy",
        "mentoring_education",
        "ethical_responsibility",
    ]


def test_a_draw_from_too_small_a_pool_is_refused():
    with pytest.raises(ValueError, match="asks for 3 questions in Advocacy"):
        draw_exam(internal(advocacy=3), exam_pools(LIBRARY, ALL), 1)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 12), min_size=1, max_size=4),
    wanted=st.lists(st.integers(0, 12), min_size=4, max_size=4),
    seed=st.integers(0, 2**31 - 1),
)
def test_any_drawable_blueprint_draws_exactly_its_counts(sizes, wanted, seed):
    domains = ["advocacy", "mentoring_education", "recovery_wellness", "ethical_responsibility"]
    pools = {d: [(d, f"q{i}") for i in range(n)] for d, n in zip(domains, sizes, strict=False)}
    blueprint = {d: min(w, len(pools.get(d, []))) for d, w in zip(domains, wanted, strict=True)}
    drawn = draw_exam(internal(**blueprint), pools, seed)
    assert len(drawn) == len(set(drawn)) == sum(blueprint.values())
    assert Counter(c for c, _ in drawn) == {d: n for d, n in blueprint.items() if n}
    for domain, pool in pools.items():  # each domain's questions keep the pool's order
        mine = [ref for ref in drawn if ref[0] == domain]
        assert mine == sorted(mine, key=pool.index)


# --- blueprint problems ------------------------------------------------------------------------


def test_a_blueprint_the_pools_can_serve_has_no_problems():
    rule = internal(ethical_responsibility=6, mentoring_education=7, advocacy=2)
    assert blueprint_problems(rule, LIBRARY, ALL) == []


def test_a_pool_too_small_is_named_with_the_numbers():
    rule = internal(ethical_responsibility=7, recovery_wellness=1)
    assert blueprint_problems(rule, LIBRARY, ALL) == [
        "The final exam asks for 1 question in Recovery/Wellness Support, but the track's "
        "courses have only 0 questions in that domain.",
        "The final exam asks for 7 questions in Ethical Responsibility, but the track's "
        "courses have only 6 questions in that domain.",
    ]


def test_only_the_tracks_courses_feed_the_pools():
    rule = internal(ethical_responsibility=2)
    assert blueprint_problems(rule, LIBRARY, ["advocacy"]) == [
        "The final exam asks for 2 questions in Ethical Responsibility, but the track's "
        "courses have only 0 questions in that domain."
    ]


def test_an_unknown_domain_or_an_empty_blueprint_is_a_problem():
    assert "unknown domain “ethics”" in blueprint_problems(internal(ethics=1), LIBRARY, ALL)[0]
    assert "asks for no questions" in blueprint_problems(internal(), LIBRARY, ALL)[0]


def test_an_external_exam_has_no_blueprint_to_check():
    rule = ExamRule(kind="external", name="NCPRSS examination")
    assert blueprint_problems(rule, LIBRARY, ALL) == []


def test_the_shipped_courses_serve_the_suggested_blueprint_for_track_one():
    library = load_library(Path(__file__).resolve().parents[2] / "content")
    rule = internal(
        advocacy=8, mentoring_education=12, recovery_wellness=15, ethical_responsibility=15
    )
    courses = [c.id for c in library.courses]
    assert blueprint_problems(rule, library, courses) == []
    assert len(draw_exam(rule, exam_pools(library, courses), 1)) == 50


# --- grading -----------------------------------------------------------------------------------


def test_grading_is_all_or_nothing_per_question_at_the_exams_pass_mark():
    questions = [question("q1", "a"), question("q1", "b"), question("q2", "c"), question("x")]
    rule = internal(advocacy=4)
    result = grade_exam(rule, questions, {"1": ["a"], "2": ["b"], "3": ["c"], "4": ["b"]})
    assert (result.correct, result.total, result.percent, result.passed) == (3, 4, 75.0, False)
    result = grade_exam(rule, questions[:3], {"1": ["a"], "2": ["b"], "3": ["c"]})
    assert result.passed and [r.question_id for r in result.results] == ["1", "2", "3"]


def test_exactly_the_pass_mark_passes():
    questions = [question(f"q{i}") for i in range(5)]
    answers = {str(i): ["a"] for i in range(1, 5)} | {"5": ["b"]}
    assert grade_exam(internal(advocacy=5), questions, answers).passed  # 4 of 5 = 80 %


def test_unanswered_or_tampered_answers_are_refused_in_words():
    questions = [question("q1"), question("q2")]
    with pytest.raises(AttemptError, match="Still unanswered: 2"):
        grade_exam(internal(advocacy=2), questions, {"1": ["a"]})
    with pytest.raises(AttemptError, match="not part of this attempt"):
        grade_exam(internal(advocacy=2), questions, {"1": ["a"], "2": ["a"], "3": ["a"]})
    with pytest.raises(AttemptError, match="Question 2"):
        grade_exam(internal(advocacy=2), questions, {"1": ["a"], "2": ["zzz"]})


def test_domain_results_say_what_to_review_without_naming_questions():
    domains = ["advocacy", "ethical_responsibility", "advocacy", "ethical_responsibility"]
    results = domain_results(domains, {1, 2, 4})
    assert [(r.name, r.correct, r.total) for r in results] == [
        ("Advocacy", 1, 2),
        ("Ethical Responsibility", 2, 2),
    ]
    assert [r.domain for r in to_review(results, 80)] == ["advocacy"]
    assert to_review(results, 50) == []
