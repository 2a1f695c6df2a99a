"""Competency evaluations: a supervisor's ratings of a trainee against their track's
competencies, written as a draft, then signed (and locked), and perhaps voided by a lead."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.extensions import db
from training.models import User, UTCDateTime, limited, utcnow


class EvaluationStatus(StrEnum):
    DRAFT = "draft"  # the supervisor is still writing it
    SIGNED = "signed"  # locked: it counts toward the certificate
    VOIDED = "voided"  # a lead voided it with a reason: it stays on record, and no longer counts


#: a draft: at most one per trainee, supervisor and track (``uq_competency_evaluation_draft``)
DRAFT_EVALUATION = "status = 'draft'"


class CompetencyEvaluation(db.Model):
    """One evaluation of one trainee by one supervisor, on the trainee's track.

    The database keeps the rules a race could break: at most one draft per trainee, supervisor
    and track (two "Start" clicks open one), and every change is a conditional UPDATE: saving a
    draft and signing it ``WHERE status = 'draft'`` (so a signed evaluation is never changed,
    and two "Sign" clicks sign once), voiding it ``WHERE status = 'signed'``. ``revision`` counts
    the draft's saves, so a supervisor signs exactly the version they reviewed.

    On signing it keeps the supervisor's name and credential as they were, the statement they
    signed, and the form it answered (``form``: ``certificates.evaluation.snapshot``), so it
    reads the same after the supervisor's account or the track changes.
    """

    __table_args__ = (
        Index(
            "uq_competency_evaluation_draft",
            "trainee_id",
            "supervisor_id",
            "track_id",
            unique=True,
            sqlite_where=sql(DRAFT_EVALUATION),
            postgresql_where=sql(DRAFT_EVALUATION),
        ),
        # a trainee's (or many trainees') signed evaluations, latest last (eligibility)
        Index("ix_competency_evaluation_trainee_status", "trainee_id", "status", "signed_at"),
        Index("ix_competency_evaluation_supervisor", "supervisor_id", "status"),
        # the lead's list, newest first
        Index("ix_competency_evaluation_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    track_id: Mapped[str] = mapped_column(String(100))
    #: the ``EvaluationRule.version`` of the form it answers
    rule_version: Mapped[str] = mapped_column(String(40))
    #: the form it answers (``certificates.evaluation.snapshot``)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: competency id -> {"rating": scale index or None, "comment": text}
    ratings: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)
    overall_comment: Mapped[str] = limited(limits.EVALUATION_OVERALL, "overall_comment", default="")
    status: Mapped[EvaluationStatus] = mapped_column(String(20), default=EvaluationStatus.DRAFT)
    #: 1 when started, one more at each save of the draft
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the supervisor as they were when signing
    supervisor_name: Mapped[str | None] = limited(limits.NAME, "supervisor_name")
    supervisor_credential: Mapped[str | None] = limited(limits.CREDENTIAL, "supervisor_credential")
    #: the statement they signed
    statement: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    void_reason: Mapped[str | None] = limited(limits.REASON, "void_reason")

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])

    def answer(self, competency_id: str) -> dict[str, Any]:
        """The stored answer for one competency: {"rating": index or None, "comment": text}."""
        return (self.ratings or {}).get(competency_id) or {"rating": None, "comment": ""}

    @property
    def signed_by(self) -> str:
        """Who signed it, as they were: "Sam Supervisor (CPRS 1234)"."""
        name = self.supervisor_name or ""
        return f"{name} ({self.supervisor_credential})" if self.supervisor_credential else name
