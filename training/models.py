"""Database models (SQLAlchemy 2.0, typed). Every model is named here; the certificate record
and the column types live in modules of their own (``certificate_model``, ``columns``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.certificate_model import (  # noqa: F401 (a model of its own module, named here too)
    CURRENT_CERTIFICATE,
    REVOCATION_CATEGORIES,
    Certificate,
)
from training.columns import UTCDateTime, limited, utcnow
from training.extensions import db


class Role(StrEnum):
    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"
    LEAD = "lead"

    @property
    def label(self) -> str:
        return {"trainee": "Trainee", "supervisor": "Supervisor", "lead": "Program lead"}[self]


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = limited(limits.EMAIL, "email", unique=True)
    name: Mapped[str] = limited(limits.NAME, "name")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(20), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: set when a lead gives out a temporary password: the user must choose their own
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: a supervisor's qualification, e.g. "Certified Peer Recovery Specialist, licence 12345"
    credential: Mapped[str | None] = limited(limits.CREDENTIAL, "credential")
    #: a trainee's cohort (one at a time)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )

    #: what waits for the signed-in person (see ``hours.services.waiting_counts``), read with
    #: the account at sign-in of each request; None when the account was loaded otherwise
    waiting_count = None

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive accounts cannot log in
        return self.active

    #: the token of the sign-in (``LoginSession``) this account was loaded through, or just
    #: started by ``training.auth.login_sessions``; None when the account was loaded otherwise
    login_token = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session cookie and the remember cookie: the token of
        this sign-in, so that signing out (which ends it on the server) ends both cookies."""
        if self.login_token is None:
            raise RuntimeError("start a login session first (training.auth.login_sessions)")
        return self.login_token

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ModuleProgress(db.Model):
    """A trainee's reading of one module: when they last opened it, and when they finished it."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    module_id: Mapped[str] = mapped_column(String(100))
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    #: the course's quiz changed under an open attempt, so it can no longer be graded
    ABANDONED = "abandoned"


#: an attempt still being answered: a trainee has at most one per course (``uq_quiz_attempt_open``)
OPEN_ATTEMPT = "status = 'in_progress'"


class QuizAttempt(db.Model):
    """One attempt at a course's quiz. A trainee has at most one open attempt per course: the
    database refuses a second (``uq_quiz_attempt_open``), so parallel "Start" clicks open one."""

    __table_args__ = (
        Index("ix_quiz_attempt_user_course", "user_id", "course_id"),
        # a quiz's statistics (training/lead/quiz_analysis.py) read every attempt at one course
        Index("ix_quiz_attempt_course_user", "course_id", "user_id"),
        Index(
            "uq_quiz_attempt_open",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text(OPEN_ATTEMPT),
            postgresql_where=text(OPEN_ATTEMPT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    #: the course content version the attempt was drawn from
    content_version: Mapped[str] = mapped_column(String(40))
    #: drives option order; question_ids are stored so a content edit cannot change them
    seed: Mapped[int]
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[AttemptStatus] = mapped_column(String(20), default=AttemptStatus.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: question id -> the option ids chosen
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    #: the questions answered right, as graded at the time (a later key change does not regrade)
    correct_ids: Mapped[list[str] | None] = mapped_column(JSON)
    correct_count: Mapped[int | None]
    score_percent: Mapped[float | None]
    passed: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()

    @property
    def finished(self) -> bool:
        return self.status == AttemptStatus.FINISHED


class SupervisorAssignment(db.Model):
    """A supervisor who may sign off a trainee's hours, assigned by a program lead."""

    __table_args__ = (
        UniqueConstraint("trainee_id", "supervisor_id"),
        # nobody supervises themselves, whichever form or script tries
        CheckConstraint("trainee_id <> supervisor_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])


class EntryStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class HoursEntry(db.Model):
    """One block of supervision or supervised practice a trainee logs for sign-off."""

    __table_args__ = (
        Index("ix_hours_entry_trainee_day", "trainee_id", "day"),
        Index("ix_hours_entry_supervisor_status", "supervisor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(20))
    domains: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = limited(limits.NOTES, "notes")
    #: supervised practice only: direct service with the people supported (always False for
    #: supervision); tracks may ask for a minimum of it (``ExperienceRule``)
    direct_service: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    status: Mapped[EntryStatus] = mapped_column(String(20), default=EntryStatus.DRAFT)
    #: the supervisor's comment when they return an entry
    return_comment: Mapped[str | None] = limited(limits.RETURN_COMMENT, "return_comment")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    sign_offs: Mapped[list[SignOff]] = relationship(
        back_populates="entry", order_by="SignOff.signed_at"
    )

    @property
    def editable(self) -> bool:
        """Drafts and returned entries can be changed; submitted and approved ones cannot."""
        return self.status in (EntryStatus.DRAFT, EntryStatus.RETURNED)

    @property
    def sign_off(self) -> SignOff | None:
        """The sign-off in force (not voided), if any."""
        return next((s for s in self.sign_offs if s.voided_at is None), None)


class SignOff(db.Model):
    """A supervisor's attestation, with their name and credential as they were when signing.

    Part of the record even once voided: the database refuses to delete an entry that has one
    (RESTRICT; ``hours.services.delete``)."""

    __table_args__ = (
        # a supervisor's recent sign-offs, newest first: the approvals they may still undo
        Index("ix_sign_off_supervisor_signed", "supervisor_id", "signed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("hours_entry.id", ondelete="RESTRICT"), index=True
    )
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    supervisor_name: Mapped[str] = limited(limits.NAME, "supervisor_name")
    supervisor_credential: Mapped[str] = limited(limits.CREDENTIAL, "supervisor_credential")
    attestation: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    void_reason: Mapped[str | None] = limited(limits.REASON, "void_reason")

    entry: Mapped[HoursEntry] = relationship(back_populates="sign_offs")


class AuditEvent(db.Model):
    """An append-only record of a change: who, when, what, from which state to which, why.

    The application only ever inserts these rows.
    """

    __table_args__ = (
        Index("ix_audit_event_subject", "subject_type", "subject_id"),
        # the log's order, newest first, and where each page starts (keyset: ``lead.records``)
        Index("ix_audit_event_at_id", "at", "id"),
        # one person's events, in that order (the log's person filter)
        Index("ix_audit_event_actor_at_id", "actor_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str | None] = limited(limits.AUDIT_COMMENT, "comment")

    actor: Mapped[User | None] = relationship()


#: a signature given before the signer held a certificate of the track (not to renew one)
FIRST_SIGNATURE = "renewal_of_id IS NULL"
RENEWAL_SIGNATURE = "renewal_of_id IS NOT NULL"


class TrackSignature(db.Model):
    """A trainee's signature of one of a track's attestations (its code of ethics, a
    lived-experience statement …), naming the attestation and the version of the text signed.

    One signature per attestation version, and one more for each certificate renewed with it
    (``renewal_of_id``: the certificate the signer held when signing it again): two clicks or
    tabs signing at once record one (``training.attestations.services.sign``)."""

    __table_args__ = (
        Index(
            "uq_track_signature_first",
            "user_id",
            "track_id",
            "attestation_id",
            "text_version",
            unique=True,
            sqlite_where=text(FIRST_SIGNATURE),
            postgresql_where=text(FIRST_SIGNATURE),
        ),
        Index(
            "uq_track_signature_renewal",
            "user_id",
            "track_id",
            "attestation_id",
            "text_version",
            "renewal_of_id",
            unique=True,
            sqlite_where=text(RENEWAL_SIGNATURE),
            postgresql_where=text(RENEWAL_SIGNATURE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[str] = mapped_column(String(100))
    #: which of the track's attestations (rows signed before there were several: the code of
    #: ethics)
    attestation_id: Mapped[str] = mapped_column(
        String(100), default="code-of-ethics", server_default="code-of-ethics"
    )
    text_version: Mapped[str] = mapped_column(String(40))
    #: the certificate the signer held and signed again to renew (None: signed before it)
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="RESTRICT")
    )
    statement: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Cohort(db.Model):
    """A group of trainees who start together and work toward one track."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = limited(limits.NAME, "name", unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    track_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResetPurpose(StrEnum):
    #: made by a lead and handed over (no mail needed)
    HANDOVER = "handover"
    #: emailed to a new person to set their first password
    INVITATION = "invitation"
    #: emailed to someone who asked from the sign-in page ("Forgot your password?")
    FORGOT = "forgot"


class PasswordReset(db.Model):
    """A one-time link to set a password: handed over by a lead, or emailed (an invitation, a
    "forgot password" request). Only a hash of the token is stored, so a database copy cannot
    be used to set anyone's password."""

    __table_args__ = (
        CheckConstraint("purpose IN ('handover', 'invitation', 'forgot')", name="purpose"),
        # one working link per person: two made at once (a double click on "Email me a link")
        # cannot both work; the database refuses the second (``resets.create`` retries it)
        Index(
            "uq_password_reset_unused",
            "user_id",
            unique=True,
            sqlite_where=text("used_at IS NULL"),
            postgresql_where=text("used_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(
        String(12), default=ResetPurpose.HANDOVER, server_default=ResetPurpose.HANDOVER.value
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LoginSession(db.Model):
    """One sign-in on one device, from "Sign in" until "Sign out" (or a password change, or
    deactivation, which end all of the account's). The token itself lives only in that device's
    session and remember cookies; the database keeps a hash, so a copy of it signs nobody in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# the signing keys and Open Badges credentials: models of their own module, named here too
from training.ob3.models import OpenBadge, SigningKey  # noqa: E402,F401
