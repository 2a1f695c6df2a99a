"""Test-wise guessers: each strategy's chance per question, and the exact chance of passing.

The exact figures are checked against hand-computed binomial cases, a brute-force enumeration of
every possible attempt, and a simulation that draws real attempts (courses.quiz.draw_questions)
and grades a bot's answers with courses.quiz.grade.
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations
from math import comb, sqrt

from hypothesis import given, settings
from hypothesis import strategies as st

from courses.guessers import (
    Guesser,
    absolute_words,
    always_false,
    false_if_absolute,
    fewest_absolutes,
    guesser_table,
    guessers,
    hedge_words,
    longest,
    most_hedged,
    most_shared_with_prompt,
    pass_chance,
    pass_probability,
    random_option,
    random_ticks,
    shortest,
    tick_all,
    tick_hedged,
    tick_longest,
    tick_without_absolutes,
    true_if_hedged,
    unstratified_plan,
    worst_guesser,
)
from courses.model import Option, Question, Quiz
from courses.questions import QUESTION_TYPES
from courses.quiz import draw_plan, draw_questions, grade


def ask(texts: list[str], key: str | list[str], prompt: str = "Which?", **kw) -> Question:
    """A single-answer question (or multiple-answer, when ``key`` is a list) with options a, b …"""
    options = tuple(Option(chr(97 + i), t) for i, t in enumerate(texts))
    kind = "multiple" if isinstance(key, list) else "single"
    return Question(
        kw.pop("qid", "q"), QUESTION_TYPES[kind], prompt, options, frozenset(key), "-", **kw
    )


def statement(prompt: str, true: bool, **kw) -> Question:
    kind = QUESTION_TYPES["true_false"]
    answer = frozenset({"true" if true else "false"})
    return Question(kw.pop("qid", "t"), kind, prompt, kind.fixed_options(), answer, "-", **kw)


# --- Words and strategies -------------------------------------------------------------------------


def test_absolute_and_hedge_words_are_whole_words_and_phrases():
    assert absolute_words("No one can ALWAYS do it; everyone's path differs") == [
        "no one",
        "always",
        "everyone",
    ]
    assert absolute_words("He cannot; the wall is tall and noone knows") == ["cannot"]
    assert hedge_words("It cannot be, but it may often help") == ["may", "often"]


def test_pick_one_strategies_split_ties_evenly():
    q = ask(["Short", "A longer answer", "Equally long 12"], "b")
    assert (longest(q), shortest(q), random_option(q)) == (Fraction(1, 2), 0, Fraction(1, 3))
    assert longest(ask(["Short", "The longest of all"], "b")) == 1


def test_word_strategies_follow_hedges_absolutes_and_the_prompt():
    q = ask(["It may often help", "It always works", "It might"], "a", prompt="Does it help?")
    assert most_hedged(q) == 1
    assert fewest_absolutes(q) == Fraction(1, 2)  # a and c have none
    assert most_shared_with_prompt(q) == 1  # "it" and "help" against one word for the others


def test_a_pick_one_strategy_is_wrong_when_several_options_are_right():
    assert longest(ask(["Short", "The longest of all"], ["a", "b"])) == 0


def test_tick_strategies_on_multiple_answer_questions():
    q = ask(["Ten chars!", "five.", "six...", "five."], ["a", "c"])
    assert tick_longest(2)(q) == 1
    tied = ask(["Ten chars!", "five.", "five.", "five."], ["a", "b"])
    assert tick_longest(2)(tied) == Fraction(1, 3)  # one of the three tied fills the second tick
    assert tick_longest(9)(ask(["x", "y"], ["a", "b"])) == 1  # fewer options: every one
    assert random_ticks(q) == Fraction(1, 15)
    assert tick_all(ask(["x", "y"], ["a", "b"])) == 1
    hedged = ask(["It may help", "Never", "It can", "Sure"], ["a", "c"])
    assert (tick_hedged(hedged), tick_without_absolutes(hedged)) == (1, 0)


def test_a_tick_strategy_with_nothing_to_tick_ticks_at_random():
    q = ask(["Always", "Never", "Only", "All"], ["a"])
    assert tick_without_absolutes(q) == random_ticks(q) == Fraction(1, 15)


def test_true_false_strategies():
    false_absolute = statement("This never works.", False)
    true_hedged = statement("This may work.", True)
    assert (always_false(false_absolute), always_false(true_hedged)) == (1, 0)
    assert (false_if_absolute(false_absolute), false_if_absolute(true_hedged)) == (1, 1)
    assert (true_if_hedged(false_absolute), true_if_hedged(true_hedged)) == (1, 1)


def test_the_strategies_offered_match_the_question_types_of_the_quiz():
    quiz = Quiz((ask(["a", "b", "c", "d", "e"], ["a", "b"]), statement("S", True)))
    offered = guessers(quiz)
    assert set(offered) == {"multiple", "true_false"}
    names = [g.name for g in offered["multiple"]]
    assert [n for n in names if n.startswith("tick the ")] == [
        "tick the 2 longest",
        "tick the 3 longest",
        "tick the 4 longest",
    ]


# --- The exact pass chance: hand-computed cases ---------------------------------------------------


def fixed(chances: dict[str, Fraction]):
    """A guesser whose chance on each question is given by id."""
    return lambda question: chances[question.id]


def pool(modules: list[list[Fraction]], draw: int | None, pass_mark: int = 80, required=()) -> Quiz:
    """Single-answer questions m<i>q<j>, module m<i>; ``required`` names required ones."""
    questions = tuple(
        Question(
            f"m{i}q{j}",
            QUESTION_TYPES["single"],
            "P",
            (Option("a", "A"), Option("b", "B")),
            frozenset("a"),
            "-",
            module_id=f"m{i}",
            required=f"m{i}q{j}" in required,
        )
        for i, chances in enumerate(modules)
        for j, _ in enumerate(chances)
    )
    return Quiz(questions, pass_mark=pass_mark, draw=draw)


def chances_of(modules: list[list[Fraction]]) -> dict[str, Fraction]:
    return {f"m{i}q{j}": p for i, ps in enumerate(modules) for j, p in enumerate(ps)}


def test_every_question_drawn_gives_the_binomial_tail():
    quarter = [[Fraction(1, 4)] * 5]
    quiz = pool(quarter, draw=None)
    # 4 or 5 right of 5: 5 · (1/4)^4 · 3/4 + (1/4)^5 = 16/1024
    assert pass_probability(quiz, fixed(chances_of(quarter))) == Fraction(1, 64)


def test_a_uniform_draw_is_hypergeometric():
    half = [[Fraction(1), Fraction(1), Fraction(0), Fraction(0)]]
    quiz = pool(half, draw=2, pass_mark=100)
    assert pass_probability(quiz, fixed(chances_of(half))) == Fraction(1, comb(4, 2))


def test_the_extra_slots_go_to_modules_chosen_at_random():
    # Three modules of one sure and one hopeless question; draw 4 is one each plus one extra.
    # The module with two slots gives exactly one right; the others one with chance 1/2 each:
    # 3 of 4 right needs both halves.
    modules = [[Fraction(1), Fraction(0)]] * 3
    quiz = pool(modules, draw=4, pass_mark=75)
    assert pass_probability(quiz, fixed(chances_of(modules))) == Fraction(1, 4)


def test_required_questions_are_in_every_attempt():
    modules = [[Fraction(1), Fraction(0), Fraction(0)], [Fraction(1), Fraction(0), Fraction(0)]]
    quiz = pool(modules, draw=2, pass_mark=100, required={"m0q0", "m1q0"})
    assert pass_probability(quiz, fixed(chances_of(modules))) == 1
    assert pass_probability(quiz, fixed(chances_of(modules)), unstratified_plan(quiz)) == Fraction(
        1, comb(6, 2)
    )


def test_the_pass_mark_is_compared_in_whole_numbers():
    eight_of_ten = [[Fraction(1)] * 8 + [Fraction(0)] * 2]  # 80 %: passes
    seven_of_nine = [[Fraction(1)] * 7 + [Fraction(0)] * 2]  # 77.8 %: fails
    assert pass_probability(pool(eight_of_ten, None), fixed(chances_of(eight_of_ten))) == 1
    assert pass_probability(pool(seven_of_nine, None), fixed(chances_of(seven_of_nine))) == 0


# --- The exact pass chance against enumeration and simulation -------------------------------------


def brute_force(quiz: Quiz, chances: dict[str, Fraction]) -> Fraction:
    """Every extra-module choice and every sample, each attempt's pass chance, averaged."""
    plan = draw_plan(quiz)
    total = Fraction(0)
    extras = list(combinations(range(len(plan.strata)), plan.extra))
    for bonus in extras:
        attempts: list[tuple[str, ...]] = [()]
        for index, stratum in enumerate(plan.strata):
            slots = max(0, plan.base + (index in bonus) - len(stratum.required))
            samples = list(combinations(stratum.optional, slots))
            attempts = [a + stratum.required + s for a in attempts for s in samples]
        for attempt in attempts:
            weight = Fraction(1, len(extras) * len(attempts))
            right = [Fraction(1)]
            for qid in attempt:
                p = chances[qid]
                right = [
                    (right[k] if k < len(right) else 0) * (1 - p) + (right[k - 1] if k else 0) * p
                    for k in range(len(right) + 1)
                ]
            needed = -(-quiz.pass_mark * len(attempt) // 100)
            total += weight * sum(right[needed:])
    return total


chance_values = st.sampled_from(
    [Fraction(0), Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(1)]
)


@st.composite
def small_quizzes(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    smallest = min(sizes)
    per_module = draw(st.integers(1, smallest))
    extra = draw(st.integers(0, len(sizes) - 1)) if per_module < smallest else 0
    modules = [[draw(chance_values) for _ in range(n)] for n in sizes]
    required = {f"m{i}q0" for i in range(len(sizes)) if per_module > 1 and draw(st.booleans())}
    pass_mark = draw(st.integers(1, 100))
    quiz = pool(modules, per_module * len(sizes) + extra, pass_mark, required)
    return quiz, chances_of(modules)


@settings(max_examples=60, deadline=None)
@given(small_quizzes())
def test_the_exact_chance_equals_enumerating_every_attempt(case):
    quiz, chances = case
    assert pass_probability(quiz, fixed(chances)) == brute_force(quiz, chances)


@settings(max_examples=60, deadline=None)
@given(small_quizzes(), st.integers(1, 100), st.integers(1, 100))
def test_the_chance_is_a_probability_that_falls_as_the_pass_mark_rises(case, mark, other):
    quiz, chances = case
    low, high = sorted((mark, other))
    at = {
        m: pass_probability(Quiz(quiz.questions, m, draw=quiz.draw), fixed(chances))
        for m in (low, high)
    }
    assert 0 <= at[high] <= at[low] <= 1


@settings(max_examples=40, deadline=None)
@given(small_quizzes())
def test_a_guesser_right_on_every_question_always_passes_and_one_never_right_never_does(case):
    quiz, _ = case
    assert pass_probability(quiz, lambda q: Fraction(1)) == 1
    assert pass_probability(quiz, lambda q: Fraction(0)) == 0


@settings(max_examples=40, deadline=None)
@given(small_quizzes(), st.data())
def test_knowing_one_more_answer_never_lowers_the_chance(case, data):
    quiz, chances = case
    better = dict(chances)
    better[data.draw(st.sampled_from(sorted(chances)))] = Fraction(1)
    assert pass_probability(quiz, fixed(better)) >= pass_probability(quiz, fixed(chances))


# A quiz with cues and ties: four modules, one required question, three question types.
SIMULATED = Quiz(
    questions=tuple(
        q
        for m in range(4)
        for q in (
            ask(
                ["Short one", "A much longer option", "Also a longer option", "Tiny"],
                "b",
                qid=f"s{m}",
                module_id=f"m{m}",
                required=m == 0,
            ),
            ask(
                ["Quite short", "Shorter", "The longest option of all", "Mid length"],
                "a",
                qid=f"w{m}",
                module_id=f"m{m}",
            ),
            ask(
                ["Long option one", "Long option two", "short", "tiny"],
                ["a", "b"],
                qid=f"k{m}",
                module_id=f"m{m}",
            ),
            statement("This never works.", m % 2 == 0, qid=f"t{m}", module_id=f"m{m}"),
        )
    ),
    pass_mark=60,
    draw=10,
)


def bot_answers(question: Question, rng: random.Random) -> list[str]:
    """Pick the longest (ties at random), tick the 2 longest (ties at random), answer false."""
    if question.type.name == "true_false":
        return ["false"]
    ranked = sorted(question.options, key=lambda o: (-len(o.text), rng.random()))
    return [o.id for o in ranked[: 1 if question.type.name == "single" else 2]]


def test_the_exact_chance_agrees_with_simulated_attempts():
    strategies = (
        Guesser("single", "pick the longest", longest),
        Guesser("multiple", "tick the 2 longest", tick_longest(2)),
        Guesser("true_false", "answer false", always_false),
    )
    exact = pass_chance(SIMULATED, strategies)
    runs = 10_000
    passed = 0
    for seed in range(runs):
        ids = draw_questions(SIMULATED, seed)
        rng = random.Random(f"bot:{seed}")
        answers = {qid: bot_answers(SIMULATED.question(qid), rng) for qid in ids}
        passed += grade(SIMULATED, ids, answers).passed
    error = sqrt(exact * (1 - exact) / runs)
    assert 0.05 < exact < 0.95  # a chance the simulation can tell apart from 0 and 1
    assert abs(passed / runs - exact) < 4 * error


# --- The worst combination ----------------------------------------------------------------------


def test_the_worst_guesser_leaves_out_no_combination_that_could_be_worse():
    assert worst_guesser(SIMULATED)[1] == float(guesser_table(SIMULATED)[0].chance)


def test_the_worst_guesser_is_the_one_the_cues_favour():
    questions = tuple(
        ask(["No", "Nope", "The right answer is long"], "c", qid=f"q{i}") for i in range(5)
    )
    description, chance = worst_guesser(Quiz(questions, draw=4))
    assert (description, chance) == ("single: pick the longest", 1.0)


def test_without_cues_the_worst_guesser_is_no_better_than_chance():
    colours = ["Red", "Tan", "Fig", "Ash"]
    questions = tuple(ask(colours, "abcd"[i % 4], qid=f"q{i}") for i in range(10))
    _, chance = worst_guesser(Quiz(questions))
    # 8 or more of 10 right at 1/4 each
    expected = sum(
        comb(10, k) * Fraction(1, 4) ** k * Fraction(3, 4) ** (10 - k) for k in (8, 9, 10)
    )
    assert chance == float(expected)


def test_a_guesser_who_picks_one_option_id_passes_when_the_keys_share_it():
    """Option ids are in the page's source: keys all written under "a" are a cue."""
    questions = tuple(ask(["Red", "Tan", "Fig", "Ash"], "a", qid=f"q{i}") for i in range(10))
    name, chance = worst_guesser(Quiz(questions))
    assert chance == 1.0 and 'pick the option with id "a"' in name
