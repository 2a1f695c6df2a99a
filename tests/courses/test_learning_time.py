"""Learning time: what a course's hours rest on, and when it awards more than that."""

import pytest

from courses.learning_time import basis_lines, hours_problem, learning_time
from courses.model import Course, Exercise, Module, Quiz


def course(words=(2000, 1000), exercise_minutes=(15, 10), quiz_minutes=20, hours=None, **fields):
    exercises = tuple(
        Exercise(f"e{i}", "m0", "Title", "Scenario", "Prompt", ("a", "b"), m)
        for i, m in enumerate(exercise_minutes)
    )
    modules = tuple(
        Module(f"m{i}", f"Module {i}", "text", n, exercises if i == 0 else ())
        for i, n in enumerate(words)
    )
    return Course(
        id="c",
        title="C",
        summary="S",
        order=1,
        modules=modules,
        quiz=Quiz(questions=(), minutes=quiz_minutes),
        training_hours=hours if hours is not None else {"advocacy": 1.0},
        version="v",
        **fields,
    )


def test_the_basis_adds_reading_practice_and_quiz_time():
    # 3,000 words at 200 a minute: 10 + 5 minutes; practice 25; quiz 20.
    time = learning_time(course())
    assert (time.words, time.reading_minutes) == (3000, 15)
    assert (time.exercises, time.exercise_minutes, time.quiz_minutes) == (2, 25, 20)
    assert time.total_minutes == 60 == course().learning_minutes


@pytest.mark.parametrize(("minutes", "supported"), [(29, 0.0), (30, 0.5), (89, 1.0), (90, 1.5)])
def test_supported_hours_are_the_learning_time_rounded_down_to_half_hours(minutes, supported):
    time = learning_time(course(words=(200,), exercise_minutes=(), quiz_minutes=minutes - 1))
    assert time.total_minutes == minutes
    assert time.supported_hours == supported


def test_a_course_may_award_exactly_its_learning_time():
    assert hours_problem(course(hours={"advocacy": 0.5, "mentoring_education": 0.5})) is None


def test_a_course_that_awards_more_than_its_learning_time_is_a_problem():
    problem = hours_problem(course(quiz_minutes=19))
    assert problem == (
        "the course awards 1 training hour but its learning time is 59 min, which supports at "
        "most 0.5 hours: lower [training_hours] or add material (module text, practice exercises)"
    )


@pytest.mark.parametrize("delivery", ["live", "blended"])
def test_live_hours_must_be_backed_by_learning_time_too_for_now(delivery):
    problem = hours_problem(course(hours={"advocacy": 2.0}, delivery=delivery))
    assert problem.startswith("the course awards 2 training hours but its learning time is 1 h")
    assert f"({delivery} courses too: live hours need attendance records, which the platform" in (
        problem
    )
    assert hours_problem(course(delivery=delivery)) is None


def test_the_basis_is_printed_in_words_an_author_can_check():
    lines = basis_lines(course(hours={"advocacy": 0.5, "recovery_wellness": 1.5}))
    assert lines == [
        "Learning time: 1 h = reading 15 min (3,000 words at 200 words a minute) + practice "
        "25 min (2 exercises) + quiz 20 min",
        "Hours awarded: 2 (Advocacy 0.5, Recovery/Wellness Support 1.5); the learning time "
        "supports 1",
    ]
