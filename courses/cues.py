"""Quiz integrity: the cues a test-wise trainee could answer from without reading the course.

``quiz_findings`` applies the cue rules of content/README.md (rules 1 to 7; rule 8, the review
policy, is the loader's) and returns the problems, as "file:line: message" lines that say what to
change, and the figures ``courses.check`` prints for every quiz.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil, floor

from courses.guessers import absolute_words, words, worst_guesser
from courses.model import Question, Quiz
from courses.quiz import DrawPlan, draw_plan

#: Rule 1: the key may be (one of) the longest, or the shortest, option in at most this share
LENGTH_CUE_LIMIT = Fraction(35, 100)
#: Rule 2: the most common number of right options may cover at most this share ...
SAME_COUNT_LIMIT = Fraction(60, 100)
SAME_COUNT_MINIMUM = 3  # ... of the multiple-answer questions, when there are this many
#: Rule 3: the share of true statements, when there are at least TRUE_SHARE_MINIMUM of them
TRUE_SHARE = (Fraction(40, 100), Fraction(60, 100))
TRUE_SHARE_MINIMUM = 4
ABSOLUTE_MARGIN = 1  # false statements with an absolute word may outnumber true ones by this
#: Rule 5: a hint may share fewer consecutive words than this with a right option
HINT_RUN = 4
#: Rule 6: the most a test-wise guesser may pass one attempt
GUESSER_LIMIT = Fraction(1, 100)
#: Rule 7: the most of an attempt the next attempt may repeat, on average
REPEAT_LIMIT = Fraction(50, 100)

_NOUN = r"(?i:option|choice|answer|reply|response|statement)s?"
_POSITION = r"(?i:first|second|third|fourth|fifth|sixth|last|final|top|bottom|middle)"
#: Rule 4: an option named by its letter or its place, which the shuffled, relabelled page makes
#: wrong. A bare lower-case "a" after a noun is the article ("answer a question"), so it counts
#: only before punctuation or "and"/"or" ("options a and c").
OPTION_REFERENCE = re.compile(
    r"\(\s*[a-hA-H]\s*\)"  # "(b)", "option (a)"
    r"|(?:^|(?<=\s))[a-hA-H]\)"  # "b)"
    rf"|\b(?i:option|choice)s?\s+(?:\(\s*)?[1-9]\b"  # "option 3", "choice (2)"
    r"|\(\s*[1-9]\s*\)"  # "(3)"
    rf"|\b{_NOUN}\s+(?:(?i:is|was)\s+)?(?:[A-H]|[b-h]|a(?=\s*(?:[,.;:]|and\b|or\b|$)))\b"
    rf"|\b(?i:the)\s+{_POSITION}\s+(?:(?i:two|three)\s+)?{_NOUN}\b",
    re.MULTILINE,
)
#: "the last one": checked only where the author wrote the options (a true/false hint may well
#: speak of "the second one" of two things in the statement)
OPTION_BY_PLACE = re.compile(rf"\b(?i:the)\s+{_POSITION}\s+(?:(?i:two|three)\s+)?(?i:ones?)\b")
TRUE_FALSE_WORDS = re.compile(r"\b(?:true|false)\b", re.IGNORECASE)


@dataclass(frozen=True)
class QuizFindings:
    problems: tuple[str, ...]
    figures: tuple[str, ...]


@dataclass
class _Collector:
    source: str
    problems: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)

    def problem(self, message: str, question: Question | None = None) -> None:
        line = question.line if question else None
        where = f"{self.source}:{line}" if line else self.source
        self.problems.append(f"{where}: {message}")


def quiz_findings(quiz: Quiz) -> QuizFindings:
    """Measure the quiz's cues (rules 1 to 7) and say which of them it leans on."""
    found = _Collector(quiz.source)
    by_type: dict[str, list[Question]] = {}
    for question in quiz.questions:
        by_type.setdefault(question.type.name, []).append(question)
    _length_cues(by_type.get("single", []), found)
    _right_option_counts(by_type.get("multiple", []), found)
    _true_false_balance(by_type.get("true_false", []), found)
    for question in quiz.questions:
        _option_references(question, found)
        _giveaway_hint(question, found)
    _guessers(quiz, found)
    _repeats(quiz, found)
    return QuizFindings(tuple(found.problems), tuple(found.figures))


def percent(share: Fraction | float) -> str:
    """A share as an author reads it: "21 %", "0.35 %", "under 0.01 %"."""
    value = float(share) * 100
    if value == int(value) or value >= 10:
        return f"{value:.0f} %"
    if value < 0.01:
        return "under 0.01 %"
    return f"{value:.2f} %" if value < 1 else f"{value:.1f} %"


def _ids(questions: Sequence[Question]) -> str:
    return ", ".join(f'"{q.id}"' + (f" (line {q.line})" if q.line else "") for q in questions)


def _over(count: int, total: int, limit: Fraction) -> int:
    """How many of ``count`` must change to bring ``count`` of ``total`` within ``limit``."""
    return max(0, count - floor(limit * total))


def _length_cues(questions: list[Question], found: _Collector) -> None:
    """Rule 1: the key is rarely the longest option, and rarely the shortest."""
    if not questions:
        return
    lengths = [(q, [len(o.text) for o in q.options], len(_key_text(q))) for q in questions]
    longest = [q for q, all_, key in lengths if key == max(all_)]
    shortest = [q for q, all_, key in lengths if key == min(all_)]
    n = len(questions)
    found.figures.append(
        f"single-answer keys that are the longest option: {len(longest)} of {n} "
        f"({percent(Fraction(len(longest), n))}); the shortest: {len(shortest)} of {n} "
        f"({percent(Fraction(len(shortest), n))})"
    )
    for cue, keys, fix in (
        ("longest", longest, "make a wrong option longer than the key, or shorten the key"),
        ("shortest", shortest, "make a wrong option shorter than the key, or lengthen the key"),
    ):
        change = _over(len(keys), n, LENGTH_CUE_LIMIT)
        if change:
            found.problem(
                f"the right option is (one of) the {cue} in {len(keys)} of {n} single-answer "
                f"questions ({percent(Fraction(len(keys), n))}; at most "
                f"{percent(LENGTH_CUE_LIMIT)}): in at least {change} of {_ids(keys)}, {fix}"
            )


def _key_text(question: Question) -> str:
    (key,) = question.answer
    option = question.option(key)
    return option.text if option else ""


def _right_option_counts(questions: list[Question], found: _Collector) -> None:
    """Rule 2: the number of right options in multiple-answer questions varies."""
    if not questions:
        return
    counts = Counter(len(q.answer) for q in questions)
    spread = ", ".join(f"{right} right: {counts[right]}" for right in sorted(counts))
    found.figures.append(f"multiple-answer questions by number of right options: {spread}")
    common, times = counts.most_common(1)[0]
    change = _over(times, len(questions), SAME_COUNT_LIMIT)
    if len(questions) >= SAME_COUNT_MINIMUM and change:
        same = [q for q in questions if len(q.answer) == common]
        found.problem(
            f"{times} of {len(questions)} multiple-answer questions have {common} right "
            f"option{'s' if common != 1 else ''} ({percent(Fraction(times, len(questions)))}; at "
            f"most {percent(SAME_COUNT_LIMIT)}): vary the number of right options (1, 2, 3, or "
            f"all of them) in at least {change} of {_ids(same)}"
        )


def _true_false_balance(questions: list[Question], found: _Collector) -> None:
    """Rule 3: about as many true statements as false ones, and no absolute-word give-away."""
    if not questions:
        return
    true = [q for q in questions if q.answer == {"true"}]
    false = [q for q in questions if q.answer != {"true"}]
    n = len(questions)
    marked_false = [q for q in false if absolute_words(q.prompt)]
    marked_true = [q for q in true if absolute_words(q.prompt)]
    share = percent(Fraction(len(true), n))
    found.figures.append(
        f"true/false statements that are true: {len(true)} of {n} ({share}); with an absolute "
        f"word: {len(marked_false)} false, {len(marked_true)} true"
    )
    low, high = TRUE_SHARE
    if n >= TRUE_SHARE_MINIMUM and not low * n <= len(true) <= high * n:
        if len(true) < low * n:
            wrong, turn_into, change = false, "true", ceil(low * n) - len(true)
        else:
            wrong, turn_into, change = true, "false", len(true) - floor(high * n)
        found.problem(
            f"{len(true)} of {n} true/false statements are true ({share}; keep between "
            f"{percent(low)} and {percent(high)}): rewrite at least {change} of {_ids(wrong)} as "
            f"{turn_into} statements"
        )
    if len(marked_false) - len(marked_true) > ABSOLUTE_MARGIN:
        named = sorted({w for q in marked_false for w in absolute_words(q.prompt)})
        found.problem(
            f"absolute words ({', '.join(named)}) mark the false statements: {len(marked_false)} "
            f"false ones use one against {len(marked_true)} true ones: reword "
            f"{_ids(marked_false)} without them, or write true statements that use one "
            '("No one recovers for someone else")'
        )


def _option_references(question: Question, found: _Collector) -> None:
    """Rule 4: explanations and hints name options by their text, never by letter or place."""
    for part, text in (("explanation", question.explanation), ("hint", question.hint)):
        match = OPTION_REFERENCE.search(text)
        if match is None and question.type.fixed_options() is None:
            match = OPTION_BY_PLACE.search(text)
        if match:
            found.problem(
                f'question "{question.id}": the {part} names an option by its letter or place '
                f'("{match.group(0).strip()}"), but options are shuffled and relabelled on the '
                "page: quote or paraphrase the option's text instead",
                question,
            )


def _giveaway_hint(question: Question, found: _Collector) -> None:
    """Rule 5: a hint points to the idea without handing over the right option."""
    if not question.hint:
        return
    if question.type.name == "true_false":
        said = TRUE_FALSE_WORDS.search(question.hint)
        if said:
            found.problem(
                f'question "{question.id}": the hint says "{said.group(0)}": point to the idea '
                "to check, not to the verdict",
                question,
            )
        return
    hint_runs = _runs(question.hint)
    for option in question.options:
        if option.id in question.answer:
            shared = [run for run in hint_runs if run in set(_runs(option.text))]
            if shared:
                run = " ".join(shared[0])
                found.problem(
                    f'question "{question.id}": the hint repeats the words of a right option '
                    f'("{run}"): point to the idea without the option\'s wording',
                    question,
                )
                return


def _runs(text: str) -> list[tuple[str, ...]]:
    """Every run of ``HINT_RUN`` consecutive words, in order."""
    found = words(text)
    return [tuple(found[i : i + HINT_RUN]) for i in range(len(found) - HINT_RUN + 1)]


def _guessers(quiz: Quiz, found: _Collector) -> None:
    """Rule 6: no test-wise guesser passes one attempt more than 1 % of the time."""
    try:
        description, chance = worst_guesser(quiz)
    except ValueError as error:  # a question type without guessers, or a draw it cannot meet
        found.problem(f"the test-wise guessers cannot be computed: {error}")
        return
    found.figures.append(
        f"worst test-wise guesser passes one attempt {percent(chance)} ({description})"
    )
    if chance > GUESSER_LIMIT:
        found.problem(
            f"a test-wise guesser who never read the course passes one attempt {percent(chance)} "
            f"of the time ({description}; at most {percent(GUESSER_LIMIT)}): remove the cues it "
            "uses (see the figures), add questions, or draw more per attempt"
        )


def _repeats(quiz: Quiz, found: _Collector) -> None:
    """Rule 7: two attempts rarely repeat each other's questions."""
    if quiz.max_attempts == 1:
        found.figures.append("questions repeated in the next attempt: none (one attempt only)")
        return
    share = repeat_share(draw_plan(quiz))
    found.figures.append(f"questions repeated in the next attempt: {percent(share)} on average")
    if share > REPEAT_LIMIT:
        found.problem(
            f"an attempt repeats {percent(share)} of the previous attempt's questions on average "
            f"(at most {percent(REPEAT_LIMIT)}): write more questions per module, or lower draw"
        )


def inclusion_chances(plan: DrawPlan) -> dict[str, Fraction]:
    """The chance that each question is in one attempt."""
    share = Fraction(plan.extra, len(plan.strata)) if plan.strata else Fraction(0)
    chances = {}
    for stratum in plan.strata:
        chances.update(dict.fromkeys(stratum.required, Fraction(1)))
        if stratum.optional:
            expected = (1 - share) * stratum.sampled(plan.base) + share * stratum.sampled(
                plan.base + 1
            )
            chances.update(dict.fromkeys(stratum.optional, expected / len(stratum.optional)))
    return chances


def repeat_share(plan: DrawPlan) -> Fraction:
    """The expected share of one attempt's questions that the next (independent) attempt repeats."""
    chances = inclusion_chances(plan).values()
    drawn = sum(chances, Fraction(0))
    return sum((p * p for p in chances), Fraction(0)) / drawn if drawn else Fraction(0)
