"""Quiz attempts: drawing questions, ordering options, grading, and what a review may show.

All of it is deterministic given a seed, so the web app stores one number per attempt and gets the
same questions in the same option order every time the attempt is shown.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from courses.model import REVIEW_AFTER_FINAL, REVIEW_IMMEDIATE, Option, Question, Quiz
from courses.questions import ResponseError


class AttemptError(ValueError):
    """Submitted answers that cannot be graded; nothing of the attempt should be recorded."""


@dataclass(frozen=True)
class Stratum:
    """The questions of one module, as the draw sees them."""

    module_id: str | None
    required: tuple[str, ...]  # in every attempt
    optional: tuple[str, ...]  # sampled to fill the module's remaining slots

    def sampled(self, slots: int) -> int:
        """How many optional questions the module adds to an attempt when it has ``slots``."""
        return min(len(self.optional), max(0, slots - len(self.required)))


@dataclass(frozen=True)
class DrawPlan:
    """How an attempt is drawn: per module, ``base`` slots, and ``extra`` modules get one more.

    A module with ``slots`` slots gets its required questions plus ``slots - len(required)`` of its
    optional ones, sampled uniformly; the ``extra`` modules are chosen uniformly, without
    repetition. When the quiz has no draw (or draws every question), every question is required,
    ``base`` and ``extra`` are 0 and ``optional`` is empty: every attempt holds every question.
    """

    strata: tuple[Stratum, ...]
    base: int
    extra: int

    @property
    def draws_everything(self) -> bool:
        return not any(s.optional for s in self.strata)


def draw_plan(quiz: Quiz) -> DrawPlan:
    """The structure of the quiz's draw: its modules in first-appearance order, with their ids.

    Questions without a module form one stratum of their own (``module_id`` None); the loader
    refuses such questions when ``draw`` is set.
    """
    everything = quiz.draw is None or quiz.draw >= len(quiz.questions)
    by_module: dict[str | None, list[Question]] = {}
    for question in quiz.questions:
        by_module.setdefault(question.module_id, []).append(question)
    strata = tuple(
        Stratum(
            module_id,
            tuple(q.id for q in questions if everything or q.required),
            () if everything else tuple(q.id for q in questions if not q.required),
        )
        for module_id, questions in by_module.items()
    )
    if everything or not strata:
        return DrawPlan(strata, 0, 0)
    assert quiz.draw is not None
    return DrawPlan(strata, quiz.draw // len(strata), quiz.draw % len(strata))


def draw_questions(quiz: Quiz, seed: int) -> list[str]:
    """The ids of the questions for one attempt, in written order (courses.quiz.draw_plan).

    Without a draw, every question. With one, the slots are spread evenly over the modules (the
    ``extra`` ones go to modules picked at random); each module's required questions are always
    in, and a uniform random sample of its other questions fills the rest of its slots.
    """
    plan = draw_plan(quiz)
    if plan.draws_everything:
        return [q.id for q in quiz.questions]
    rng = random.Random(seed)
    bonus = set(rng.sample(range(len(plan.strata)), plan.extra))
    chosen: set[str] = set()
    for index, stratum in enumerate(plan.strata):
        slots = plan.base + (1 if index in bonus else 0)
        chosen.update(stratum.required)
        chosen.update(rng.sample(stratum.optional, stratum.sampled(slots)))
    return [q.id for q in quiz.questions if q.id in chosen]


def option_order(question: Question, seed: int) -> list[Option]:
    """The question's options shuffled, the same way every time for the same attempt seed.

    True/false keeps its natural order: shuffling "True" and "False" only confuses people.
    """
    options = list(question.options)
    if question.type.name != "true_false":
        random.Random(f"{seed}:{question.id}").shuffle(options)
    return options


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    response: frozenset[str]
    correct: bool


@dataclass(frozen=True)
class Grade:
    results: tuple[QuestionResult, ...]
    pass_mark: int

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def percent(self) -> float:
        """The score as a percentage, to one decimal place (for display and storage)."""
        return round(100 * self.correct / self.total, 1) if self.total else 0.0

    @property
    def passed(self) -> bool:
        # Integer arithmetic: 8 of 10 at an 80% pass mark passes, whatever floats would say.
        return self.total > 0 and self.correct * 100 >= self.pass_mark * self.total


def grade(quiz: Quiz, question_ids: Sequence[str], responses: Mapping[str, Sequence[str]]) -> Grade:
    """Grade the responses to one attempt's questions.

    ``responses`` maps question id to the option ids the trainee chose. Raises ``AttemptError``
    when anything is off — an answer to a question not in the attempt, an unknown option, a
    question left unanswered — so a tampered or incomplete form is never half-graded.
    """
    extra = set(responses) - set(question_ids)
    if extra:
        raise AttemptError("The answers include a question that is not part of this attempt.")
    unanswered = [i for i, qid in enumerate(question_ids, 1) if not responses.get(qid)]
    if unanswered:
        numbers = ", ".join(str(n) for n in unanswered)
        raise AttemptError(f"Please answer every question. Still unanswered: {numbers}.")
    results = []
    for qid in question_ids:
        question = quiz.question(qid)
        if question is None:
            raise AttemptError("This quiz has changed since the attempt began; start a new one.")
        try:
            response = question.type.parse_response(list(responses[qid]), question)
        except ResponseError as error:
            raise AttemptError(f"Question {question_ids.index(qid) + 1}: {error}") from None
        results.append(QuestionResult(qid, response, question.type.is_correct(question, response)))
    return Grade(tuple(results), quiz.pass_mark)


@dataclass(frozen=True)
class Availability:
    """Whether a new attempt may start now, and if not, why and when."""

    allowed: bool
    reason: str = ""
    next_at: datetime | None = None
    attempts_left: int | None = None  # None: unlimited


def availability(quiz: Quiz, finished_at: Sequence[datetime], now: datetime) -> Availability:
    """Apply the quiz's attempt limit and waiting time to the trainee's finished attempts."""
    left = None if not quiz.max_attempts else max(0, quiz.max_attempts - len(finished_at))
    if left == 0:
        return Availability(False, "You have used all the attempts this quiz allows.", None, 0)
    if quiz.wait_minutes and finished_at:
        next_at = max(finished_at) + timedelta(minutes=quiz.wait_minutes)
        if now < next_at:
            return Availability(False, "Please wait before your next attempt.", next_at, left)
    return Availability(True, "", None, left)


def reveals_answers(quiz: Quiz, passed: bool, attempts_left: int | None) -> bool:
    """May a review show the right answers and explanations?

    Under the default policy (``after_pass``) only once the trainee has passed: neither retakes
    nor the extra attempts a lead may grant after the last one can be used to collect the key.
    ``after_final`` also shows them once no attempt is left (a lead's extra attempts then meet
    questions whose answers the trainee has seen); ``immediate`` always.
    """
    if quiz.review == REVIEW_IMMEDIATE or passed:
        return True
    return quiz.review == REVIEW_AFTER_FINAL and attempts_left == 0
