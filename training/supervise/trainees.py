""" "My trainees": each trainee a supervisor is assigned to, with their progress toward the
certificate (approved hours against the track by kind, courses done, requirements met) and
what waits for the supervisor. Built from the eligibility records the cohort dashboard uses
(``certs.services.records_of``), in a fixed number of queries per track."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from certificates.eligibility import Checklist, eligibility
from certificates.requirements import Requirement, hours_progress
from certificates.tracks import Track
from training.auth import role_required
from training.certs.held import held_certificates
from training.certs.services import records_of, standing
from training.extensions import db
from training.hours import services
from training.hours.assignments import supervised_trainees
from training.models import Certificate, EntryStatus, HoursEntry, Role, User, utcnow
from training.supervise import bp

#: the hours requirements shown for each trainee: by kind (the checklist has the rest)
SHOWN_HOURS = ("supervised practice", "supervision")


@dataclass(frozen=True)
class TraineeProgress:
    trainee: User
    track: Track | None
    hours: Sequence[Requirement]
    courses_done: int
    courses_total: int
    checklist: Checklist | None
    #: entries waiting for this supervisor's sign-off
    waiting: int
    #: entries the trainee has to correct (returned by anyone)
    returned: int
    #: the certificate of the track in force (valid or expired, neither revoked nor
    #: replaced), as the cohort dashboard decides it, and its status ("none" without one)
    certificate: Certificate | None = None
    certificate_status: str = "none"

    @property
    def requirements_met(self) -> int:
        return sum(item.met for item in self.checklist.items) if self.checklist else 0


def _counts(supervisor: User, trainee_ids: list[int]) -> dict[tuple[int, str], int]:
    """(trainee id, status) -> entries: submitted to this supervisor, and returned."""
    rows = db.session.execute(
        select(HoursEntry.trainee_id, HoursEntry.status, func.count())
        .where(
            HoursEntry.trainee_id.in_(trainee_ids),
            (
                (HoursEntry.status == EntryStatus.SUBMITTED)
                & (HoursEntry.supervisor_id == supervisor.id)
            )
            | (HoursEntry.status == EntryStatus.RETURNED),
        )
        .group_by(HoursEntry.trainee_id, HoursEntry.status)
    )
    return {(trainee_id, status): n for trainee_id, status, n in rows}


def progress_of(supervisor: User) -> list[TraineeProgress]:
    """Every trainee the supervisor may see, by name, with their progress."""
    trainees = supervised_trainees(supervisor)
    by_track: dict[str, tuple[Track, list[User]]] = {}
    untracked: list[User] = []
    for trainee in trainees:
        track = services.track_for(trainee)
        if track is None:
            untracked.append(trainee)
        else:
            by_track.setdefault(track.id, (track, []))[1].append(trainee)
    counts = _counts(supervisor, [t.id for t in trainees])
    today = utcnow().date()
    found: dict[int, TraineeProgress] = {}
    for track, members in by_track.values():
        records = records_of(members, track)
        certificates = held_certificates((t.id for t in members), track)
        for trainee in members:
            record = records[trainee.id]
            current = standing(certificates[trainee.id], track)[0]
            found[trainee.id] = TraineeProgress(
                trainee=trainee,
                track=track,
                hours=[
                    r
                    for r in hours_progress(track.hours, record.hours, track.experience)
                    if r.label in SHOWN_HOURS
                ],
                courses_done=len(record.completed_courses & set(track.courses)),
                courses_total=len(track.courses),
                checklist=eligibility(track, record),
                waiting=counts.get((trainee.id, EntryStatus.SUBMITTED), 0),
                returned=counts.get((trainee.id, EntryStatus.RETURNED), 0),
                certificate=current,
                certificate_status=current.status(today) if current else "none",
            )
    for trainee in untracked:
        found[trainee.id] = TraineeProgress(
            trainee=trainee,
            track=None,
            hours=[],
            courses_done=0,
            courses_total=0,
            checklist=None,
            waiting=counts.get((trainee.id, EntryStatus.SUBMITTED), 0),
            returned=counts.get((trainee.id, EntryStatus.RETURNED), 0),
        )
    return [found[t.id] for t in trainees]


@bp.route("/trainees")
@role_required(Role.SUPERVISOR)
def trainees():  # type: ignore[no-untyped-def]
    """The supervisor's own trainees and how far each has come."""
    return render_template("supervise/trainees.html", rows=progress_of(current_user))
