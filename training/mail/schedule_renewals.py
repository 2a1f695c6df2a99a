"""Renewal reminders: a certificate's holder is told at each of ``MAIL_RENEWAL_DAYS`` (60, 30
and 7 days) before it expires.

Only a current certificate (neither revoked nor replaced by a re-issue or renewal) that has not
expired gets one. On a given day it is owed the reminder of the smallest threshold reached: a
certificate 25 days from expiry gets the 30-day reminder, never a late 60-day one. Each is
written once (dedupe key ``renewal:<certificate id>:<threshold>``).

The message says when the certificate expires and what renewing needs in general terms (the
continuing education the track asks, and how much is approved so far; how many courses to
complete again; the program's statements to sign again), with links to My certificate and to
Outside training. No course title, no note."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from certificates.hours import hours_word
from certificates.renewal import CeProgress
from certificates.tracks import Track
from courses.domains import domain_name
from training.certs.renewals import _rows as due_rows
from training.extensions import db
from training.mail.kinds import RENEWAL_DUE
from training.mail.schedule_common import counted, wanting, write_once, written
from training.models import Certificate, User
from training.urls import public_url

KIND = RENEWAL_DUE.name


def thresholds() -> list[int]:
    """The days before expiry to remind at, smallest first."""
    return sorted({int(days) for days in current_app.config.get("MAIL_RENEWAL_DAYS") or []})


def threshold_for(days_left: int, days: list[int]) -> int | None:
    """The smallest threshold already reached (``days`` smallest first), or None."""
    return next((t for t in days if days_left <= t), None)


def renewal_key(certificate_id: int, threshold: int) -> str:
    return f"renewal:{certificate_id}:{threshold}"


def queue_renewal_reminders(now: datetime) -> int:
    """Write the reminders that are due; how many were written."""
    days = thresholds()
    if not days:
        return 0
    today = now.date()
    keys = {
        certificate_id: renewal_key(certificate_id, threshold)
        for certificate_id, expires_on in _current_expiring(today, days[-1])
        if (threshold := threshold_for((expires_on - today).days, days)) is not None
    }
    done = written(keys.values())
    owed = [i for i, key in keys.items() if key not in done]
    if not owed:
        return 0
    pairs = db.session.execute(
        select(Certificate, User)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.id.in_(owed))
        .order_by(Certificate.expires_on, Certificate.id)
    ).all()
    sent = 0
    for row in due_rows([(c, u) for c, u in pairs], today):
        certificate = row.certificate
        sent += write_once(
            now,
            row.holder,
            KIND,
            "renewal_due",
            f"Time to renew your certificate (expires {in_days(row.days_left)})",
            keys[certificate.id],
            expires_on=certificate.expires_on,
            when=in_days(row.days_left),
            needs=renewal_needs(row.track, row.progress),
            ce_so_far=ce_so_far(row.progress),
            certificate_url=public_url("certs.mine"),
            outside_url=public_url("outside.index"),
        )
    return sent


def _current_expiring(today: date, within_days: int) -> list[tuple[int, date]]:
    """(id, expiry) of the current certificates expiring from today to ``within_days`` ahead
    whose holders want reminders."""
    rows = db.session.execute(
        select(Certificate.id, Certificate.expires_on)
        .join(User, User.id == Certificate.user_id)
        .where(
            Certificate.revoked_at.is_(None),
            Certificate.superseded_at.is_(None),
            Certificate.expires_on.between(today, today + timedelta(days=within_days)),
            *wanting(KIND),
        )
    )
    return [(certificate_id, expires_on) for certificate_id, expires_on in rows]


def in_days(days_left: int) -> str:
    """When, in words: today, tomorrow, in 30 days."""
    if days_left <= 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    return f"in {days_left} days"


def renewal_needs(track: Track | None, progress: CeProgress | None) -> list[str]:
    """What renewing asks of the holder, in general terms: never a course's title."""
    if track is None:
        return []
    needs = []
    if progress is not None and progress.asked:
        ce = "continuing education"
        if progress.need:
            ce = f"{hours_word(progress.need)} of {ce}"
        if progress.by_domain:
            ce += (
                " ("
                + ", ".join(
                    f"{hours_word(d.need)} in {domain_name(d.domain)}" for d in progress.by_domain
                )
                + ")"
            )
        needs.append(f"Record {ce}, approved by your program lead")
    if track.renewal.courses:
        needs.append(f"Complete {counted(len(track.renewal.courses), 'course', 'courses')} again")
    if track.renewal.attestation and track.attestations:
        titles = ", ".join(attestation.title for attestation in track.attestations)
        needs.append(f"Sign the program's statements again: {titles}")
    return needs


def ce_so_far(progress: CeProgress | None) -> str:
    """E.g. "So far you have 8 of 20 hours of continuing education (2 of 6 hours in Ethical
    Responsibility).", or nothing when the track asks for none."""
    if progress is None or not progress.asked:
        return ""
    domains = ", ".join(
        f"{_number(d.have)} of {hours_word(d.need)} in {domain_name(d.domain)}"
        for d in progress.by_domain
    )
    if not progress.need:
        return f"So far you have {domains}."
    total = f"{_number(progress.have)} of {hours_word(progress.need)} of continuing education"
    return f"So far you have {total}{f' ({domains})' if domains else ''}."


def _number(value: float) -> str:
    return f"{round(value, 2):g}"
