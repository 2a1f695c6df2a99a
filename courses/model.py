"""The content model: what a course, a module and a quiz are once loaded from ``content/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from courses.facilitation import FacilitatorGuide
    from courses.questions import QuestionType

REVIEW_AFTER_PASS = "after_pass"  # noqa: S105 (a review policy, not a password)
REVIEW_AFTER_FINAL = "after_final"
REVIEW_IMMEDIATE = "immediate"
REVIEW_POLICIES = (REVIEW_AFTER_PASS, REVIEW_AFTER_FINAL, REVIEW_IMMEDIATE)

#: The reading speed behind every "about N minutes" estimate: a study pace, slower than the
#: 238 words a minute Brysbaert (2019, Journal of Memory and Language 109) found for adults
#: reading non-fiction silently, to leave time to think about the scenarios.
READING_WORDS_PER_MINUTE = 200

DELIVERY_SELF_PACED = "self-paced"
DELIVERY_LIVE = "live"
DELIVERY_BLENDED = "blended"
DELIVERIES = (DELIVERY_SELF_PACED, DELIVERY_LIVE, DELIVERY_BLENDED)

#: Attempt defaults when quiz.toml says nothing: three tries, a day apart.
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_WAIT_MINUTES = 24 * 60


@dataclass(frozen=True)
class Option:
    id: str
    text: str


@dataclass(frozen=True)
class Question:
    """One quiz question. ``answer`` is a frozenset of option ids, whatever the question type."""

    id: str
    type: QuestionType
    prompt: str
    options: tuple[Option, ...]
    answer: frozenset[str]
    explanation: str
    hint: str = ""
    module_id: str | None = None
    #: drawn into every attempt (e.g. a safety item), whatever the random draw
    required: bool = False
    #: the line of quiz.toml where the question starts, for messages (not part of equality)
    line: int | None = field(default=None, compare=False)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options)


@dataclass(frozen=True)
class Quiz:
    questions: tuple[Question, ...]
    pass_mark: int = 80
    max_attempts: int = DEFAULT_MAX_ATTEMPTS  # 0: unlimited
    wait_minutes: int = DEFAULT_WAIT_MINUTES
    #: None: every question, in the written order; a number: that many, spread evenly over the
    #: modules the questions name, required questions always included (courses.quiz)
    draw: int | None = None
    review: str = REVIEW_AFTER_PASS
    #: the time the quiz takes, as its author declares it (counts toward learning time)
    minutes: int = 0
    #: the quiz file, as messages name it ("content/courses/empathy/quiz.toml")
    source: str = field(default="", compare=False)

    @property
    def questions_per_attempt(self) -> int:
        return self.draw or len(self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Exercise:
    """A practice exercise: a scenario, what to write, and the points a good answer shows.

    The trainee writes a response; their supervisor rates it against ``criteria`` and accepts it
    or asks for another try.
    """

    id: str
    module_id: str
    title: str
    scenario: str  # Markdown
    prompt: str
    criteria: tuple[str, ...]
    minutes: int  # the time it takes, as declared (counts toward learning time)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    markdown: str
    word_count: int
    exercises: tuple[Exercise, ...] = ()

    @property
    def reading_minutes(self) -> int:
        """The words at ``READING_WORDS_PER_MINUTE``, never less than one minute."""
        return max(1, round(self.word_count / READING_WORDS_PER_MINUTE))

    @property
    def learning_minutes(self) -> int:
        """Reading plus the declared minutes of the module's practice exercises."""
        return self.reading_minutes + sum(e.minutes for e in self.exercises)


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    summary: str
    order: int
    modules: tuple[Module, ...]
    quiz: Quiz
    training_hours: dict[str, float]
    version: str
    delivery: str = DELIVERY_SELF_PACED
    #: the quiz opens only once every module is marked complete
    quiz_requires_modules: bool = False
    #: the guide to the course's live session, for leads and supervisors (facilitator.md)
    facilitator_guide: FacilitatorGuide | None = field(default=None, compare=False)

    @property
    def total_hours(self) -> float:
        return sum(self.training_hours.values())

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for m in self.modules for e in m.exercises)

    def exercise(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)

    @property
    def learning_minutes(self) -> int:
        """The estimated learning time: every module's reading and practice, and the quiz."""
        return sum(m.learning_minutes for m in self.modules) + self.quiz.minutes

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def neighbours(self, module_id: str) -> tuple[Module | None, Module | None]:
        """The modules before and after ``module_id`` in reading order."""
        ids = [m.id for m in self.modules]
        i = ids.index(module_id)
        before = self.modules[i - 1] if i > 0 else None
        after = self.modules[i + 1] if i + 1 < len(self.modules) else None
        return before, after


@dataclass(frozen=True)
class Library:
    """Every course that passed validation, and the content version they were loaded at."""

    courses: tuple[Course, ...] = ()
    version: str = ""
    problems: tuple[str, ...] = field(default=())

    def course(self, course_id: str) -> Course | None:
        return next((c for c in self.courses if c.id == course_id), None)
