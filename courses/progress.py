"""How far a trainee has come in a course."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from courses.model import Course, Module


@dataclass(frozen=True)
class CourseProgress:
    modules_done: int
    modules_total: int
    quiz_passed: bool
    #: practice exercises a supervisor accepted, of the course's exercises
    exercises_done: int = 0
    exercises_total: int = 0

    @property
    def steps_done(self) -> int:
        return self.modules_done + self.exercises_done + self.quiz_passed

    @property
    def steps_total(self) -> int:
        """Every module, every practice exercise, and the quiz."""
        return self.modules_total + self.exercises_total + 1

    @property
    def percent(self) -> int:
        return (100 * self.steps_done) // self.steps_total

    @property
    def complete(self) -> bool:
        """A course is complete when every module is marked complete, every practice exercise
        is accepted, and its quiz is passed."""
        return (
            self.modules_done == self.modules_total
            and self.exercises_done == self.exercises_total
            and self.quiz_passed
        )

    @property
    def started(self) -> bool:
        return self.steps_done > 0


def course_progress(
    course: Course,
    completed: Collection[str],
    quiz_passed: bool,
    accepted: Collection[str] = (),
) -> CourseProgress:
    """Progress from the ids of completed modules and of accepted practice exercises (ids no
    longer in the course are ignored)."""
    done = sum(1 for m in course.modules if m.id in completed)
    exercises = course.exercises
    accepted_now = sum(1 for e in exercises if e.id in accepted)
    return CourseProgress(done, len(course.modules), quiz_passed, accepted_now, len(exercises))


def resume_module(course: Course, completed: Collection[str], last_viewed: str | None) -> Module:
    """Where to pick up: the module last viewed, else the first not yet complete, else the first."""
    if last_viewed and course.module(last_viewed):
        return course.module(last_viewed)  # type: ignore[return-value]
    return next((m for m in course.modules if m.id not in completed), course.modules[0])
