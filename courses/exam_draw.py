"""A track's internal final exam: its questions drawn from the courses' quiz pools by a
blueprint of so many questions per domain, graded as the course quizzes are.

**A question's domain** is the domain in which its course awards the most training hours; a
tie goes to the domain that comes first in ``courses.domains.DOMAINS`` (Advocacy, then
Mentoring/Education, Recovery/Wellness Support, Ethical Responsibility). A course that awards no
training hours has no domain, and its questions are in no pool. So every question of a course
falls in one domain, and the pools never share a question: a draw cannot repeat one.

Everything here is deterministic given a seed, so the web app stores one number and the question
references per attempt and shows the same questions, in the same option order, every time.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from certificates.rulebook import ExamRule
from courses.domains import DOMAINS, domain_name
from courses.model import Course, Library, Question, Quiz
from courses.quiz import Grade, grade

#: one question of the exam: (course id, question id)
QuestionRef = tuple[str, str]


def course_domain(course: Course) -> str | None:
    """The domain the course's questions count in: its most-hours domain (ties: the first in
    ``DOMAINS`` order; unknown domains after the known ones); None without training hours."""
    hours = {d: h for d, h in course.training_hours.items() if h > 0}
    if not hours:
        return None
    order = list(DOMAINS)

    def rank(domain: str) -> tuple[float, int]:
        return (-hours[domain], order.index(domain) if domain in order else len(order))

    return min(hours, key=rank)


def exam_pools(library: Library, course_ids: Iterable[str]) -> dict[str, list[QuestionRef]]:
    """Per domain, every question of the named courses that count in it, in the courses' order
    and each quiz's written order. Courses the library does not have are left out."""
    pools: dict[str, list[QuestionRef]] = {}
    for course_id in dict.fromkeys(course_ids):
        course = library.course(course_id)
        domain = course_domain(course) if course is not None else None
        if course is None or domain is None:
            continue
        pools.setdefault(domain, []).extend((course.id, q.id) for q in course.quiz.questions)
    return pools


def draw_exam(
    rule: ExamRule, pools: Mapping[str, Sequence[QuestionRef]], seed: int
) -> list[QuestionRef]:
    """The questions of one attempt: for each domain of the blueprint (in ``DOMAINS`` order),
    that many drawn uniformly from its pool, kept in the pool's order. The same seed gives the
    same questions. Raises ``ValueError`` when a pool is too small (see ``blueprint_problems``).
    """
    rng = random.Random(seed)
    drawn: list[QuestionRef] = []
    for domain in _in_domain_order(rule.blueprint):
        count = rule.blueprint[domain]
        pool = list(pools.get(domain, ()))
        if count > len(pool):
            raise ValueError(_short(domain, count, len(pool)))
        chosen = set(rng.sample(range(len(pool)), count))
        drawn.extend(ref for i, ref in enumerate(pool) if i in chosen)
    return drawn


def blueprint_problems(rule: ExamRule, library: Library, course_ids: Iterable[str]) -> list[str]:
    """What keeps the blueprint from being drawn from these courses, in plain words (empty when
    every domain's pool has enough questions)."""
    if rule.kind != "internal":
        return []
    if not rule.blueprint or rule.question_count <= 0:
        return [
            "The final exam's blueprint asks for no questions: give at least one domain a count."
        ]
    pools = exam_pools(library, course_ids)
    problems = []
    for domain in _in_domain_order(rule.blueprint):
        count = rule.blueprint[domain]
        if domain not in DOMAINS:
            known = ", ".join(DOMAINS)
            problems.append(
                f"The final exam's blueprint names an unknown domain “{domain}” (known: {known})."
            )
        elif count < 0:
            problems.append(
                f"The final exam's blueprint asks for {count} questions in "
                f"{domain_name(domain)}: use 0 or more."
            )
        elif count > len(pools.get(domain, ())):
            problems.append(_short(domain, count, len(pools.get(domain, ()))))
    return problems


def blueprint_in_order(rule: ExamRule) -> list[tuple[str, int]]:
    """The blueprint's domains and counts in ``DOMAINS`` order (as pages list them)."""
    return [(domain, rule.blueprint[domain]) for domain in _in_domain_order(rule.blueprint)]


def _short(domain: str, count: int, available: int) -> str:
    return (
        f"The final exam asks for {count} question{'s' if count != 1 else ''} in "
        f"{domain_name(domain)}, but the track's courses have only {available} "
        f"question{'s' if available != 1 else ''} in that domain."
    )


def _in_domain_order(blueprint: Mapping[str, int]) -> list[str]:
    order = list(DOMAINS)
    return sorted(blueprint, key=lambda d: (order.index(d) if d in order else len(order), d))


# --- taking and grading an attempt --------------------------------------------------------------


def position_key(position: int) -> str:
    """How the attempt's questions are named on the page and in its stored answers: "1", "2" …
    (two courses may use the same question id, so the course's ids cannot name them)."""
    return str(position)


def exam_quiz(rule: ExamRule, questions: Sequence[Question]) -> Quiz:
    """The attempt as a quiz the course quiz engine grades: its questions renamed by position,
    the exam's own pass mark, attempt limit and wait (``courses.quiz.availability``)."""
    return Quiz(
        questions=tuple(replace(q, id=position_key(i)) for i, q in enumerate(questions, 1)),
        pass_mark=rule.pass_percent,
        max_attempts=rule.max_attempts,
        wait_minutes=rule.wait_hours * 60,
    )


def rules_quiz(rule: ExamRule) -> Quiz:
    """The exam's attempt rules as a quiz without questions (for ``availability``)."""
    return exam_quiz(rule, ())


def grade_exam(
    rule: ExamRule, questions: Sequence[Question], responses: Mapping[str, Sequence[str]]
) -> Grade:
    """Grade one attempt as a course quiz grades: every question answered, each right only when
    the whole response is (all or nothing), at the exam's pass mark. ``responses`` are keyed by
    position (``position_key``); raises ``courses.quiz.AttemptError`` for incomplete or tampered
    answers."""
    quiz = exam_quiz(rule, questions)
    return grade(quiz, [q.id for q in quiz.questions], responses)


@dataclass(frozen=True)
class DomainResult:
    domain: str
    correct: int
    total: int

    @property
    def name(self) -> str:
        return domain_name(self.domain)

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.total, 1) if self.total else 0.0


def domain_results(
    domains: Sequence[str], correct_positions: Collection[int]
) -> list[DomainResult]:
    """How an attempt went per domain (``domains``: each question's, in order; positions from
    1), in ``DOMAINS`` order: what to review, without saying which question was wrong."""
    totals: dict[str, list[int]] = {}
    for position, domain in enumerate(domains, 1):
        tally = totals.setdefault(domain, [0, 0])
        tally[0] += position in correct_positions
        tally[1] += 1
    return [DomainResult(d, *totals[d]) for d in _in_domain_order({d: 0 for d in totals})]


def to_review(results: Iterable[DomainResult], pass_percent: int) -> list[DomainResult]:
    """The domains below the pass mark (integer arithmetic, as ``Grade.passed``)."""
    return [r for r in results if r.correct * 100 < pass_percent * r.total]
