"""The exam a track asks for: results of an exam taken outside the platform, recorded by a lead,
and attempts at the platform's own final exam (with the extra attempts a lead grants).

Registered with the other models when ``training.exams`` is imported (``create_app`` does)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.extensions import db
from training.models import OPEN_ATTEMPT, AttemptStatus, User, UTCDateTime, limited, utcnow
from training.uploads.models import StoredFile


class ExamResult(db.Model):
    """One result of an exam taken elsewhere (e.g. the IC&RC or NCPRSS examination), as a lead
    recorded it. Never edited: a wrong record is corrected by recording a new one or withdrawn,
    with a reason (a conditional UPDATE ``WHERE withdrawn_at IS NULL``, so two leads cannot
    both withdraw it). Of the results not withdrawn, the one of the latest exam ``day`` counts
    (of two for the same day, the latest recorded): a first attempt recorded late does not
    replace a later pass."""

    __tablename__ = "exam_result"
    __table_args__ = (Index("ix_exam_result_trainee_track", "trainee_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(100))
    #: the exam's name when it was recorded (the track's ``[exam] name``)
    exam_name: Mapped[str] = limited(limits.EXAM_NAME, "exam_name")
    day: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool]
    score: Mapped[str | None] = limited(limits.EXAM_SCORE, "score")
    note: Mapped[str | None] = limited(limits.REASON, "note")
    #: the evidence a lead uploaded (the board's letter, say), owned by the trainee; evidence
    #: stays, so a stored file in use cannot be deleted (RESTRICT)
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="RESTRICT"), index=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = limited(limits.REASON, "withdrawal_reason")

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    file: Mapped[StoredFile | None] = relationship()

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class FinalExamAttempt(db.Model):
    """One attempt at a track's internal final exam. A trainee has at most one open attempt per
    track: the database refuses a second (``uq_final_exam_attempt_open``), so parallel "Start"
    clicks open one. Its questions are stored (course and question ids, with the domain each
    counted in), so a content edit cannot change them; one that removes a question closes the
    open attempt without counting."""

    __tablename__ = "final_exam_attempt"
    __table_args__ = (
        Index("ix_final_exam_attempt_trainee_track", "trainee_id", "track_id"),
        Index(
            "uq_final_exam_attempt_open",
            "trainee_id",
            "track_id",
            unique=True,
            sqlite_where=text(OPEN_ATTEMPT),
            postgresql_where=text(OPEN_ATTEMPT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(100))
    #: course id -> the content version of that course the questions were drawn from
    content_versions: Mapped[dict[str, str]] = mapped_column(JSON)
    #: drives the draw and the option order
    seed: Mapped[int]
    #: [course id, question id] of each question, in the order asked
    question_refs: Mapped[list[list[str]]] = mapped_column(JSON)
    #: the domain each question counted in when drawn, in the same order
    domains: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[AttemptStatus] = mapped_column(String(20), default=AttemptStatus.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: question position ("1", "2" …) -> the option ids chosen
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    #: the positions answered right, as graded at the time (a later key change does not regrade)
    correct_positions: Mapped[list[int] | None] = mapped_column(JSON)
    correct_count: Mapped[int | None]
    score_percent: Mapped[float | None]
    #: the exam's pass mark when it was graded
    pass_percent: Mapped[int | None]
    passed: Mapped[bool] = mapped_column(default=False)

    trainee: Mapped[User] = relationship()

    @property
    def finished(self) -> bool:
        return self.status == AttemptStatus.FINISHED

    @property
    def refs(self) -> list[tuple[str, str]]:
        return [(course_id, question_id) for course_id, question_id in self.question_refs]


class FinalExamExtraAttempt(db.Model):
    """One more attempt at a track's final exam, granted to a trainee by a lead with a reason.
    Rows are only added: the trainee's allowance is the exam's ``max_attempts`` plus their
    rows."""

    __tablename__ = "final_exam_extra_attempt"
    __table_args__ = (Index("ix_final_exam_extra_attempt_trainee_track", "trainee_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = limited(limits.REASON, "reason")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
