"""The leads' weekly summary, once per ISO week per active lead, from Monday 06:00 UTC: trainees
who are eligible but have no certificate yet, certificates expiring soon, and messages the
outbox gave up on (so a lead notices mail trouble). Skipped when all three are zero.

Eligibility is worked out as the cohort dashboard does (``certs.services.records_of``, a fixed
number of queries for a batch of trainees), for every active trainee without a certificate of
their track: the heaviest thing the worker does, so it is done once a week, by one worker. The
first pass of the week inserts the week's mark (``MailScheduleMark`` ``weekly:<ISO week>``;
``INSERT … ON CONFLICT DO NOTHING``, so of two workers at once only one gets it, the other
waiting for its commit on PostgreSQL), works the numbers out and writes the leads' summaries in
the same transaction: the mark and the messages are committed together, or neither is. Every
later pass, in any process (cron's ``mail send --once`` included), sees the mark and does
nothing; a quiet week writes the mark and no message. A lead still gets one message a week at
most: each is written under its dedupe key ``weekly:<lead id>:<ISO week>``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certificates.eligibility import eligibility
from certificates.tracks import Track
from training import content
from training.certs.renewals import _due_query as renewals_due_query
from training.certs.renewals import largest_window
from training.certs.services import records_of
from training.extensions import db
from training.hours.services import default_track
from training.mail.kinds import LEAD_WEEKLY
from training.mail.models import MailAttempt, MailScheduleMark, MailStatus, OutboxMessage
from training.mail.outbox import queue
from training.mail.schedule_common import people, wanting, written
from training.models import Certificate, Cohort, Role, User
from training.upserts import dialect_insert
from training.urls import public_url

KIND = LEAD_WEEKLY.name
#: trainees whose eligibility is worked out at once (the dashboard's batched queries)
BATCH = 500
#: the summary counts messages given up on in this many days before it
FAILED_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Summary:
    eligible: int
    expiring: int
    #: how many days ahead ``expiring`` looks (the leads' "Renewals due" page shows the same)
    expiring_days: int
    failed: int

    @property
    def quiet(self) -> bool:
        return not (self.eligible or self.expiring or self.failed)


def week_label(now: datetime) -> str:
    """E.g. "2026-W05" (ISO 8601)."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def week_starts(now: datetime) -> datetime:
    """Monday 06:00 UTC of ``now``'s ISO week: the summary is not sent before."""
    monday = now.date() - timedelta(days=now.weekday())
    return datetime.combine(monday, time(6), tzinfo=UTC)


def week_mark(now: datetime) -> str:
    """The key of the mark of ``now``'s week, e.g. "weekly:2026-W05"."""
    return f"weekly:{week_label(now)}"


def queue_weekly_summaries(now: datetime) -> int:
    """Write this week's summaries, if this pass is the first of the week (the one that marks
    it done); how many were written."""
    if now < week_starts(now):
        return 0
    mark = week_mark(now)
    if db.session.scalar(select(MailScheduleMark.key).where(MailScheduleMark.key == mark)):
        return 0
    label = week_label(now)
    leads = db.session.scalars(select(User.id).where(User.role == Role.LEAD, *wanting(KIND)))
    keys = {lead_id: f"weekly:{lead_id}:{label}" for lead_id in leads}
    done = written(keys.values())
    owed = [lead_id for lead_id, key in keys.items() if key not in done]
    if not owed:  # no lead wants it (yet): nothing to work out, and nothing marked
        return 0
    try:
        if not _mark_done(mark, now):  # another worker has it (committed, or about to)
            db.session.rollback()
            return 0
        sent = _write(now, summarise(now), owed, keys)
        db.session.commit()
    except IntegrityError:  # a summary's key written meanwhile without the mark: next pass
        db.session.rollback()
        return 0
    except BaseException:
        db.session.rollback()
        raise
    return sent


def _mark_done(mark: str, now: datetime) -> bool:
    """Insert the week's mark in the current transaction: whether this pass inserted it."""
    inserted = db.session.scalar(
        dialect_insert(MailScheduleMark)
        .values(key=mark, created_at=now)
        .on_conflict_do_nothing(index_elements=[MailScheduleMark.key])
        .returning(MailScheduleMark.key)
    )
    return inserted is not None


def _write(now: datetime, summary: Summary, owed: list[int], keys: dict[int, str]) -> int:
    """Add the summaries to the current transaction (none in a quiet week): how many."""
    if summary.quiet:
        return 0
    accounts = people(owed)
    links = {
        "dashboard_url": public_url("lead.cohorts"),
        "renewals_url": public_url("certs.renewals_due"),
        "console_url": public_url("mail.console"),
    }
    sent = 0
    for lead_id in owed:
        message = queue(
            accounts[lead_id],
            KIND,
            "lead_weekly",
            "Your weekly summary",
            dedupe_key=keys[lead_id],
            summary=summary,
            **links,
        )
        if message is not None:
            message.created_at = now  # dated by the pass, as every scheduled message
            sent += 1
    return sent


def summarise(now: datetime) -> Summary:
    today = now.date()
    _, expiring = renewals_due_query(today)
    return Summary(
        eligible=eligible_without_certificate(),
        expiring=db.session.scalar(expiring) or 0,
        expiring_days=largest_window(),
        failed=failed_since(now - timedelta(days=FAILED_WITHIN_DAYS)),
    )


def failed_since(since: datetime) -> int:
    """Messages given up on (and not retried since) after ``since``."""
    given_up = (
        select(MailAttempt.message_id)
        .where(MailAttempt.outcome == "failed", MailAttempt.at >= since)
        .scalar_subquery()
    )
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == MailStatus.FAILED, OutboxMessage.id.in_(given_up))
        )
        or 0
    )


def eligible_without_certificate() -> int:
    """Active trainees who meet every requirement of their track and have never had a
    certificate of it."""
    waiting = 0
    for track, trainees in _trainees_by_track():
        for start in range(0, len(trainees), BATCH):
            batch = trainees[start : start + BATCH]
            records = records_of(batch, track)
            waiting += sum(eligibility(track, records[t.id]).eligible for t in batch)
    return waiting


def _trainees_by_track() -> list[tuple[Track, list[User]]]:
    """Active trainees by the track they work toward (their cohort's, else the default: as
    ``hours.services.track_for``), leaving out those with a certificate of it."""
    store = content.store().tracks
    fallback = default_track()
    certified = {
        (user_id, track_id)
        for user_id, track_id in db.session.execute(
            select(Certificate.user_id, Certificate.track_id)
            .join(User, User.id == Certificate.user_id)
            .where(User.role == Role.TRAINEE)
        )
    }
    tracks: dict[str, Track] = {}
    grouped: dict[str, list[User]] = defaultdict(list)
    for trainee, cohort_track in db.session.execute(
        select(User, Cohort.track_id)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .where(User.role == Role.TRAINEE, User.active.is_(True))
        .order_by(User.id)
    ):
        track = (store.track(cohort_track) if cohort_track else None) or fallback
        if track is not None and (trainee.id, track.id) not in certified:
            tracks[track.id] = track
            grouped[track.id].append(trainee)
    return [(tracks[track_id], trainees) for track_id, trainees in grouped.items()]
