"""The exam a track asks for, as eligibility and the pages need it: results of an exam taken
outside the platform (recorded and withdrawn by a lead) and the outcome of the internal final
exam (``training.exams.attempts``), for one trainee or many at once.

Who sees what: a trainee their own results and attempts, a supervisor those of the trainees
assigned to them, a lead everyone's; anyone else gets "not found".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from certificates.rulebook import ExamOutcome
from certificates.tracks import Track
from training import audit
from training.dates import long_date
from training.exams.attempts import SUBJECT
from training.exams.models import ExamResult, FinalExamAttempt
from training.extensions import db
from training.hours.assignments import supervises
from training.models import AttemptStatus, Role, User, utcnow
from training.uploads.services import store_upload


class ExamError(ValueError):
    """An action that cannot be taken, with a message for the person who tried."""


# --- who may see whom --------------------------------------------------------------------------


def visible_trainee(viewer: User, trainee_id: int) -> User | None:
    """The trainee, if ``viewer`` may see their exam: a lead, the trainee, or a supervisor
    who supervises them; None otherwise (the page is then "not found")."""
    trainee = db.session.get(User, trainee_id)
    if trainee is None or trainee.role != Role.TRAINEE:
        return None
    if viewer.role == Role.LEAD or viewer.id == trainee.id:
        return trainee
    if supervises(viewer, trainee.id):
        return trainee
    return None


# --- results of an exam taken elsewhere --------------------------------------------------------


#: the order of results from the one that counts: the latest exam by the date it was taken (a
#: first attempt recorded late does not replace a later pass), then the latest recorded
LATEST_FIRST = (ExamResult.day.desc(), ExamResult.recorded_at.desc(), ExamResult.id.desc())


def results_of(trainee_id: int, track_id: str | None = None) -> list[ExamResult]:
    """The trainee's recorded results, the latest exam first, then the latest recorded
    (withdrawn ones too)."""
    conditions = [ExamResult.trainee_id == trainee_id]
    if track_id is not None:
        conditions.append(ExamResult.track_id == track_id)
    return list(
        db.session.scalars(
            select(ExamResult)
            .options(
                joinedload(ExamResult.recorded_by),
                joinedload(ExamResult.withdrawn_by),
                joinedload(ExamResult.file),
            )
            .where(*conditions)
            .order_by(*LATEST_FIRST)
        )
    )


def counting_result(results: Iterable[ExamResult]) -> ExamResult | None:
    """The result that counts: of those not withdrawn, the one of the latest exam by the date
    it was taken; of two for the same day, the latest recorded."""
    standing = [r for r in results if not r.withdrawn]
    return max(standing, key=lambda r: (r.day, r.recorded_at, r.id), default=None)


def record_result(
    lead: User,
    trainee: User,
    track: Track,
    *,
    day: date,
    passed: bool,
    score: str | None,
    note: str | None,
    evidence: FileStorage | None = None,
) -> ExamResult:
    """Record a result of the track's exam for a trainee, with an audit event, and its evidence
    file if one is given (owned by the trainee; ``UploadError``, nothing saved, when the file is
    refused)."""
    if track.exam is None or track.exam.kind != "external":
        raise ExamError("This track has no exam taken outside the platform to record.")
    stored = store_upload(evidence, trainee, uploaded_by=lead) if evidence else None
    result = ExamResult(
        trainee_id=trainee.id,
        track_id=track.id,
        exam_name=track.exam.name,
        day=day,
        passed=passed,
        score=score or None,
        note=note or None,
        file_id=stored.id if stored else None,
        recorded_by_id=lead.id,
        recorded_at=utcnow(),
    )
    db.session.add(result)
    db.session.flush()
    audit.record(
        lead,
        SUBJECT,
        trainee.id,
        "exam result recorded",
        to_status="passed" if passed else "not passed",
        comment=f"{outcome_line(result)} (result {result.id})",
    )
    db.session.commit()
    return result


def withdraw_result(lead: User, result: ExamResult, reason: str) -> None:
    """Withdraw a recorded result, with the lead's reason and an audit event. Only the first of
    two leads acting at once withdraws it (``WHERE withdrawn_at IS NULL``); the other is told."""
    result_id, trainee_id, line = result.id, result.trainee_id, outcome_line(result)
    changed = db.session.execute(
        update(ExamResult)
        .where(ExamResult.id == result_id, ExamResult.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_by_id=lead.id, withdrawal_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise ExamError("This result was already withdrawn.")
    audit.record(
        lead,
        SUBJECT,
        trainee_id,
        "exam result withdrawn",
        from_status="recorded",
        to_status="withdrawn",
        comment=f"{line} (result {result_id}): {reason}",
    )
    db.session.commit()


def outcome_line(result: ExamResult) -> str:
    """ "NCPRSS examination: passed on 3 March 2026 (612 scaled)"."""
    verdict = "passed" if result.passed else "not passed"
    score = f" ({result.score})" if result.score else ""
    return f"{result.exam_name}: {verdict} on {long_date(result.day)}{score}"


# --- the outcome eligibility counts ------------------------------------------------------------


def exam_outcomes(user_ids: list[int], track: Track) -> dict[int, ExamOutcome | None]:
    """Each trainee's exam as eligibility needs it (``certificates.rulebook.ExamOutcome``):
    the counting result of an exam taken elsewhere, or the internal final exam (passed once
    any attempt passed: the first pass counts; otherwise the best finished attempt, not passed).
    None when nothing is recorded or the track has no exam. One query."""
    outcomes: dict[int, ExamOutcome | None] = dict.fromkeys(user_ids)
    exam = track.exam
    if exam is None or not user_ids:
        return outcomes
    if exam.kind == "external":
        latest = (
            select(ExamResult.id)
            .where(
                ExamResult.trainee_id.in_(user_ids),
                ExamResult.track_id == track.id,
                ExamResult.withdrawn_at.is_(None),
            )
            .add_columns(
                func.row_number()
                .over(
                    partition_by=ExamResult.trainee_id,
                    order_by=LATEST_FIRST,
                )
                .label("place")
            )
            .subquery()
        )
        rows = db.session.scalars(
            select(ExamResult).join(latest, latest.c.id == ExamResult.id).where(latest.c.place == 1)
        )
        for result in rows:
            outcomes[result.trainee_id] = ExamOutcome(
                result.passed, result.day, outcome_line(result)
            )
        return outcomes
    rows = db.session.execute(
        select(
            FinalExamAttempt.trainee_id,
            FinalExamAttempt.passed,
            FinalExamAttempt.score_percent,
            FinalExamAttempt.submitted_at,
        ).where(
            FinalExamAttempt.trainee_id.in_(user_ids),
            FinalExamAttempt.track_id == track.id,
            FinalExamAttempt.status == AttemptStatus.FINISHED,
        )
    )
    best: dict[int, tuple] = {}
    for trainee_id, passed, percent, submitted_at in rows:
        # the first pass, else the best score (then the latest)
        key = (passed, -submitted_at.timestamp() if passed else percent or 0.0, submitted_at)
        if trainee_id not in best or key > best[trainee_id][0]:
            best[trainee_id] = (key, passed, percent or 0.0, submitted_at)
    for trainee_id, (_, passed, percent, submitted_at) in best.items():
        day = submitted_at.date()
        if passed:
            detail = f"{exam.name}: passed with {percent:g} % on {long_date(day)}"
        else:
            detail = f"{exam.name}: not passed yet (best score {percent:g} %, on {long_date(day)})"
        outcomes[trainee_id] = ExamOutcome(bool(passed), day, detail)
    return outcomes
