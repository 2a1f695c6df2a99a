"""A cohort at a glance: how many of its trainees have reached each step on the way to the
certificate, and its approved hours week by week (the numbers the dashboard's charts and their
tables show)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from certificates.requirements import hours_progress
from certificates.tracks import Track
from training.extensions import db
from training.lead.dashboard import Row
from training.models import EntryStatus, HoursEntry, User


@dataclass(frozen=True)
class Step:
    #: a short name for the chart ("Courses done")
    name: str
    #: what it means, for the table under the chart
    meaning: str
    trainees: int


def steps(rows: Sequence[Row], track: Track) -> list[Step]:
    """How many trainees have reached each step. Each step is counted on its own (someone who
    met the hours before finishing the courses counts under "Hours met" all the same), and a
    trainee with a valid certificate has reached every step: they met them all to get it."""

    def reached(test: Callable[[Row], bool]) -> int:
        return sum(r.certified or test(r) for r in rows)

    return [
        Step(
            "Started",
            "opened a module, took a quiz, logged hours or sent in practice",
            reached(lambda r: r.started),
        ),
        Step(
            "Courses done",
            "completed every course of the track",
            reached(lambda r: r.courses_done >= r.courses_total),
        ),
        Step(
            "Hours met",
            "have the approved practice and supervision hours the track asks for",
            reached(lambda r: hours_met(track, r)),
        ),
        Step("Eligible", "meet every requirement of the track", reached(lambda r: r.eligible)),
        Step("Certified", "hold a valid certificate", reached(lambda r: False)),
    ]


def hours_met(track: Track, row: Row) -> bool:
    """Every hours requirement of the track is met, by the rules the checklist applies (group
    supervision up to its cap, the direct-service share, supervision for the practice done)."""
    return all(r.met for r in hours_progress(track.hours, row.record.hours, track.experience))


@dataclass(frozen=True)
class Week:
    #: the Monday the week starts on
    start: date
    #: minutes approved for hours done that week, and up to the end of it
    minutes: int
    running: int


def approved_by_day(cohort_id: int) -> list[tuple[date, int]]:
    """The cohort's approved minutes by the day they were done: one grouped query."""
    query = (
        select(HoursEntry.day, func.sum(HoursEntry.minutes))
        .join(User, User.id == HoursEntry.trainee_id)
        .where(User.cohort_id == cohort_id, HoursEntry.status == EntryStatus.APPROVED)
        .group_by(HoursEntry.day)
        .order_by(HoursEntry.day)
    )
    return [(day, int(minutes)) for day, minutes in db.session.execute(query)]


def weekly(days: Iterable[tuple[date, int]]) -> list[Week]:
    """Minutes by day as weeks (Monday to Sunday), from the first week with any to the last,
    the weeks between included, each with the running total up to its end."""
    by_week: dict[date, int] = {}
    for day, minutes in days:
        monday = day - timedelta(days=day.weekday())
        by_week[monday] = by_week.get(monday, 0) + minutes
    if not by_week:
        return []
    weeks, running = [], 0
    monday, last = min(by_week), max(by_week)
    while monday <= last:
        minutes = by_week.get(monday, 0)
        running += minutes
        weeks.append(Week(monday, minutes, running))
        monday += timedelta(days=7)
    return weeks
