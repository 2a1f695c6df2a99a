"""Request plans for the load run: the requests real people send, as lines wrk replays.

Each plan is a list of requests (method, path, cookie, form body) spread over many people and
objects, so the run measures the database as it is used, not one hot row. Sessions are made
the way Flask-Login makes them at sign-in, with the servers' secret key: signing in
thousands of people through argon2 would measure the password hash, not the pages (the
sign-in itself is exercised by ``bench.scaleout``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from certificates.codes import format_code


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    cookie: str = ""
    body: str = ""

    def line(self) -> str:
        return "\t".join((self.method, self.path, self.cookie, self.body))


@dataclass
class Plan:
    name: str
    requests: list[Request]
    #: the status every answer should have (wrk counts any other as an error)
    expected: int = 200
    #: a Lua pattern every answer's Location must match ("": any, or none)
    location: str = ""
    #: each request may be answered once: the app must not have seen it (a quiz submission);
    #: an answer saying it had (see ``replay.lua``) is a replay, counted as an error
    once: bool = False

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.plan"
        path.write_text("".join(r.line() + "\n" for r in self.requests))
        return path


class Sessions:
    """Session cookies and CSRF tokens for bench users, as a browser holds them after sign-in."""

    def __init__(self, app: Flask) -> None:
        from flask_login.utils import _create_identifier

        self.app = app
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")  # type: ignore[arg-type]
        # Flask-Login's "basic" protection ties a session to the client address and browser.
        with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            self.identifier = _create_identifier()
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self._cookies: dict[int, str] = {}

    def cookie(self, user) -> str:  # type: ignore[no-untyped-def]
        """The cookie of the person's session (made once per person)."""
        if user.id not in self._cookies:
            self._cookies[user.id] = self._make_cookie(user)
        return self._cookies[user.id]

    def _make_cookie(self, user) -> str:  # type: ignore[no-untyped-def]
        from training.auth import login_sessions

        session = {
            "_user_id": login_sessions.start(user),  # committed by ``build``
            "_fresh": True,
            "_id": self.identifier,
            "csrf_token": f"bench-{user.id}",
        }
        return f"{self.cookie_name}={self.serializer.dumps(session)}"

    def csrf_token(self, user) -> str:  # type: ignore[no-untyped-def]
        return self.csrf.dumps(f"bench-{user.id}")


def _aware(moment: datetime) -> datetime:
    """``moment`` as UTC (SQLite hands back aggregates as naive datetimes or text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build(app: Flask, size: int = 4000, seed: int = 1) -> list[Plan]:
    """Every plan of the load run, ``size`` requests each (quiz submissions: as many attempts)."""
    from training import content
    from training.extensions import db
    from training.models import Certificate, Cohort, EntryStatus, HoursEntry, Role, User

    rng = random.Random(seed)
    with app.app_context():
        sessions = Sessions(app)
        trainees = list(db.session.scalars(select(User).where(User.role == Role.TRAINEE)))
        if not trainees:
            raise SystemExit("Seed the database first: python -m bench.seed")
        lead = db.session.scalar(select(User).where(User.role == Role.LEAD).order_by(User.id))
        supervisors = list(
            db.session.scalars(
                select(User)
                .join(HoursEntry, HoursEntry.supervisor_id == User.id)
                .where(HoursEntry.status == EntryStatus.SUBMITTED)
                .group_by(User.id)
            )
        ) or list(db.session.scalars(select(User).where(User.role == Role.SUPERVISOR)))
        cohorts = list(db.session.scalars(select(Cohort.id)))
        library = content.library()
        modules = [(c.id, m.id) for c in library.courses for m in c.modules]

        def sample(people: list, n: int) -> list:  # type: ignore[type-arg]
            return [rng.choice(people) for _ in range(n)]

        module_page = [
            Request("GET", f"/learn/{course}/{module}", sessions.cookie(user))
            for user, (course, module) in zip(
                sample(trainees, size), sample(modules, size), strict=True
            )
        ]
        # the trainee's home: what to do next and progress by group of the checklist
        dashboard = [Request("GET", "/", sessions.cookie(u)) for u in sample(trainees, size)]
        queue = [
            Request("GET", "/supervise/", sessions.cookie(u)) for u in sample(supervisors, size)
        ]
        lead_cookie = sessions.cookie(lead)
        cohort_page = [
            Request("GET", f"/lead/cohorts/{c}", lead_cookie) for c in sample(cohorts, size)
        ]
        codes = list(db.session.scalars(select(Certificate.code)))
        verify_page = [Request("GET", f"/verify/{format_code(c)}") for c in sample(codes, size)]
        verify_json = [
            Request("GET", f"/verify/{format_code(c)}.json") for c in sample(codes, size)
        ]
        # only certificates in force have a PDF to give (a revoked or replaced one answers 410)
        certificates = list(
            db.session.execute(
                select(Certificate.id, Certificate.user_id).where(
                    Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)
                )
            )
        )
        holder = {u.id: u for u in trainees}
        download = [
            Request("GET", f"/certificates/{cid}.pdf", sessions.cookie(holder[uid]))
            for cid, uid in sample(certificates, size)
        ]
        quiz = _quiz_submissions(sessions, lead, trainees, size, rng)
        db.session.commit()  # the login sessions of every cookie
    return [
        Plan("module_page", module_page),
        # graded: a redirect to the attempt's review (not back to the quiz: not counted)
        Plan(
            "quiz_submission",
            quiz,
            expected=302,
            location=r"^/learn/attempts/%d+/review$",
            once=True,
        ),
        Plan("trainee_dashboard", dashboard),
        Plan("supervisor_queue", queue),
        Plan("cohort_dashboard", cohort_page),
        Plan("verify_page", verify_page),
        Plan("verify_json", verify_json),
        Plan("certificate_pdf", download),
    ]


def _quiz_submissions(sessions, lead, trainees, size, rng) -> list[Request]:  # type: ignore[no-untyped-def]
    """Open ``size`` quiz attempts the app will grade, as trainees pressing "Start" would
    (drawn the app's way, all written in one transaction), and answer each one once, mostly
    right.

    The seeded history has used every attempt at every quiz, so the lead grants each chosen
    trainee the extra attempts it takes (as leads do, audited); a trainee who finished an
    attempt at a quiz within its wait (an earlier run) is left out for that quiz: the app would
    close the attempt without counting it, a cheap answer that is not a grading.
    """
    from courses.quiz import option_order
    from training import audit, content
    from training.extensions import db
    from training.learning.attempts import new_attempt
    from training.learning.models import ExtraAttempts
    from training.models import AttemptStatus, QuizAttempt

    people = rng.sample(trainees, len(trainees))
    ids = [u.id for u in people]
    finished = {
        (user_id, course_id): (count, latest)
        for user_id, course_id, count, latest in db.session.execute(
            select(
                QuizAttempt.user_id,
                QuizAttempt.course_id,
                func.count(),
                func.max(QuizAttempt.submitted_at),
            )
            .where(QuizAttempt.user_id.in_(ids), QuizAttempt.status == AttemptStatus.FINISHED)
            .group_by(QuizAttempt.user_id, QuizAttempt.course_id)
        )
    }
    granted = {
        (user_id, course_id): int(extra)
        for user_id, course_id, extra in db.session.execute(
            select(
                ExtraAttempts.trainee_id, ExtraAttempts.course_id, func.sum(ExtraAttempts.attempts)
            ).group_by(ExtraAttempts.trainee_id, ExtraAttempts.course_id)
        )
    }
    # a trainee has one open attempt per course (an earlier plan may have left it): Start resumes it
    already = {
        (a.user_id, a.course_id): a
        for a in db.session.scalars(
            select(QuizAttempt).where(
                QuizAttempt.user_id.in_(ids), QuizAttempt.status == AttemptStatus.IN_PROGRESS
            )
        )
    }
    attempts = []
    for course in content.library().courses:
        quiz = course.quiz
        for user in people:
            if len(attempts) == size:
                break
            attempt = already.get((user.id, course.id)) or new_attempt(
                user, course, rng.randrange(2**31)
            )
            count, latest = finished.get((user.id, course.id), (0, None))
            wait = timedelta(minutes=quiz.wait_minutes or 0)
            if latest is not None and _aware(latest) > _aware(attempt.started_at) - wait:
                continue  # too soon after the last one: the app would not grade it
            extra = granted.get((user.id, course.id), 0)
            short = count + 1 - (quiz.max_attempts + extra) if quiz.max_attempts else 0
            if short > 0:
                reason = "bench: another attempt for the load run"
                db.session.add(
                    ExtraAttempts(
                        trainee_id=user.id,
                        course_id=course.id,
                        attempts=short,
                        reason=reason,
                        granted_by_id=lead.id,
                    )
                )
                audit.record(lead, "user", user.id, "extra quiz attempts granted", comment=reason)
            attempts.append(attempt)
    db.session.add_all(attempts)
    db.session.commit()
    courses = {c.id: c for c in content.library().courses}
    users = {u.id: u for u in people}
    requests = []
    for attempt in attempts:
        user, quiz = users[attempt.user_id], courses[attempt.course_id].quiz
        fields: list[tuple[str, str]] = [("csrf_token", sessions.csrf_token(user))]
        for qid in attempt.question_ids:
            question = quiz.question(qid)
            options = option_order(question, attempt.seed)
            right = [o.id for o in options if o.id in question.answer]
            chosen = right if rng.random() < 0.8 else [options[0].id]
            fields += [(f"q-{qid}", option) for option in chosen]
        requests.append(
            Request(
                "POST", f"/learn/attempts/{attempt.id}", sessions.cookie(user), urlencode(fields)
            )
        )
    return requests
