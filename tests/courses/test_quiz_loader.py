"""quiz.toml's attempt rules, time, required questions and the stratified draw's checks."""

import pytest

from courses.loader import load_library
from tests.courses.quizzes import line_of, question, quiz
from tests.helpers import write_course

# write_course's modules are "first" and "second".
TWO_MODULES = [("first", 4, 0), ("second", 4, 0)]


def load(tmp_path, text):
    write_course(tmp_path, quiz=text)
    return load_library(tmp_path)


def problems(tmp_path, text):
    return load(tmp_path, text).problems


def test_a_quiz_loads_with_its_time_rules_and_question_lines(tmp_path):
    text = quiz([("first", 3, 1), ("second", 3, 0)], draw=4, minutes=8)
    library = load(tmp_path, text)
    assert library.problems == ()
    loaded = library.courses[0].quiz
    assert (loaded.minutes, loaded.draw, loaded.max_attempts, loaded.wait_minutes) == (
        8,
        4,
        3,
        1440,
    )
    assert loaded.source == f"{tmp_path}/courses/basics/quiz.toml"
    assert [q.id for q in loaded.questions if q.required] == ["first-0"]
    second = loaded.question("second-1")
    assert second.module_id == "second"
    assert second.line == line_of(text, 'id = "second-1"')


def test_attempt_settings_override_the_defaults(tmp_path):
    text = quiz(TWO_MODULES, settings="max_attempts = 0\nwait_minutes = 0\n")
    loaded = load(tmp_path, text).courses[0].quiz
    assert (loaded.max_attempts, loaded.wait_minutes) == (0, 0)


def test_immediate_review_is_allowed_with_a_single_attempt(tmp_path):
    text = quiz(TWO_MODULES, settings='max_attempts = 1\nreview = "immediate"\n')
    assert problems(tmp_path, text) == ()


def test_a_missing_time_is_reported_with_the_allowed_range(tmp_path):
    assert problems(tmp_path, quiz(TWO_MODULES, draw=5, minutes=0)) == (
        f"{tmp_path}/courses/basics/quiz.toml: minutes is missing: give the time the quiz "
        "takes (1 to 3 minutes per question in an attempt: here 5 to 15)",
    )


@pytest.mark.parametrize(("minutes", "ok"), [(7, False), (8, True), (24, True), (25, False)])
def test_the_time_is_one_to_three_minutes_per_question_in_an_attempt(tmp_path, minutes, ok):
    found = problems(tmp_path, quiz(TWO_MODULES, minutes=minutes))
    message = "quiz.toml:1: minutes must be a whole number from 1 to 3 minutes per question"
    assert (found == ()) == ok
    assert ok or any(message in p and "here 8 to 24" in p for p in found), found


def test_a_time_that_is_not_a_number_is_reported(tmp_path):
    text = quiz(TWO_MODULES, minutes=0, settings='minutes = "ten"\n')
    assert any("quiz.toml:1: minutes must be a whole number" in p for p in problems(tmp_path, text))


def test_immediate_review_with_retakes_is_refused(tmp_path):
    text = quiz(TWO_MODULES, settings='review = "immediate"\n')
    (problem,) = problems(tmp_path, text)
    assert problem.endswith(
        'quiz.toml:2: review = "immediate" shows the right answers after every attempt, so '
        "retakes would hand out the key: use it only with max_attempts = 1"
    )


def test_required_must_be_true_or_false(tmp_path):
    text = "minutes = 2\n" + question("q1", "first", extra='required = "yes"')
    (problem,) = problems(tmp_path, text)
    assert problem.endswith(
        f'quiz.toml:{line_of(text, "required")}: question "q1": required must be true or false '
        "(no quotes)"
    )


def test_with_a_draw_every_question_names_its_module(tmp_path):
    text = quiz([("first", 3, 0), (None, 1, 0)], draw=2)
    (problem,) = problems(tmp_path, text)
    line = line_of(text, 'id = "x-0"')
    assert problem.endswith(
        f'quiz.toml:{line}: question "x-0": give the module it checks '
        "(module = ...): draw is set, and questions are drawn evenly from each module"
    )


def test_without_a_draw_the_module_stays_optional(tmp_path):
    assert problems(tmp_path, quiz([("first", 3, 0), (None, 1, 0)])) == ()


def test_a_module_too_small_for_its_share_of_the_draw_is_refused(tmp_path):
    # draw 5 over 2 modules: 2 each, and one of them 3; "second" has only 2 questions.
    text = quiz([("first", 4, 0), ("second", 2, 0)], draw=5)
    (problem,) = problems(tmp_path, text)
    assert problem.endswith(
        'quiz.toml:2: module "second" has 2 questions but an attempt may draw 3 from it '
        "(5 questions over 2 modules): add questions to it or lower draw"
    )


def test_a_module_just_big_enough_for_its_share_is_accepted(tmp_path):
    assert problems(tmp_path, quiz([("first", 4, 0), ("second", 3, 0)], draw=5)) == ()
    assert problems(tmp_path, quiz([("first", 4, 0), ("second", 2, 0)], draw=4)) == ()


def test_more_required_questions_than_a_module_always_gets_are_refused(tmp_path):
    # draw 5 over 2 modules: a module is sure of only 2 slots, but "first" requires 3.
    text = quiz([("first", 5, 3), ("second", 4, 0)], draw=5)
    (problem,) = problems(tmp_path, text)
    line = line_of(text, 'id = "first-2"')
    assert problem.endswith(
        f'quiz.toml:{line}: module "first" has 3 required questions '
        "but an attempt may draw only 2 from it (5 questions over 2 modules)"
    )


def test_as_many_required_questions_as_the_module_always_gets_are_accepted(tmp_path):
    assert problems(tmp_path, quiz([("first", 5, 2), ("second", 4, 0)], draw=5)) == ()


def test_a_repeated_question_id_is_reported_at_its_second_use(tmp_path):
    text = "minutes = 2\n" + question("q1", "first") + question("q1", "second")
    (problem,) = problems(tmp_path, text)
    second = line_of(text, 'id = "q1"', after=line_of(text, 'id = "q1"'))
    assert problem.endswith(f'quiz.toml:{second}: question id "q1" is used twice')
