"""The trainee's home page: the facts ``certificates.next_steps`` needs, gathered in a fixed
handful of queries whatever the trainee has done, and a link for each step.

The reading comes from the helpers the other pages use (the learning record of the catalogue,
the eligibility checklist and certificate standing of the certificate page, the assigned
supervisors of the hours pages); only two small questions are the home page's own: which
exercises stand where, and which course the trainee opened last."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import select

from certificates.eligibility import Checklist
from certificates.next_steps import (
    ACCEPTED,
    NOT_STARTED,
    RETURNED,
    SUBMITTED,
    CertificateFacts,
    CourseFacts,
    ExerciseFacts,
    HoursFacts,
    OutsideFacts,
    Step,
    TraineeFacts,
    next_steps,
)
from certificates.tracks import Track
from courses.model import Course
from training import content
from training.certs import renewals
from training.certs import services as certs
from training.extensions import db
from training.hours import services as hours
from training.learning.services import LearningRecord, learning_record
from training.models import Certificate, EntryStatus, HoursEntry, ModuleProgress, User, utcnow
from training.outside.models import OutsideRecord, OutsideStatus
from training.practice.models import PracticeResponse, PracticeStatus
from training.practice.services import RANK

#: an exercise's standing from its best try, ranked as ``practice_counts`` ranks them (0: none)
_STATUS = {0: NOT_STARTED, 1: RETURNED, 2: SUBMITTED, 3: ACCEPTED}


@dataclass(frozen=True)
class Home:
    """What the trainee's home page shows."""

    steps: tuple[Step, ...]
    track: Track | None
    checklist: Checklist | None
    certificate: Certificate | None
    courses_done: int
    courses_total: int
    today: date

    @property
    def first(self) -> Step | None:
        return self.steps[0] if self.steps else None

    @property
    def others(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps[1:] if not s.waiting)

    @property
    def waiting(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps[1:] if s.waiting)


def trainee_home(user: User) -> Home:
    """The trainee's next steps and progress (the checklist only while not certified)."""
    track = hours.track_for(user)
    courses = _courses(track)
    record = learning_record(user)
    facts = _course_facts(courses, record, _exercise_ranks(user))
    certificate, certificate_facts = _certificate(user, track)
    checklist = None
    if track is not None and certificate_facts.status == "none":
        checklist = certs.checklist(user, track)
    steps = next_steps(
        TraineeFacts(
            courses=facts,
            recent_course=_recent_course(user),
            hours=_hours(user),
            outside=_outside(user),
            checklist=checklist,
            certificate=certificate_facts,
        )
    )
    return Home(
        steps=steps,
        track=track,
        checklist=checklist,
        certificate=certificate,
        courses_done=sum(f.complete for f in facts),
        courses_total=len(facts),
        today=utcnow().date(),
    )


def _courses(track: Track | None) -> list[Course]:
    """The track's courses in its order (every course without a track)."""
    library = content.library()
    if track is None:
        return list(library.courses)
    return [c for c in (library.course(i) for i in track.courses) if c is not None]


def _course_facts(
    courses: list[Course], record: LearningRecord, ranks: dict[tuple[str, str], int]
) -> tuple[CourseFacts, ...]:
    return tuple(
        CourseFacts(
            id=course.id,
            title=course.title,
            modules=tuple((m.id, m.title) for m in course.modules),
            completed_modules=frozenset(record.completed.get(course.id, ())),
            quiz_passed=course.id in record.passed_courses,
            exercises=tuple(
                ExerciseFacts(e.id, e.title, e.module_id, _STATUS[ranks.get((course.id, e.id), 0)])
                for e in course.exercises
            ),
            last_viewed=record.last_viewed.get(course.id),
        )
        for course in courses
    )


def _exercise_ranks(user: User) -> dict[tuple[str, str], int]:
    """(course id, exercise id) -> the rank of the trainee's best try (``RANK``), in one
    query: a returned try followed by a new one stands as the new one."""
    ranks: dict[tuple[str, str], int] = {}
    for course_id, exercise_id, status in db.session.execute(
        select(PracticeResponse.course_id, PracticeResponse.exercise_id, PracticeResponse.status)
        .where(PracticeResponse.trainee_id == user.id)
        .distinct()
    ):
        key = (course_id, exercise_id)
        ranks[key] = max(ranks.get(key, 0), RANK[PracticeStatus(status)])
    return ranks


def _recent_course(user: User) -> str | None:
    return db.session.scalar(
        select(ModuleProgress.course_id)
        .where(ModuleProgress.user_id == user.id)
        .order_by(ModuleProgress.last_viewed_at.desc(), ModuleProgress.id.desc())
        .limit(1)
    )


def _hours(user: User) -> HoursFacts:
    """Returned entries and drafts (oldest first), and how many wait for sign-off: one query,
    and one for whether anyone supervises the trainee."""
    by_status: dict[str, list[int]] = {s: [] for s in EntryStatus}
    for entry_id, status in db.session.execute(
        select(HoursEntry.id, HoursEntry.status)
        .where(
            HoursEntry.trainee_id == user.id,
            HoursEntry.status.in_([EntryStatus.RETURNED, EntryStatus.DRAFT, EntryStatus.SUBMITTED]),
        )
        .order_by(HoursEntry.day, HoursEntry.id)
    ):
        by_status[status].append(entry_id)
    return HoursFacts(
        returned=tuple(by_status[EntryStatus.RETURNED]),
        drafts=tuple(by_status[EntryStatus.DRAFT]),
        waiting=len(by_status[EntryStatus.SUBMITTED]),
        has_supervisor=bool(hours.assigned_supervisors(user)),
    )


def _outside(user: User) -> OutsideFacts:
    """Outside training and continuing education the lead returned, or has yet to decide."""
    returned: list[int] = []
    waiting = 0
    for record_id, status in db.session.execute(
        select(OutsideRecord.id, OutsideRecord.status)
        .where(
            OutsideRecord.trainee_id == user.id,
            OutsideRecord.status.in_([OutsideStatus.RETURNED, OutsideStatus.SUBMITTED]),
        )
        .order_by(OutsideRecord.day, OutsideRecord.id)
    ):
        if status == OutsideStatus.RETURNED:
            returned.append(record_id)
        else:
            waiting += 1
    return OutsideFacts(tuple(returned), waiting)


def _certificate(user: User, track: Track | None) -> tuple[Certificate | None, CertificateFacts]:
    """The trainee's current certificate of their track (or the revoked one that ended it)."""
    if track is None:
        return None, CertificateFacts()
    current, revoked = certs.standing(certs.certificates_of(user), track)
    if revoked is not None:
        return revoked, CertificateFacts("revoked", revoked.id)
    if current is None:
        return None, CertificateFacts()
    today = utcnow().date()
    reminder = renewals.reminder_of(user, track, current, today)
    status = current.status(today)
    return current, CertificateFacts(status, current.id, reminder.due, reminder.days_left)


# --- links -------------------------------------------------------------------------------------


def _one_or_all(target: tuple) -> str:  # type: ignore[type-arg]
    """The returned entry itself, or the list when there are several."""
    if target:
        return url_for("hours.edit", entry_id=target[0])
    return url_for("hours.index")


#: where each kind of step leads (a waiting step without a page: none)
LINKS: dict[str, Callable[[tuple], str | None]] = {  # type: ignore[type-arg]
    "revoked": lambda t: url_for("certs.mine"),
    "renew": lambda t: url_for("certs.mine"),
    "download": lambda t: url_for("certs.download", certificate_id=t[0]),
    "issue_waiting": lambda t: url_for("certs.mine"),
    "fix_hours": _one_or_all,
    "fix_outside": lambda t: (
        url_for("outside.edit", record_id=t[0]) if t else url_for("outside.index")
    ),
    "outside_waiting": lambda t: url_for("outside.index"),
    "practice_again": lambda t: url_for("practice.exercise", course_id=t[0], exercise_id=t[1]),
    "practice": lambda t: url_for("practice.exercise", course_id=t[0], exercise_id=t[1]),
    "practice_waiting": lambda t: (
        url_for("practice.exercise", course_id=t[0], exercise_id=t[1]) if t else None
    ),
    "continue": lambda t: url_for("learning.module", course_id=t[0], module_id=t[1]),
    "quiz": lambda t: url_for("learning.quiz", course_id=t[0]),
    "start": lambda t: url_for("learning.course", course_id=t[0]),
    "submit_drafts": lambda t: url_for("hours.index"),
    "hours_waiting": lambda t: url_for("hours.index"),
    "sign": lambda t: url_for("attestations.attestation", attestation_id=t[0]),
    "exam": lambda t: url_for("exams.index"),
    "log_hours": lambda t: url_for("hours.new"),
    "evaluation_waiting": lambda t: url_for("evaluations.index"),
    "confirmation_waiting": lambda t: url_for("attestations.index"),
}


def link_of(step: Step) -> str | None:
    """The page a step leads to (None: it waits on someone, with nowhere to go)."""
    link = LINKS.get(step.kind)
    return link(step.target) if link else None
