"""Certificates through their life: issued, revoked, replaced by a re-issue or a renewal."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from certificates.codes import format_code
from certificates.eligibility import Checklist, TraineeRecord, eligibility
from certificates.hours import totals
from certificates.tracks import Track
from certificates.transcript_digest import TRANSCRIPT_DIGEST, TranscriptMismatch, signed_transcript
from courses.progress import course_progress
from training import content
from training.evaluations.services import signed_evaluations
from training.events.services import attended_events
from training.exams.services import exam_outcomes
from training.extensions import db
from training.hours import services as hours
from training.models import (
    REVOCATION_CATEGORIES,
    Certificate,
    ModuleProgress,
    QuizAttempt,
    User,
    utcnow,
)
from training.outside.services import approved_outside

SUBJECT = "certificate"


class CertificateError(ValueError):
    """An action that cannot be taken, with a plain message."""


# --- the trainee's record ----------------------------------------------------------------------


def record_of(user: User, track: Track) -> TraineeRecord:
    return records_of([user], track)[user.id]


def records_of(users: list[User], track: Track) -> dict[int, TraineeRecord]:
    """Eligibility records for many trainees in a fixed number of queries (cohort dashboards
    stay fast however many trainees they show)."""
    library = content.library()
    ids = [u.id for u in users]
    completed: dict[int, dict[str, set[str]]] = {i: {} for i in ids}
    for user_id, course_id, module_id in db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.course_id, ModuleProgress.module_id).where(
            ModuleProgress.user_id.in_(ids), ModuleProgress.completed_at.is_not(None)
        )
    ):
        completed[user_id].setdefault(course_id, set()).add(module_id)
    passed: dict[int, set[str]] = {i: set() for i in ids}
    for user_id, course_id in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.course_id)
        .where(QuizAttempt.user_id.in_(ids), QuizAttempt.passed.is_(True))
        .distinct()
    ):
        passed[user_id].add(course_id)
    from training.practice.services import accepted_exercises

    accepted = accepted_exercises(ids)
    logged = hours.logged_sums(ids)
    from training.attestations import services as attestations

    signed = attestations.signed_attestations(ids, track)
    confirmed = attestations.confirmations(ids, track)
    events = attended_events(ids)
    outside = approved_outside(ids)
    exams = exam_outcomes(ids, track)
    evaluations = signed_evaluations(ids, track)
    titles = {c.id: c.title for c in library.courses}
    course_hours = {c.id: c.training_hours for c in library.courses}
    return {
        user_id: TraineeRecord(
            completed_courses=frozenset(
                c.id
                for c in library.courses
                if course_progress(
                    c,
                    completed[user_id].get(c.id, set()),
                    c.id in passed[user_id],
                    accepted[user_id].get(c.id, set()),
                ).complete
            ),
            course_titles=titles,
            course_hours=course_hours,
            hours=totals(logged[user_id]),
            signed_attestations=signed[user_id],
            confirmations=confirmed[user_id],
            events=tuple(events[user_id]),
            outside=tuple(outside[user_id]),
            exam=exams[user_id],
            evaluation=evaluations[user_id],
        )
        for user_id in ids
    }


def checklist(user: User, track: Track) -> Checklist:
    return eligibility(track, record_of(user, track))


def sign_attestation(user: User, track: Track) -> None:
    """Sign every attestation of the track the trainee still needs to, as their account's name
    (the demo's trainee who meets every requirement). Trainees sign each on its own page:
    ``training.attestations``."""
    from training.attestations import services as attestations

    if not track.attestations:
        raise CertificateError("This track has nothing to sign.")
    attestations.sign_every(user, track)


def certificates_of(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def current_certificate(user: User, track: Track) -> Certificate | None:
    """The newest certificate of this track that is neither revoked nor replaced."""
    return standing(certificates_of(user), track)[0]


def standing(
    certificates: list[Certificate], track: Track
) -> tuple[Certificate | None, Certificate | None]:
    """(current, revoked) among a holder's certificates, newest first: the current certificate
    of this track, or else the revoked one that ended their certification (None, None for
    someone never certified)."""
    for c in certificates:
        if c.track_id != track.id:
            continue
        if c.revoked_at is None and c.superseded_at is None:
            return c, None
        if c.revoked_at is not None:
            return None, c
    return None, None


def dashboard_summary(user: User) -> dict[str, Any] | None:
    """What a trainee's home page says about their certificate (None without a track)."""
    track = hours.track_for(user)
    if track is None:
        return None
    current, revoked = standing(certificates_of(user), track)
    today = utcnow().date()
    if revoked is not None:
        return {"track": track, "current": None, "revoked": revoked}
    if current is not None:
        from training.certs.renewals import reminder_of

        due = reminder_of(user, track, current, today)
        return {
            "track": track,
            "current": current,
            "days_left": due.days_left,
            "renewal_due": due.due,
            "ce_reminder": due.sentence,
        }
    result = checklist(user, track)
    met = sum(item.met for item in result.items)
    return {
        "track": track,
        "current": None,
        "met": met,
        "total": len(result.items),
        "eligible": result.eligible,
    }


def renewal_status(user: User, track: Track, certificate: Certificate) -> Checklist:
    """What renewing needs, continuing education included (``training.certs.renewals``)."""
    from training.certs.renewals import renewal_status as status

    return status(user, track, certificate)


def by_code(code: str) -> Certificate | None:
    """The certificate with this code, and the one that replaced it, in one query."""
    return db.session.scalar(_by_code(), {"code": code})


@cache
def _by_code():  # type: ignore[no-untyped-def]
    # Built once: verification is the busiest public page, and SQLAlchemy finds the compiled SQL
    # of the same statement object fastest.
    return (
        select(Certificate)
        .options(joinedload(Certificate.replaced_by))
        .where(Certificate.code == bindparam("code"))
    )


#: the statuses whose transcript is shown (as their PDF is downloadable): never a revoked or
#: replaced certificate's
TRANSCRIPT_STATUSES = ("valid", "expired")

#: what verification says when the transcript stored beside a payload is not the one it signed
TRANSCRIPT_PROBLEM = (
    "The transcript we hold for this certificate does not match the one signed when it was "
    "issued, so it is not shown. The certificate's signed facts above are unaffected. Please "
    "contact the program."
)


def public_answer(certificate: Certificate | None, today: date) -> dict[str, Any]:
    """What verification may say: status, holder, track and dates, nothing more; beside the
    payload of a valid or expired certificate, its transcript (which the payload signs as a
    digest), and of a revoked or replaced one neither the transcript nor a word of it."""
    if certificate is None:
        return {"status": "not_found"}
    answer: dict[str, Any] = {
        "status": certificate.status(today),
        "code": format_code(certificate.code),
        "holder": certificate.holder_name,
        "track": certificate.track_title,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "payload": json.loads(certificate.payload),
        "signature": certificate.signature,
        "key_id": certificate.key_id,
    }
    if certificate.revoked_at is not None:
        answer["revoked_on"] = certificate.revoked_at.date().isoformat()
        answer["revocation_reason"] = REVOCATION_CATEGORIES[certificate.revoke_category or "other"]
    if certificate.replaced_by is not None:
        answer["replaced_on"] = certificate.replaced_by.issued_on.isoformat()
    if answer["status"] in TRANSCRIPT_STATUSES:
        answer.update(_transcript_beside(certificate, answer["payload"]))
    return answer


def _transcript_beside(certificate: Certificate, payload: dict[str, Any]) -> dict[str, Any]:
    """The stored transcript, if the payload signs its digest and it matches: marked as covered
    by the digest, never as signed. A mismatch is an integrity failure: said, and logged."""
    if TRANSCRIPT_DIGEST not in payload:
        return {}  # none, or signed inline before digests
    try:
        lines = signed_transcript(payload, certificate.transcript)
    except TranscriptMismatch as error:
        current_app.logger.error("Certificate %s: %s.", certificate.code, error)
        return {"transcript_problem": TRANSCRIPT_PROBLEM}
    return {"transcript": {"covered_by": f"payload.{TRANSCRIPT_DIGEST}", "lines": lines}}
