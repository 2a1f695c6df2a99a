"""The stratified draw: each attempt spreads its questions evenly over the course's modules.

Required questions are in every attempt; the rest of a module's slots are a random sample of its
other questions; the same seed gives the same attempt.
"""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from courses.model import Option, Question, Quiz
from courses.questions import QUESTION_TYPES
from courses.quiz import DrawPlan, Stratum, draw_plan, draw_questions

OPTIONS = (Option("a", "A"), Option("b", "B"))


def pool(shape: list[tuple[int, int]], draw: int | None) -> Quiz:
    """A quiz with, per module, ``(questions, required)``; the required ones come first."""
    questions = []
    for m, (count, required) in enumerate(shape):
        for i in range(count):
            questions.append(
                Question(
                    f"m{m}q{i}",
                    QUESTION_TYPES["single"],
                    "prompt",
                    OPTIONS,
                    frozenset("a"),
                    "why",
                    module_id=f"m{m}",
                    required=i < required,
                )
            )
    return Quiz(questions=tuple(questions), draw=draw)


def per_module(ids: list[str]) -> Counter:
    return Counter(i.split("q")[0] for i in ids)


# Three modules of 5, 4 and 6 questions, one required in the first: draw 7 is 2 each plus one.
QUIZ = pool([(5, 1), (4, 0), (6, 0)], draw=7)


def test_the_plan_lists_each_module_with_its_required_and_optional_questions():
    assert draw_plan(QUIZ) == DrawPlan(
        strata=(
            Stratum("m0", ("m0q0",), ("m0q1", "m0q2", "m0q3", "m0q4")),
            Stratum("m1", (), ("m1q0", "m1q1", "m1q2", "m1q3")),
            Stratum("m2", (), tuple(f"m2q{i}" for i in range(6))),
        ),
        base=2,
        extra=1,
    )


def test_without_a_draw_the_plan_requires_every_question():
    plan = draw_plan(pool([(2, 0), (3, 0)], draw=None))
    assert plan.base == plan.extra == 0 and plan.draws_everything
    assert [s.required for s in plan.strata] == [("m0q0", "m0q1"), ("m1q0", "m1q1", "m1q2")]
    assert draw_plan(pool([(2, 0), (3, 0)], draw=5)) == plan  # drawing all is no draw


def test_an_attempt_holds_the_drawn_count_in_written_order_with_required_questions():
    for seed in range(200):
        drawn = draw_questions(QUIZ, seed)
        assert len(drawn) == len(set(drawn)) == 7
        assert "m0q0" in drawn
        written = [q.id for q in QUIZ.questions]
        assert drawn == sorted(drawn, key=written.index)
        assert sorted(per_module(drawn).values()) == [2, 2, 3]


def test_the_same_seed_draws_the_same_attempt_and_other_seeds_vary():
    assert draw_questions(QUIZ, 42) == draw_questions(QUIZ, 42)
    assert len({tuple(draw_questions(QUIZ, s)) for s in range(30)}) > 20


def test_every_module_gets_the_extra_slot_and_every_question_is_drawn_sometimes():
    seen_extra = Counter()
    seen_question = Counter()
    for seed in range(600):
        drawn = draw_questions(QUIZ, seed)
        seen_extra.update(m for m, n in per_module(drawn).items() if n == 3)
        seen_question.update(drawn)
    # One module in three gets the extra slot: about 200 times each.
    assert all(150 < seen_extra[m] < 250 for m in ("m0", "m1", "m2")), seen_extra
    assert set(seen_question) == {q.id for q in QUIZ.questions}
    assert seen_question["m0q0"] == 600


@st.composite
def feasible_quizzes(draw):
    """Random quiz shapes the loader accepts, with a draw smaller than the pool."""
    modules = draw(st.integers(1, 5))
    base = draw(st.integers(0, 4))
    extra = draw(st.integers(0 if base else 1, modules - 1)) if modules > 1 else 0
    if base == 0 and extra == 0:
        base = 1
    least = base + (1 if extra else 0)
    shape = [
        (draw(st.integers(least, least + 4)), draw(st.integers(0, base))) for _ in range(modules)
    ]
    total = sum(count for count, _ in shape)
    quiz_draw = base * modules + extra
    if quiz_draw >= total:  # that would be no draw at all; give the first module one more
        shape[0] = (shape[0][0] + quiz_draw - total + 1, shape[0][1])
    return pool(shape, quiz_draw)


@given(quiz=feasible_quizzes(), seed=st.integers(0, 2**32))
def test_any_feasible_draw_is_stratified_and_repeatable(quiz, seed):
    plan = draw_plan(quiz)
    drawn = draw_questions(quiz, seed)
    assert len(drawn) == len(set(drawn)) == quiz.draw
    assert draw_questions(quiz, seed) == drawn
    counts = per_module(drawn)
    for stratum in plan.strata:
        assert set(stratum.required) <= set(drawn)
        assert counts[stratum.module_id] in (plan.base, plan.base + 1)
    assert sum(counts[s.module_id] == plan.base + 1 for s in plan.strata) == plan.extra
    assert plan.base * len(plan.strata) + plan.extra == quiz.draw


@given(quiz=feasible_quizzes())
def test_the_plan_covers_every_question_once(quiz):
    plan = draw_plan(quiz)
    ids = [i for s in plan.strata for i in (*s.required, *s.optional)]
    assert sorted(ids) == sorted(q.id for q in quiz.questions)
    assert [s.module_id for s in plan.strata] == [f"m{i}" for i in range(len(plan.strata))]
