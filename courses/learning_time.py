"""The hours a course's material supports, and the hours it awards.

A course awards training hours by domain (course.toml ``[training_hours]``). Certification boards
audit them, so they must be backed by what a trainee actually does: reading every module (at
``courses.model.READING_WORDS_PER_MINUTE``), the practice exercises at their declared minutes and
the quiz at its declared minutes. Live and blended courses are held to the same rule for now:
their live hours need attendance records, which the platform does not record yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from courses.domains import domain_name
from courses.model import DELIVERY_SELF_PACED, READING_WORDS_PER_MINUTE, Course


@dataclass(frozen=True)
class LearningTime:
    """What a course's learning time is made of, and the hours it awards against it."""

    words: int
    reading_minutes: int
    exercises: int
    exercise_minutes: int
    quiz_minutes: int
    awarded: dict[str, float]  # hours by domain id, as course.toml awards them

    @property
    def total_minutes(self) -> int:
        return self.reading_minutes + self.exercise_minutes + self.quiz_minutes

    @property
    def awarded_hours(self) -> float:
        return sum(self.awarded.values())

    @property
    def supported_hours(self) -> float:
        """The learning time in hours, rounded down to the half hour (hours are awarded so)."""
        return math.floor(self.total_minutes / 30) / 2

    @property
    def over(self) -> bool:
        """Does the course award more hours than its learning time?"""
        return self.awarded_hours * 60 > self.total_minutes


def learning_time(course: Course) -> LearningTime:
    """The basis of ``course``'s hours; its total is ``course.learning_minutes``."""
    return LearningTime(
        words=sum(m.word_count for m in course.modules),
        reading_minutes=sum(m.reading_minutes for m in course.modules),
        exercises=len(course.exercises),
        exercise_minutes=sum(e.minutes for e in course.exercises),
        quiz_minutes=course.quiz.minutes,
        awarded=dict(course.training_hours),
    )


def hours(value: float, unit: str = "") -> str:
    """Hours as authors write them: "1", "1.5"; with ``unit``: "1 hour", "1.5 hours"."""
    if not unit:
        return f"{value:g}"
    return f"{value:g} {unit}{'' if value == 1 else 's'}"


def duration(minutes: int) -> str:
    """Minutes as a reader says them: "45 min", "2 h 5 min"."""
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h} h {m} min" if m else f"{h} h"


def basis_lines(course: Course) -> list[str]:
    """The learning-time basis and the awarded hours, one plain line each, for the check."""
    time = learning_time(course)
    by_domain = ", ".join(f"{domain_name(d)} {hours(h)}" for d, h in time.awarded.items())
    exercises = f"{time.exercises} exercise{'s' if time.exercises != 1 else ''}"
    return [
        f"Learning time: {duration(time.total_minutes)} = reading {time.reading_minutes} min "
        f"({time.words:,} words at {READING_WORDS_PER_MINUTE} words a minute) + practice "
        f"{time.exercise_minutes} min ({exercises}) + quiz {time.quiz_minutes} min",
        f"Hours awarded: {hours(time.awarded_hours)} ({by_domain}); the learning time supports "
        f"{hours(time.supported_hours)}",
    ]


def hours_problem(course: Course) -> str | None:
    """Why the course awards more hours than its material supports, or ``None`` if it does not."""
    time = learning_time(course)
    if not time.over:
        return None
    message = (
        f"the course awards {hours(time.awarded_hours, 'training hour')} but its learning time "
        f"is {duration(time.total_minutes)}, which supports at most "
        f"{hours(time.supported_hours, 'hour')}: lower [training_hours] or add material (module "
        "text, practice exercises)"
    )
    if course.delivery != DELIVERY_SELF_PACED:
        message += (
            f" ({course.delivery} courses too: live hours need attendance records, which the "
            "platform does not record yet)"
        )
    return message
