"""Question types, drawing, option order, grading, attempt limits and the review policy."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.model import REVIEW_AFTER_FINAL, REVIEW_IMMEDIATE, Option, Question, Quiz
from courses.questions import QUESTION_TYPES, QuestionType, ResponseError
from courses.quiz import (
    AttemptError,
    availability,
    draw_questions,
    grade,
    option_order,
    reveals_answers,
)

OPTIONS = tuple(Option(i, i.upper()) for i in "abcd")


def question(qid: str, kind: str = "single", answer=("b",)) -> Question:
    qtype = QUESTION_TYPES[kind]
    options = qtype.fixed_options() or OPTIONS
    return Question(qid, qtype, "prompt", options, frozenset(answer), "why")


QUIZ = Quiz(
    questions=(
        question("q1"),
        question("q2", "multiple", ("a", "c")),
        question("q3", "true_false", ("false",)),
        question("q4"),
        question("q5"),
    ),
    pass_mark=80,
)
IDS = [q.id for q in QUIZ.questions]
KEY = {q.id: sorted(q.answer) for q in QUIZ.questions}


def test_every_type_is_registered_by_its_name():
    assert set(QUESTION_TYPES) == {"single", "multiple", "true_false"}
    assert all(isinstance(t, QuestionType) and t.name == n for n, t in QUESTION_TYPES.items())


def test_the_answer_key_scores_full_marks():
    result = grade(QUIZ, IDS, KEY)
    assert (result.correct, result.total, result.percent, result.passed) == (5, 5, 100.0, True)


def test_four_of_five_passes_at_eighty_percent_and_three_does_not():
    four = grade(QUIZ, IDS, {**KEY, "q1": ["a"]})
    three = grade(QUIZ, IDS, {**KEY, "q1": ["a"], "q4": ["c"]})
    assert (four.percent, four.passed) == (80.0, True)
    assert (three.percent, three.passed) == (60.0, False)


def test_multiple_choice_needs_exactly_the_right_set():
    assert not grade(QUIZ, IDS, {**KEY, "q2": ["a"]}).results[1].correct
    assert not grade(QUIZ, IDS, {**KEY, "q2": ["a", "b", "c"]}).results[1].correct


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ({**KEY, "q9": ["a"]}, "not part of this attempt"),
        ({k: v for k, v in KEY.items() if k != "q4"}, "Still unanswered: 4"),
        ({**KEY, "q1": []}, "Still unanswered: 1"),
        ({**KEY, "q1": ["zz"]}, "Question 1: The answer names an option"),
        ({**KEY, "q1": ["a", "b"]}, "Question 1: Choose exactly one answer"),
        ({**KEY, "q3": ["maybe"]}, "Question 3: The answer names an option"),
    ],
)
def test_tampered_or_incomplete_answers_are_refused(responses, message):
    with pytest.raises(AttemptError, match=message):
        grade(QUIZ, IDS, responses)


def test_a_question_missing_from_the_quiz_is_refused():
    with pytest.raises(AttemptError, match="changed since the attempt began"):
        grade(QUIZ, [*IDS, "gone"], {**KEY, "gone": ["a"]})


def test_parse_response_rejects_nothing_chosen():
    with pytest.raises(ResponseError):
        QUESTION_TYPES["multiple"].parse_response([], QUIZ.questions[1])


@given(
    picks=st.lists(st.sets(st.sampled_from("abcd"), min_size=1, max_size=4), min_size=5, max_size=5)
)
def test_score_is_the_share_of_right_answers_and_pass_follows_the_mark(picks):
    responses = {}
    for qid, pick in zip(IDS, picks, strict=True):
        q = QUIZ.question(qid)
        if q.type.name == "true_false":
            responses[qid] = ["true" if "a" in pick else "false"]
        elif q.type.name == "single":
            responses[qid] = [min(pick)]
        else:
            responses[qid] = sorted(pick)
    result = grade(QUIZ, IDS, responses)
    right = sum(sorted(responses[q]) == KEY[q] for q in IDS)
    assert result.correct == right
    assert 0 <= result.percent <= 100
    assert result.percent == round(100 * right / 5, 1)
    assert result.passed == (right >= 4)


@given(correct=st.integers(0, 60), extra=st.integers(0, 60), mark=st.integers(1, 100))
def test_pass_is_exact_at_the_boundary(correct, extra, mark):
    from courses.quiz import Grade, QuestionResult

    total = correct + extra
    results = tuple(QuestionResult(str(i), frozenset(), i < correct) for i in range(total))
    g = Grade(results, mark)
    assert g.passed == (total > 0 and correct / total * 100 >= mark - 1e-9)


POOL = Quiz(
    questions=tuple(replace(question(f"q{i}"), module_id=f"m{i % 2}") for i in range(10)), draw=4
)


@given(seed=st.integers(0, 2**31 - 1))
def test_a_draw_is_n_distinct_questions_from_the_pool_and_repeatable(seed):
    drawn = draw_questions(POOL, seed)
    assert len(drawn) == len(set(drawn)) == 4
    assert set(drawn) <= {q.id for q in POOL.questions}
    assert draw_questions(POOL, seed) == drawn


def test_different_attempts_draw_different_questions():
    draws = {tuple(draw_questions(POOL, seed)) for seed in range(20)}
    assert len(draws) > 10


def test_without_a_draw_every_question_comes_in_written_order():
    assert draw_questions(QUIZ, 123) == IDS


@given(seed=st.integers(0, 2**31 - 1))
def test_option_order_is_a_stable_permutation(seed):
    q = QUIZ.questions[0]
    order = option_order(q, seed)
    assert sorted(o.id for o in order) == ["a", "b", "c", "d"]
    assert option_order(q, seed) == order


def test_option_order_varies_between_attempts_but_true_false_stays_put():
    orders = {tuple(o.id for o in option_order(QUIZ.questions[0], s)) for s in range(30)}
    assert len(orders) > 5
    assert [o.id for o in option_order(QUIZ.questions[2], 7)] == ["true", "false"]


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_attempt_limit_and_wait():
    limited = replace(QUIZ, max_attempts=2, wait_minutes=30)
    assert availability(limited, [], NOW).allowed
    waiting = availability(limited, [NOW - timedelta(minutes=10)], NOW)
    assert not waiting.allowed and waiting.next_at == NOW + timedelta(minutes=20)
    assert waiting.attempts_left == 1
    assert availability(limited, [NOW - timedelta(minutes=31)], NOW).allowed
    used_up = availability(limited, [NOW - timedelta(days=2), NOW - timedelta(days=1)], NOW)
    assert not used_up.allowed and used_up.attempts_left == 0
    assert "used all the attempts" in used_up.reason
    unlimited = replace(QUIZ, max_attempts=0, wait_minutes=0)
    assert availability(unlimited, [NOW] * 50, NOW).allowed


def test_by_default_a_quiz_allows_three_attempts_a_day_apart():
    assert (QUIZ.max_attempts, QUIZ.wait_minutes) == (3, 24 * 60)
    waiting = availability(QUIZ, [NOW - timedelta(hours=23)], NOW)
    assert not waiting.allowed and waiting.next_at == NOW + timedelta(hours=1)
    assert waiting.attempts_left == 2
    assert availability(QUIZ, [NOW - timedelta(hours=25)], NOW).allowed
    third_done = [NOW - timedelta(days=d) for d in (3, 2, 1)]
    assert not availability(QUIZ, third_done, NOW).allowed


def test_answers_are_hidden_until_the_trainee_passes():
    assert not reveals_answers(QUIZ, passed=False, attempts_left=None)
    assert not reveals_answers(QUIZ, passed=False, attempts_left=2)
    assert reveals_answers(QUIZ, passed=True, attempts_left=None)
    # Not even after the last attempt: a lead may grant more, and they must still be fair.
    assert not reveals_answers(QUIZ, passed=False, attempts_left=0)
    after_final = replace(QUIZ, review=REVIEW_AFTER_FINAL)
    assert reveals_answers(after_final, passed=False, attempts_left=0)
    assert not reveals_answers(after_final, passed=False, attempts_left=1)
    assert reveals_answers(replace(QUIZ, review=REVIEW_IMMEDIATE), passed=False, attempts_left=3)
