"""The content model: what a course, a module and a quiz are once loaded from ``content/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from courses.questions import QuestionType

REVIEW_AFTER_FINAL = "after_final"
REVIEW_IMMEDIATE = "immediate"
REVIEW_POLICIES = (REVIEW_AFTER_FINAL, REVIEW_IMMEDIATE)


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

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options)


@dataclass(frozen=True)
class Quiz:
    questions: tuple[Question, ...]
    pass_mark: int = 80
    max_attempts: int = 0  # 0: unlimited
    wait_minutes: int = 0
    draw: int | None = None  # None: every question, in the written order
    review: str = REVIEW_AFTER_FINAL

    @property
    def questions_per_attempt(self) -> int:
        return self.draw or len(self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    markdown: str
    word_count: int

    @property
    def reading_minutes(self) -> int:
        """About 200 words a minute, never less than one minute."""
        return max(1, round(self.word_count / 200))


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

    @property
    def total_hours(self) -> float:
        return sum(self.training_hours.values())

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
