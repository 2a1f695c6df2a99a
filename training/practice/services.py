"""Practice responses through their life: submitted, then accepted or returned for another try.

A response waits for any supervisor assigned to its trainee (an active account with the
supervisor role); the first of them to decide decides. Every change is one statement the
database checks (a unique index for a new try, a conditional UPDATE for a review), so two
people, tabs or clicks acting at once leave exactly one outcome, and the other is told plainly.
Each change writes an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from courses.model import Course, Exercise
from training import audit
from training.extensions import db
from training.mail import notices
from training.models import Role, SupervisorAssignment, User, utcnow
from training.practice.models import PracticeResponse, PracticeStatus

SUBJECT = "practice_response"


class PracticeError(ValueError):
    """An action that cannot be taken, with a message for the person who tried."""


class RatingsProblem(PracticeError):
    """The ratings of the criteria are missing or do not fit the decision."""


class AlreadyReviewed(PracticeError):
    """Another supervisor (or another click) decided first; nothing of this review was kept."""


# --- who may do what ---------------------------------------------------------------------------


def return_unsupervised(lead: User, trainee_ids: Iterable[int]) -> list[int]:
    """Send back the waiting responses of these trainees that no supervisor can review any more
    (their last supervisor was removed, changed role or was deactivated), so the trainee can
    send them again once a supervisor is assigned. In the caller's transaction, which tells the
    trainees: the trainee id of each response sent back."""
    ids = list(trainee_ids)
    if not ids:
        return []
    comment = (
        "No supervisor is assigned to you any more, so no one can review this response. Send it "
        "again once your program lead assigns a supervisor; your text is kept."
    )
    rows = db.session.execute(
        update(PracticeResponse)
        .where(
            PracticeResponse.trainee_id.in_(ids),
            PracticeResponse.status == PracticeStatus.SUBMITTED,
            ~_reviewer(),
        )
        .values(status=PracticeStatus.RETURNED, reviewed_at=utcnow(), feedback=comment)
        .returning(PracticeResponse.id, PracticeResponse.trainee_id),
        execution_options={"synchronize_session": False},
    ).all()
    returned = sorted((r.id, r.trainee_id) for r in rows)
    for response_id, _ in returned:
        audit.record(
            lead,
            SUBJECT,
            response_id,
            "returned",
            PracticeStatus.SUBMITTED,
            PracticeStatus.RETURNED,
            comment,
        )
    return [trainee_id for _, trainee_id in returned]


def has_supervisor(trainee: User) -> bool:
    from training.hours.services import assigned_supervisors

    return bool(assigned_supervisors(trainee))


def _reviewer(*conditions):  # type: ignore[no-untyped-def]
    """A condition on a response: someone (matching ``conditions``) may review it, being
    assigned to its trainee (never the trainee themselves) and an active supervisor."""
    return exists().where(
        SupervisorAssignment.trainee_id == PracticeResponse.trainee_id,
        SupervisorAssignment.supervisor_id == User.id,
        User.role == Role.SUPERVISOR,
        User.active.is_(True),
        User.id != PracticeResponse.trainee_id,
        *conditions,
    )


def _supervised_by(supervisor_id: int):  # type: ignore[no-untyped-def]
    """A condition on a response: ``supervisor_id`` may review it."""
    return _reviewer(User.id == supervisor_id)


def visible_to(user: User, response_id: int) -> PracticeResponse | None:
    """The response, for its trainee, a supervisor of that trainee, or a lead; else None."""
    response = db.session.get(PracticeResponse, response_id)
    if response is None or user.role == Role.LEAD or response.trainee_id == user.id:
        return response
    if user.role == Role.SUPERVISOR and db.session.scalar(
        select(PracticeResponse.id).where(
            PracticeResponse.id == response.id, _supervised_by(user.id)
        )
    ):
        return response
    return None


# --- reading -----------------------------------------------------------------------------------


@dataclass
class ExerciseState:
    """One exercise as a trainee sees it: every try so far, oldest first."""

    exercise: Exercise
    tries: list[PracticeResponse] = field(default_factory=list)

    @property
    def latest(self) -> PracticeResponse | None:
        return self.tries[-1] if self.tries else None

    @property
    def status(self) -> str:
        """not_started, submitted, returned or accepted."""
        return self.latest.status if self.latest else "not_started"

    @property
    def may_write(self) -> bool:
        return self.status in ("not_started", PracticeStatus.RETURNED)


def states(
    trainee: User | None, course: Course, exercises: Iterable[Exercise]
) -> list[ExerciseState]:
    """Each exercise with the trainee's tries (none for a person who is not a trainee)."""
    found = [ExerciseState(e) for e in exercises]
    if trainee is None or trainee.role != Role.TRAINEE or not found:
        return found
    by_id = {s.exercise.id: s for s in found}
    for response in db.session.scalars(
        select(PracticeResponse)
        .where(
            PracticeResponse.trainee_id == trainee.id,
            PracticeResponse.course_id == course.id,
            PracticeResponse.exercise_id.in_(by_id),
        )
        .order_by(PracticeResponse.attempt)
    ):
        by_id[response.exercise_id].tries.append(response)
    return found


def queue_query(supervisor: User):  # type: ignore[no-untyped-def]
    """Responses waiting from the supervisor's own trainees, oldest first."""
    return (
        select(PracticeResponse)
        .where(PracticeResponse.status == PracticeStatus.SUBMITTED, _supervised_by(supervisor.id))
        .order_by(PracticeResponse.submitted_at, PracticeResponse.id)
    )


def waiting_count_column(supervisor_id):  # type: ignore[no-untyped-def]
    """How many responses wait for ``supervisor_id`` (a column of the query that signs a
    person in: the navigation counts them with the hours waiting)."""
    return (
        select(func.count())
        .select_from(PracticeResponse)
        .join(
            SupervisorAssignment,
            (SupervisorAssignment.trainee_id == PracticeResponse.trainee_id)
            & (SupervisorAssignment.supervisor_id == supervisor_id),
        )
        .where(
            PracticeResponse.status == PracticeStatus.SUBMITTED,
            PracticeResponse.trainee_id != supervisor_id,
        )
    )


def accepted_exercises(user_ids: Iterable[int]) -> dict[int, dict[str, set[str]]]:
    """user id -> course id -> the ids of the exercises accepted, in one query."""
    ids = list(user_ids)
    accepted: dict[int, dict[str, set[str]]] = {i: {} for i in ids}
    for user_id, course_id, exercise_id in db.session.execute(
        select(
            PracticeResponse.trainee_id, PracticeResponse.course_id, PracticeResponse.exercise_id
        )
        .where(
            PracticeResponse.trainee_id.in_(ids),
            PracticeResponse.status == PracticeStatus.ACCEPTED,
        )
        .distinct()
    ):
        accepted[user_id].setdefault(course_id, set()).add(exercise_id)
    return accepted


@dataclass(frozen=True)
class PracticeCounts:
    """A trainee's exercises by where they stand (each counted once, by its best status)."""

    accepted: int
    waiting: int
    returned: int
    total: int

    @property
    def not_started(self) -> int:
        return self.total - self.accepted - self.waiting - self.returned


RANK = {PracticeStatus.RETURNED: 1, PracticeStatus.SUBMITTED: 2, PracticeStatus.ACCEPTED: 3}


def practice_counts(
    user_ids: Iterable[int], courses: Iterable[Course]
) -> dict[int, PracticeCounts]:
    """Per trainee, how many of the exercises of ``courses`` are accepted, waiting for a
    supervisor, returned for another try (and not yet written again), or not started."""
    ids = list(user_ids)
    wanted = {(c.id, e.id) for c in courses for e in c.exercises}
    best: dict[int, dict[tuple[str, str], int]] = {i: {} for i in ids}
    for user_id, course_id, exercise_id, status in db.session.execute(
        select(
            PracticeResponse.trainee_id,
            PracticeResponse.course_id,
            PracticeResponse.exercise_id,
            PracticeResponse.status,
        )
        .where(PracticeResponse.trainee_id.in_(ids))
        .distinct()
    ):
        key = (course_id, exercise_id)
        if key in wanted:
            best[user_id][key] = max(best[user_id].get(key, 0), RANK[PracticeStatus(status)])
    counts = {}
    for user_id, ranks in best.items():
        values = list(ranks.values())
        counts[user_id] = PracticeCounts(
            accepted=values.count(3), waiting=values.count(2), returned=values.count(1),
            total=len(wanted),
        )  # fmt: skip
    return counts


# --- changing ----------------------------------------------------------------------------------


def submit(trainee: User, course: Course, exercise: Exercise, text: str) -> PracticeResponse:
    """A new try at the exercise, waiting for a supervisor."""
    text = text.strip()
    if not text:
        raise PracticeError("Write your response before sending it.")
    if not has_supervisor(trainee):
        raise PracticeError(
            "You have no supervisor assigned yet, so nobody could review your response. "
            "Please ask your program lead to assign one."
        )
    mine = (
        PracticeResponse.trainee_id == trainee.id,
        PracticeResponse.course_id == course.id,
        PracticeResponse.exercise_id == exercise.id,
    )
    tries = db.session.scalar(select(func.max(PracticeResponse.attempt)).where(*mine)) or 0
    response = PracticeResponse(
        trainee_id=trainee.id,
        course_id=course.id,
        exercise_id=exercise.id,
        attempt=tries + 1,
        text=text,
        status=PracticeStatus.SUBMITTED,
        content_version=course.version,
    )
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:  # another tab sent one first, or it was accepted meanwhile
        db.session.rollback()
        statuses = set(db.session.scalars(select(PracticeResponse.status).where(*mine)))
        if PracticeStatus.ACCEPTED in statuses:
            raise PracticeError(
                "Your response to this exercise has already been accepted; nothing was sent."
            ) from None
        raise PracticeError(
            "You already sent a response that is waiting for your supervisor; nothing new was "
            "sent. You can write again if they ask for another try."
        ) from None
    audit.record(
        trainee,
        SUBJECT,
        response.id,
        "submitted",
        to_status=PracticeStatus.SUBMITTED,
        comment=f"{course.id} / {exercise.id}, try {response.attempt}",
    )
    notices.practice_sent_for_review(trainee)
    db.session.commit()
    return response


ACCEPT, RETURN = "accept", "return"


def review(
    supervisor: User,
    response: PracticeResponse,
    decision: str,
    ratings: dict[str, bool],
    feedback: str,
    criteria: int,
) -> None:
    """Accept the response, or return it for another try (feedback required), with a rating of
    each of its exercise's ``criteria``: a response is accepted only when every one is met.
    Only while it is waiting and the supervisor supervises its trainee."""
    feedback = feedback.strip()
    if decision not in (ACCEPT, RETURN):
        raise PracticeError("Choose whether to accept the response or ask for another try.")
    if set(ratings) != {str(i) for i in range(criteria)}:
        raise RatingsProblem("Rate every point as met or not yet.")
    if decision == ACCEPT and not all(ratings.values()):
        raise RatingsProblem(
            "A response is accepted when it meets every point. Mark them all as met, or ask "
            "for another try and say what to change."
        )
    if decision == RETURN and not feedback:
        raise PracticeError(
            "Write some feedback so the trainee knows what to change in their next try."
        )
    new = PracticeStatus.ACCEPTED if decision == ACCEPT else PracticeStatus.RETURNED
    decided = db.session.execute(
        update(PracticeResponse)
        .where(
            PracticeResponse.id == response.id,
            PracticeResponse.status == PracticeStatus.SUBMITTED,
            _supervised_by(supervisor.id),
        )
        .values(
            status=new,
            reviewer_id=supervisor.id,
            reviewed_at=utcnow(),
            ratings=ratings,
            feedback=feedback or None,
        ),
        execution_options={"synchronize_session": False},
    )
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadyReviewed(
            "This response was already reviewed (perhaps by another supervisor, or in another "
            "window), so your review was not saved."
        )
    audit.record(
        supervisor,
        SUBJECT,
        response.id,
        "accepted" if new == PracticeStatus.ACCEPTED else "returned",
        PracticeStatus.SUBMITTED,
        new,
        feedback or None,
    )
    notices.practice_reviewed(
        response.trainee, response.course_id, response.exercise_id, new == PracticeStatus.ACCEPTED
    )
    db.session.commit()
    db.session.expire(response)
