"""Test-wise guessers: how often someone who never read a course passes one attempt of its quiz.

Each strategy is a small function that reads only the surface of a question (lengths, hedge and
absolute words, words shared with the prompt) and gives the probability that it answers right,
ties broken uniformly at random. A *combination* uses one strategy per question type. Its chance
of passing one attempt is computed exactly, with fractions, under the quiz's stratified draw
(courses.quiz.draw_plan) and pass mark:

- per module, the number right among its required questions (independent Bernoulli trials) plus
  the number right in a uniform sample of ``slots - required`` of its other questions: a dynamic
  programme over the questions with state (chosen, right), divided by C(n, chosen);
- then, over the modules, a dynamic programme with state (modules given an extra slot, right),
  divided by C(modules, extra), which averages over the uniformly chosen ``extra`` modules.

No subset is ever enumerated, so the cost grows with questions × slots², not with C(n, draw).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import product
from math import comb

from courses.model import Question, Quiz
from courses.quiz import DrawPlan, Stratum, draw_plan

# fmt: off
HEDGE_WORDS = (
    "may", "might", "can", "could", "often", "sometimes", "usually", "some", "many", "most",
    "perhaps", "possibly", "likely", "tends",
)
ABSOLUTE_WORDS = (
    "always", "never", "all", "none", "every", "only", "must", "completely", "totally",
    "guaranteed", "nothing", "no one", "everyone", "cannot", "impossible", "everything",
    "exactly", "entirely",
)
# fmt: on

Chance = Callable[[Question], Fraction]


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


_HEDGES = _word_pattern(HEDGE_WORDS)
_ABSOLUTES = _word_pattern(ABSOLUTE_WORDS)


def hedge_words(text: str) -> list[str]:
    """The hedge words in ``text`` ("may", "often" …), lower-case, as often as they occur."""
    return [m.lower() for m in _HEDGES.findall(text)]


def absolute_words(text: str) -> list[str]:
    """The absolute words in ``text`` ("always", "no one" …), lower-case, as often as they occur."""
    return [" ".join(m.lower().split()) for m in _ABSOLUTES.findall(text)]


def words(text: str) -> list[str]:
    """The words of ``text``, lower-case, punctuation dropped (curly apostrophes count as ')."""
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower().replace("’", "'"))


# --- Strategies: the probability of answering one question right --------------------------------


def _pick_one(question: Question, score: Callable[[str], float]) -> Fraction:
    """Choose one option with the highest score (ties at random): right if it is the whole key."""
    scores = {o.id: score(o.text) for o in question.options}
    best = max(scores.values())
    top = [oid for oid, s in scores.items() if s == best]
    if len(question.answer) != 1 or not question.answer <= set(top):
        return Fraction(0)
    return Fraction(1, len(top))


def _tick(question: Question, ticked: set[str]) -> Fraction:
    """Tick exactly ``ticked``; with nothing to tick, the guesser falls back on random ticks."""
    if not ticked:
        return random_ticks(question)
    return Fraction(int(ticked == question.answer))


def random_option(question: Question) -> Fraction:
    return _pick_one(question, lambda text: 0)


def longest(question: Question) -> Fraction:
    return _pick_one(question, len)


def shortest(question: Question) -> Fraction:
    return _pick_one(question, lambda text: -len(text))


def most_hedged(question: Question) -> Fraction:
    return _pick_one(question, lambda text: len(hedge_words(text)))


def fewest_absolutes(question: Question) -> Fraction:
    return _pick_one(question, lambda text: -len(absolute_words(text)))


def most_shared_with_prompt(question: Question) -> Fraction:
    prompt = set(words(question.prompt))
    return _pick_one(question, lambda text: len(prompt & set(words(text))))


def pick_id(option_id: str) -> Chance:
    """Pick the option with this id whenever there is one (ids show in the page's source), at
    random otherwise: catches keys written mostly under one id."""

    def chance(question: Question) -> Fraction:
        if question.option(option_id) is None:
            return random_option(question)
        return Fraction(int(question.answer == {option_id}))

    return chance


def random_ticks(question: Question) -> Fraction:
    """Tick a uniformly random non-empty set of options."""
    return Fraction(1, 2 ** len(question.options) - 1)


def tick_longest(k: int) -> Chance:
    """Tick the ``k`` longest options (every option when there are fewer), ties at random."""

    def chance(question: Question) -> Fraction:
        lengths = sorted((len(o.text) for o in question.options), reverse=True)
        count = min(k, len(lengths))
        cut = lengths[count - 1]
        sure = {o.id for o in question.options if len(o.text) > cut}
        tier = {o.id for o in question.options if len(o.text) == cut}
        answer = question.answer
        if len(answer) != count or not sure <= answer or not answer <= sure | tier:
            return Fraction(0)
        return Fraction(1, comb(len(tier), count - len(sure)))

    return chance


def tick_all(question: Question) -> Fraction:
    return _tick(question, {o.id for o in question.options})


def tick_hedged(question: Question) -> Fraction:
    return _tick(question, {o.id for o in question.options if hedge_words(o.text)})


def tick_without_absolutes(question: Question) -> Fraction:
    return _tick(question, {o.id for o in question.options if not absolute_words(o.text)})


def _says(question: Question, value: bool) -> Fraction:
    return Fraction(int(question.answer == {"true" if value else "false"}))


def always_true(question: Question) -> Fraction:
    return _says(question, True)


def always_false(question: Question) -> Fraction:
    return _says(question, False)


def false_if_absolute(question: Question) -> Fraction:
    return _says(question, not absolute_words(question.prompt))


def true_if_hedged(question: Question) -> Fraction:
    return _says(question, bool(hedge_words(question.prompt)))


def coin_toss(question: Question) -> Fraction:
    return Fraction(1, 2)


@dataclass(frozen=True)
class Guesser:
    """One strategy for one question type, with a name an author can read."""

    kind: str  # the question type it answers: "single", "multiple", "true_false"
    name: str
    chance: Chance


_PICK_ONE: tuple[tuple[str, Chance], ...] = (
    ("the longest", longest),
    ("the shortest", shortest),
    ("the one with the most hedge words", most_hedged),
    ("the one with the fewest absolute words", fewest_absolutes),
    ("the one sharing the most words with the question", most_shared_with_prompt),
)


def guessers(quiz: Quiz) -> dict[str, tuple[Guesser, ...]]:
    """Every strategy for every question type the quiz uses (rule 6 of the cue rules)."""
    present = {q.type.name for q in quiz.questions}
    unknown = present - {"single", "multiple", "true_false"}
    if unknown:
        raise ValueError(f"no test-wise guessers for question type {', '.join(sorted(unknown))}")
    widest = max((len(q.options) for q in quiz.questions if q.type.name == "multiple"), default=0)
    ids = sorted({o.id for q in quiz.questions if q.type.name == "single" for o in q.options})
    table = {
        "single": (
            Guesser("single", "pick at random", random_option),
            *(Guesser("single", f"pick {name}", chance) for name, chance in _PICK_ONE),
            *(Guesser("single", f'pick the option with id "{i}"', pick_id(i)) for i in ids),
        ),
        "multiple": (
            Guesser("multiple", "tick at random", random_ticks),
            *(Guesser("multiple", f"tick only {name}", chance) for name, chance in _PICK_ONE),
            *(
                Guesser("multiple", f"tick the {k} longest", tick_longest(k))
                for k in range(2, widest)
            ),
            Guesser("multiple", "tick every option", tick_all),
            Guesser("multiple", "tick those with hedge words", tick_hedged),
            Guesser("multiple", "tick those without absolute words", tick_without_absolutes),
        ),
        "true_false": (
            Guesser("true_false", "answer true", always_true),
            Guesser("true_false", "answer false", always_false),
            Guesser("true_false", "false if it has an absolute word", false_if_absolute),
            Guesser("true_false", "true if it has a hedge word", true_if_hedged),
            Guesser("true_false", "toss a coin", coin_toss),
        ),
    }
    return {kind: table[kind] for kind in ("single", "multiple", "true_false") if kind in present}


# --- The exact chance of passing one attempt ------------------------------------------------------


def unstratified_plan(quiz: Quiz) -> DrawPlan:
    """The draw before stratification: ``draw`` questions sampled uniformly from all of them."""
    ids = tuple(q.id for q in quiz.questions)
    if quiz.draw is None or quiz.draw >= len(ids):
        return DrawPlan((Stratum(None, ids, ()),), 0, 0)
    return DrawPlan((Stratum(None, (), ids),), quiz.draw, 0)


def _convolve(a: Sequence[Fraction], b: Sequence[Fraction]) -> list[Fraction]:
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def right_count(chances: Sequence[Fraction]) -> list[Fraction]:
    """The distribution of the number right among independent questions (Poisson binomial)."""
    dist = [Fraction(1)]
    for p in chances:
        dist = _convolve(dist, [1 - p, p])
    return dist


def sampled_right_count(chances: Sequence[Fraction], size: int) -> list[Fraction]:
    """The number right in a uniformly random ``size``-subset of independent questions.

    ``ways[c][r]`` sums, over the subsets of the questions seen so far with ``c`` members, the
    chance of exactly ``r`` right; the answer is ``ways[size]`` divided by C(n, size).
    """
    if not 0 <= size <= len(chances):
        raise ValueError(f"cannot draw {size} of {len(chances)} questions")
    ways = [[Fraction(0)] * (size + 1) for _ in range(size + 1)]
    ways[0][0] = Fraction(1)
    for p in chances:
        for chosen in range(size - 1, -1, -1):  # downwards: each question joins a subset once
            for right in range(chosen, -1, -1):
                w = ways[chosen][right]
                if w:
                    ways[chosen + 1][right + 1] += w * p
                    ways[chosen + 1][right] += w * (1 - p)
    total = comb(len(chances), size)
    return [w / total for w in ways[size]]


def _stratum_right_count(
    stratum: Stratum, slots: int, chance: dict[str, Fraction]
) -> tuple[int, Sequence[Fraction]]:
    """How many questions the module puts in an attempt with ``slots`` slots, and how many right.

    Mirrors courses.quiz.draw_questions: required questions always, then a sample of the rest.
    """
    wanted = stratum.sampled(slots)
    required = tuple(sorted(chance[qid] for qid in stratum.required))
    optional = tuple(sorted(chance[qid] for qid in stratum.optional))
    return len(required) + wanted, _module_right_count(required, optional, wanted)


@lru_cache(maxsize=4096)
def _module_right_count(
    required: tuple[Fraction, ...], optional: tuple[Fraction, ...], wanted: int
) -> tuple[Fraction, ...]:
    # Cached: the combinations of strategies share most modules' chances (order is irrelevant).
    return tuple(_convolve(right_count(required), sampled_right_count(optional, wanted)))


def attempt_right_count(plan: DrawPlan, chance: dict[str, Fraction]) -> tuple[int, list[Fraction]]:
    """The number of questions in one attempt and the distribution of the number right."""
    modules = len(plan.strata)
    # by_extras[e]: summed over the ways to give ``e`` of the modules so far an extra slot
    by_extras: list[list[Fraction]] = [[Fraction(1)]] + [[Fraction(0)]] * plan.extra
    drawn = 0
    for stratum in plan.strata:
        size, plain = _stratum_right_count(stratum, plan.base, chance)
        bigger, more = _stratum_right_count(stratum, plan.base + 1, chance)
        if plan.extra and bigger != size + 1:
            raise ValueError(f'module "{stratum.module_id}" cannot take its share of the draw')
        drawn += size
        by_extras = [
            _add(
                _convolve(by_extras[e], plain),
                _convolve(by_extras[e - 1], more) if e else [],
            )
            for e in range(plan.extra + 1)
        ]
    total = comb(modules, plan.extra)
    return drawn + plan.extra, [w / total for w in by_extras[plan.extra]]


def _add(a: Sequence[Fraction], b: Sequence[Fraction]) -> list[Fraction]:
    size = max(len(a), len(b))
    zero = [Fraction(0)] * size
    return [x + y for x, y in zip([*a, *zero][:size], [*b, *zero][:size], strict=True)]


def pass_probability(quiz: Quiz, chance: Chance, plan: DrawPlan | None = None) -> Fraction:
    """The exact chance that a guesser right with ``chance(question)`` passes one attempt.

    ``plan`` defaults to the quiz's own draw (courses.quiz.draw_plan); pass
    ``unstratified_plan(quiz)`` for the draw used before stratification.
    """
    chances = {q.id: chance(q) for q in quiz.questions}
    return _pass_given(quiz.pass_mark, plan or draw_plan(quiz), chances)


def pass_chance(quiz: Quiz, strategies: Iterable[Guesser], plan: DrawPlan | None = None) -> float:
    """The chance that one strategy per question type passes one attempt (see pass_probability)."""
    by_kind = {g.kind: g for g in strategies}
    missing = {q.type.name for q in quiz.questions} - set(by_kind)
    if missing:
        raise ValueError(f"no strategy given for {', '.join(sorted(missing))} questions")
    return float(pass_probability(quiz, lambda q: by_kind[q.type.name].chance(q), plan))


@dataclass(frozen=True)
class Combination:
    """One strategy per question type the quiz uses, and its chance of passing one attempt."""

    strategies: tuple[Guesser, ...]
    chance: Fraction

    def describe(self) -> str:
        labels = {"single": "single", "multiple": "multiple", "true_false": "true/false"}
        return "; ".join(f"{labels[g.kind]}: {g.name}" for g in self.strategies)


def guesser_table(
    quiz: Quiz, plan: DrawPlan | None = None, *, beaten: bool = True
) -> list[Combination]:
    """Every combination of strategies with its exact pass chance, the most dangerous first.

    ``beaten=False`` leaves out each strategy that another of its type matches or beats on every
    question: knowing one more answer never lowers the chance, so it cannot be the worst.
    """
    plan = plan or draw_plan(quiz)
    offered = guessers(quiz)
    # Each strategy's chance on each question of its type, computed once.
    chance = {
        g: {q.id: g.chance(q) for q in quiz.questions if q.type.name == kind}
        for kind, gs in offered.items()
        for g in gs
    }
    options = [list(gs) if beaten else _unbeaten(list(gs), chance) for gs in offered.values()]
    order = [q.id for q in quiz.questions]
    known: dict[tuple[Fraction, ...], Fraction] = {}  # combinations that agree on every question
    table = []
    for combo in product(*options):
        merged = {qid: p for g in combo for qid, p in chance[g].items()}
        key = tuple(merged[qid] for qid in order)
        if key not in known:
            known[key] = _pass_given(quiz.pass_mark, plan, merged)
        table.append(Combination(combo, known[key]))
    table.sort(key=lambda c: c.chance, reverse=True)
    return table


def _unbeaten(gs: list[Guesser], chance: dict[Guesser, dict[str, Fraction]]) -> list[Guesser]:
    """The strategies no other one matches or beats on every question (the first of equals)."""

    def beats(other: int, mine: int) -> bool:
        theirs, ours = chance[gs[other]], chance[gs[mine]]
        return all(theirs[q] >= p for q, p in ours.items()) and (theirs != ours or other < mine)

    return [g for i, g in enumerate(gs) if not any(beats(j, i) for j in range(len(gs)) if j != i)]


def _pass_given(pass_mark: int, plan: DrawPlan, chances: dict[str, Fraction]) -> Fraction:
    drawn, dist = attempt_right_count(plan, chances)
    needed = -(-pass_mark * drawn // 100)  # the least correct with correct * 100 >= mark * drawn
    return sum(dist[needed:], Fraction(0))


def worst_guesser(quiz: Quiz, plan: DrawPlan | None = None) -> tuple[str, float]:
    """The combination most likely to pass one attempt, described, and its pass chance."""
    worst = guesser_table(quiz, plan, beaten=False)[0]
    return worst.describe(), float(worst.chance)
