"""Build a large, realistic program for the benchmarks, in minutes.

    python -m bench.seed                       # 10,000 trainees into bench/.work/bench.sqlite3
    python -m bench.seed --database-url postgresql://postgres@127.0.0.1/bench
    python -m bench.seed --scale 0.01          # 100 trainees: a quick look

At ``--scale 1`` it makes 100 cohorts of 100 trainees, 200 supervisors (two per cohort, each
signing off both cohorts' trainees), 500,000 hours entries (50 a trainee) with 400,000 sign-offs
and 1.2 million audit events, 200,000 quiz attempts, 200,000 module-progress rows and about 20,000
certificates. Cohorts started over the last eight years: the older ones are certified, most
renewed every two years, a few re-issued after a name correction or revoked; the newest are still
logging hours, so supervisors have queues. Every certificate is really signed and carries its own
PDF; rendered PDFs are kept in ``bench/.work/pdf-cache`` (the data set is the same every run), so
a second seeding does not render them again.

Rows go in with plain multi-row INSERTs through SQLAlchemy Core (the ORM would take an hour);
the schema comes from the migrations, as in production. The database must be empty: ``--reset``
drops every table first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, insert, text

from bench.settings import (
    BENCH_PASSWORD,
    PUBLIC_BASE_URL,
    bench_app,
    default_database_url,
    work,
)

#: a name correction re-issues; revocation is rare
REISSUE_SHARE = 0.03
REVOKE_SHARE = 0.01
#: certified trainees who let their certificate lapse instead of renewing it
LAPSE_SHARE = 0.1
#: one finished trainee in this many is eligible but not yet issued a certificate (the lead's
#: to-do list, and what ``bench.scaleout`` issues)
AWAITING_ISSUE_EVERY = 50
ENTRIES_PER_TRAINEE = 50
#: every eighth entry is supervision (7 of 4.5 hours: 31.5 h), the rest supervised practice
#: (43 of 11.75 hours: 505.25 h), so a trainee who finished meets the track's 25 and 500 hours
SUPERVISION_EVERY = 8
SUPERVISION_MINUTES, PRACTICE_MINUTES = 270, 705
SUPERVISION_COUNT = len(range(0, ENTRIES_PER_TRAINEE, SUPERVISION_EVERY))
SUPERVISION_TOTAL = SUPERVISION_COUNT * SUPERVISION_MINUTES
PRACTICE_TOTAL = (ENTRIES_PER_TRAINEE - SUPERVISION_COUNT) * PRACTICE_MINUTES
ATTEMPTS_PER_COURSE = 4
YEARS_OF_COHORTS = 8

FIRST = [
    "Alex",
    "Jordan",
    "Riley",
    "Taylor",
    "Casey",
    "Jamie",
    "Morgan",
    "Sam",
    "Avery",
    "Quinn",
    "Drew",
    "Parker",
    "Reese",
    "Rowan",
    "Sage",
    "Maria",
    "José",
    "Aisha",
    "Wei",
    "Priya",
    "Kwame",
    "Olga",
    "Tomás",
    "Fatima",
    "Diego",
    "Mei",
    "Ngozi",
    "Liam",
    "Noor",
    "Ana",
    "Malik",
]
LAST = [
    "Rivera",
    "Lee",
    "Chen",
    "Brooks",
    "Nguyen",
    "Ortiz",
    "Reyes",
    "Okafor",
    "Patel",
    "Kim",
    "Garcia",
    "Johnson",
    "Mensah",
    "Novak",
    "Haddad",
    "Silva",
    "Tanaka",
    "Kowalski",
    "Ali",
    "Murphy",
    "Dubois",
    "Rossi",
    "Hansen",
    "Cohen",
    "Adeyemi",
    "Lopez",
    "Park",
    "Walsh",
]
METHODS = ("in_person", "video", "phone")
RETURN_COMMENT = "Please add which domains you covered."
DOMAIN_IDS = ("advocacy", "mentoring_education", "recovery_wellness", "ethical_responsibility")
#: the supervision a certified trainee had: 27 hours covering every domain's minimum
SUPERVISION_DOMAINS = (
    ["advocacy"],
    ["mentoring_education"],
    ["recovery_wellness"],
    ["ethical_responsibility"],
    ["ethical_responsibility", "advocacy"],
    ["mentoring_education", "recovery_wellness"],
)
NOTES = (
    "Talked through a peer who wanted to stop coming to groups; practised reflections.",
    "Role-played a first meeting; worked on open questions instead of advice.",
    "Reviewed a boundary question: a peer (J.M.) asked to borrow money.",
    "Shift at the recovery community centre: two one-to-one check-ins and a group.",
    "Discussed self-care after a hard week; made a plan for using supervision.",
    "Went over resource linking: housing and a SMART Recovery meeting for a peer (R.T.).",
)


@dataclass
class Sizes:
    """How much to make: everything scales with the number of trainees."""

    trainees: int
    cohorts: int
    supervisors: int
    leads: int = 3

    @classmethod
    def at(cls, scale: float) -> Sizes:
        trainees = max(10, round(10_000 * scale))
        cohorts = max(2, round(100 * scale))  # at least one finished and one under way
        return cls(trainees=trainees, cohorts=cohorts, supervisors=2 * cohorts)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


def email(kind: str, n: int) -> str:
    """Bench accounts: ``trainee17@bench.example.org``, ``supervisor3@…``, ``lead1@…``."""
    return f"{kind}{n}@bench.example.org"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _at(day: date, rng: random.Random, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=UTC)


def _code(rng: random.Random) -> str:
    """A certificate code made the app's way, from the seeded generator (the data set, and so
    the PDF cache, stay the same from run to run)."""
    import base32_crockford

    from certificates.codes import BITS, BODY_LENGTH, _check_symbol

    while True:
        body = base32_crockford.encode(rng.getrandbits(BITS)).rjust(BODY_LENGTH, "0")
        check = _check_symbol(body)
        if check.isalnum():
            return body + check


class Writer:
    """Buffers rows per table and writes them in large multi-row INSERTs."""

    BATCH = 5_000

    def __init__(self, connection: Any, metadata: MetaData, counts: Counts) -> None:
        self.connection = connection
        self.metadata = metadata
        self.counts = counts
        self.buffers: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, row: dict[str, Any]) -> None:
        buffer = self.buffers.setdefault(table, [])
        buffer.append(row)
        if len(buffer) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        # Every table, parents before children, so foreign keys hold at every step.
        for name in [t.name for t in self.metadata.sorted_tables]:
            rows = self.buffers.get(name)
            if rows:
                self.connection.execute(insert(self.metadata.tables[name]), rows)
                self.counts.add(name, len(rows))
                self.buffers[name] = []


def _pdf_cache() -> Path:
    path = work() / "pdf-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _render(facts_json: str) -> bytes:
    """Render one certificate (in a worker process), through the cache."""
    from certificates.pdf import CertificateFacts, render_certificate

    key = hashlib.sha256(facts_json.encode()).hexdigest()
    cached = _pdf_cache() / f"{key}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    raw = json.loads(facts_json)
    raw["issued_on"] = date.fromisoformat(raw["issued_on"])
    raw["expires_on"] = date.fromisoformat(raw["expires_on"])
    pdf = render_certificate(CertificateFacts(**raw))
    cached.write_bytes(pdf)
    return pdf


def render_all(facts: list[str], workers: int) -> Iterator[bytes]:
    if workers <= 1 or len(facts) < 50:
        yield from map(_render, facts)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(_render, facts, chunksize=64)


def seed(database_url: str, scale: float = 1.0, *, reset: bool = False, workers: int = 0) -> Counts:
    """Create the schema (migrations) and fill it; returns the rows written per table."""
    from flask_migrate import upgrade

    from training.extensions import db

    with bench_app(database_url) as app:
        if reset:
            existing = MetaData()
            existing.reflect(db.engine)
            existing.drop_all(db.engine)
        upgrade()
        if db.session.scalar(text('SELECT count(*) FROM "user"')):
            raise SystemExit("The database already has accounts: use --reset to start again.")
        counts = _fill(app, db, Sizes.at(scale), workers or os.cpu_count() or 1)
        # the quiz attempts went in without grading: work out the statistics' tallies from them
        from training.learning.quiz_tallies import recount

        recount()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            _advance_sequences(db)
        return counts


def _advance_sequences(db: Any) -> None:
    """Explicit ids were inserted: move each id sequence past them."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if "id" in table.c:
                # table names come from our own models, never from input
                statement = (
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                    f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                )
                connection.execute(text(statement))
    # Settle the new rows now (visibility map, planner statistics), so the autovacuum that a
    # million inserts set off does not run during the measurements.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _ignore(*args: Any, **kwargs: Any) -> None:
    pass


def _fill(app: Any, db: Any, sizes: Sizes, workers: int) -> Counts:
    from certificates import signing
    from certificates.codes import format_code
    from courses.quiz import draw_questions
    from training import content
    from training.auth.passwords import hash_password
    from training.certs import keys
    from training.hours.services import ATTESTATION

    rng = random.Random(20261123)
    counts = Counts()
    today = date.today()
    now = datetime.now(UTC)
    password_hash = hash_password(BENCH_PASSWORD)  # one hash for everyone: argon2 is slow
    library = content.library()
    track = content.store().tracks.track(app.config["DEFAULT_TRACK"])
    assert track is not None, "the bench needs the default track"
    private_key = keys.private_key()
    key_id = signing.key_id(signing.public_key_pem(private_key))
    program = app.config["PROGRAM_NAME"]
    content_versions = {c.id: c.version for c in library.courses if c.id in track.courses}
    validity = timedelta(days=730)

    ids = {"user": 0, "hours_entry": 0, "sign_off": 0, "audit_event": 0, "certificate": 0}
    ids["practice_response"] = 0

    def next_id(table: str) -> int:
        ids[table] += 1
        return ids[table]

    with db.engine.begin() as connection:
        out = Writer(connection, db.metadata, counts)

        def audit(at: datetime, actor: int | None, subject: str, sid: int, action: str,
                  before: str | None = None, after: str | None = None,
                  comment: str | None = None) -> None:  # fmt: skip
            out.add("audit_event", {
                "id": next_id("audit_event"), "at": at, "actor_id": actor,
                "subject_type": subject, "subject_id": sid, "action": action,
                "from_status": before, "to_status": after, "comment": comment,
            })  # fmt: skip

        def user(kind: str, n: int, role: str, **extra: Any) -> int:
            uid = next_id("user")
            out.add("user", {
                "id": uid, "email": email(kind, n), "name": extra.pop("name", _name(rng)),
                "password_hash": password_hash, "role": role, "active": True,
                "must_change_password": False,
                "created_at": extra.pop("created_at", now), "credential": None,
                "cohort_id": None, **extra,
            })  # fmt: skip
            return uid

        leads = [user("lead", n + 1, "lead") for n in range(sizes.leads)]
        supervisors: list[tuple[int, str, str]] = []
        for n in range(sizes.supervisors):
            name = _name(rng)
            credential = f"Certified Peer Recovery Specialist, licence CPRS-{10000 + n}"
            supervisors.append(
                (user("supervisor", n + 1, "supervisor", name=name, credential=credential),
                 name, credential)
            )  # fmt: skip
        out.flush()

        # Cohorts: evenly spread starts, from eight years ago to two months ago.
        first_start = today - timedelta(days=365 * YEARS_OF_COHORTS)
        span = (today - timedelta(days=60) - first_start).days
        cohorts = []
        for c in range(sizes.cohorts):
            start = first_start + timedelta(days=span * c // max(1, sizes.cohorts - 1))
            season = ("Winter", "Spring", "Summer", "Autumn")[(start.month - 1) // 3]
            cohorts.append((c + 1, start))
            out.add("cohort", {
                "id": c + 1, "name": f"Cohort {c + 1:03d} ({season} {start.year})",
                "start_date": start, "track_id": track.id, "created_at": _at(start, rng),
            })  # fmt: skip
        out.flush()

        certificates_to_render: list[tuple[int, str]] = []
        certificate_rows: list[dict[str, Any]] = []
        replaced_by: dict[int, int] = {}
        assignment_id = 0
        attempt_id = 0
        progress_id = 0
        for t in range(sizes.trainees):
            cohort_id, start = cohorts[t * sizes.cohorts // sizes.trainees]
            sup_a, sup_b = supervisors[2 * (cohort_id - 1)], supervisors[2 * (cohort_id - 1) + 1]
            name = _name(rng)
            uid = user("trainee", t + 1, "trainee", name=name, cohort_id=cohort_id,
                       created_at=_at(start, rng))  # fmt: skip
            for sup in (sup_a, sup_b):
                assignment_id += 1
                out.add("supervisor_assignment", {
                    "id": assignment_id, "trainee_id": uid, "supervisor_id": sup[0],
                    "assigned_by_id": leads[0], "assigned_at": _at(start, rng),
                })  # fmt: skip
                audit(_at(start, rng), leads[0], "user", uid, "supervisor assigned",
                      comment=sup[1])  # fmt: skip

            # A year of training after the cohort starts; the newest cohorts are part-way.
            age = (today - start).days
            finished_training = age > 365
            course_share = 1.0 if finished_training else age / 365
            courses_done = round(len(library.courses) * course_share)

            # Reading and quizzes.
            for index, course in enumerate(library.courses):
                complete = index < courses_done
                day = start + timedelta(days=min(age - 1, 20 + index * 60))
                for module in course.modules:
                    progress_id += 1
                    out.add("module_progress", {
                        "id": progress_id, "user_id": uid, "course_id": course.id,
                        "module_id": module.id, "last_viewed_at": _at(day, rng),
                        "completed_at": _at(day, rng, 10) if complete else None,
                    })  # fmt: skip
                for attempt in range(ATTEMPTS_PER_COURSE):
                    attempt_id += 1
                    seed = rng.randrange(2**31)
                    question_ids = draw_questions(course.quiz, seed)
                    passed = complete and attempt == ATTEMPTS_PER_COURSE - 1
                    right = len(question_ids) if passed else rng.randrange(len(question_ids) - 1)
                    correct = question_ids[:right]
                    answers = {}
                    for qid in question_ids:
                        question = course.quiz.question(qid)
                        assert question is not None
                        key = sorted(question.answer)
                        wrong = sorted(question.option_ids - question.answer)[:1] or key
                        answers[qid] = key if qid in correct else wrong
                    taken = _at(day + timedelta(days=attempt), rng, 14)
                    out.add("quiz_attempt", {
                        "id": attempt_id, "user_id": uid, "course_id": course.id,
                        "content_version": course.version, "seed": seed,
                        "question_ids": question_ids, "status": "finished", "started_at": taken,
                        "submitted_at": taken + timedelta(minutes=12), "answers": answers,
                        "correct_ids": correct, "correct_count": right,
                        "score_percent": round(100 * right / len(question_ids), 1),
                        "passed": passed,
                    })  # fmt: skip
                # A completed course's practice: each exercise accepted at the first try.
                for exercise in course.exercises if complete else ():
                    out.add("practice_response", {
                        "id": next_id("practice_response"), "trainee_id": uid,
                        "course_id": course.id, "exercise_id": exercise.id, "attempt": 1,
                        "text": "It sounds like that hurt. Have I got that right?",
                        "status": "accepted", "content_version": course.version,
                        "submitted_at": _at(day, rng, 11), "reviewer_id": sup_a[0],
                        "reviewed_at": _at(day, rng, 16),
                        "ratings": {str(i): True for i in range(len(exercise.criteria))},
                    })  # fmt: skip

            # Hours: supervision and supervised practice through the training year.
            last_day = min(start + timedelta(days=365), today - timedelta(days=1))
            spread = max(1, (last_day - start).days)
            for e in range(ENTRIES_PER_TRAINEE):
                entry_id = next_id("hours_entry")
                supervision = e % SUPERVISION_EVERY == 0
                day = start + timedelta(days=spread * e // ENTRIES_PER_TRAINEE)
                sup = sup_a if e % 2 else sup_b
                if supervision:
                    n = e // SUPERVISION_EVERY
                    domains = SUPERVISION_DOMAINS[n % len(SUPERVISION_DOMAINS)]
                    kind = "group_supervision" if n % 3 == 2 else "individual_supervision"
                    minutes = SUPERVISION_MINUTES
                else:
                    domains = [DOMAIN_IDS[e % 4]]
                    kind, minutes = "supervised_practice", PRACTICE_MINUTES
                recent = (today - day).days <= 30
                if not recent:
                    status = "approved"
                else:
                    status = rng.choices(
                        ("submitted", "draft", "returned", "approved"), (6, 3, 1, 2)
                    )[0]
                created = _at(day, rng, 18)
                submitted = created + timedelta(hours=2)
                acted = submitted + timedelta(days=rng.randrange(1, 6))
                out.add("hours_entry", {
                    "id": entry_id, "trainee_id": uid, "supervisor_id": sup[0], "day": day,
                    "minutes": minutes, "kind": kind, "method": METHODS[e % 3],
                    "domains": domains, "notes": NOTES[e % len(NOTES)], "status": status,
                    "return_comment": RETURN_COMMENT if status == "returned" else None,
                    "created_at": created, "updated_at": acted if status != "draft" else created,
                    "submitted_at": submitted if status != "draft" else None,
                })  # fmt: skip
                audit(created, uid, "hours_entry", entry_id, "created", after="draft")
                if status == "draft":
                    continue
                audit(submitted, uid, "hours_entry", entry_id, "submitted", "draft", "submitted")
                if status == "returned":
                    audit(acted, sup[0], "hours_entry", entry_id, "returned", "submitted",
                          "returned", RETURN_COMMENT)  # fmt: skip
                elif status == "approved":
                    out.add("sign_off", {
                        "id": next_id("sign_off"), "entry_id": entry_id,
                        "supervisor_id": sup[0], "supervisor_name": sup[1],
                        "supervisor_credential": sup[2], "attestation": ATTESTATION,
                        "signed_at": acted, "voided_at": None, "voided_by_id": None,
                        "void_reason": None,
                    })  # fmt: skip
                    audit(acted, sup[0], "hours_entry", entry_id, "approved", "submitted",
                          "approved", ATTESTATION)  # fmt: skip

            if not finished_training:
                continue
            signed_on = start + timedelta(days=300)
            out.add("track_signature", {
                "id": t + 1, "user_id": uid, "track_id": track.id,
                "text_version": track.attestation.version if track.attestation else "",
                "statement": track.attestation.statement if track.attestation else "",
                "signed_at": _at(signed_on, rng),
            })  # fmt: skip

            # Certificates: issued a year in, renewed every two years (unless lapsed),
            # now and then re-issued for a name correction or revoked.
            issued_on = start + timedelta(days=366)
            # Trainees awaiting issue draw their certificates all the same (and throw them away),
            # so everyone else's codes, and the PDF cache, stay as they were.
            awaiting = t % AWAITING_ISSUE_EVERY == 0
            note = _ignore if awaiting else audit
            kind, previous = "initial", None
            lapses = rng.random() < LAPSE_SHARE
            while issued_on <= today:
                cid = next_id("certificate")
                code = _code(rng)
                payload = {
                    "v": 1, "code": code, "holder": name, "track": track.id,
                    "track_title": track.title, "program": program,
                    "issued_on": issued_on.isoformat(),
                    "expires_on": (issued_on + validity).isoformat(), "kind": kind,
                    "replaces": previous[1] if previous else None,
                    "content_versions": content_versions,
                    "approved_minutes": {"supervised_practice": PRACTICE_TOTAL,
                                         "supervision": SUPERVISION_TOTAL},
                    "issued_by": "Program lead",
                    "verify_url": f"{PUBLIC_BASE_URL}/verify/{format_code(code)}",
                    "key_id": key_id,
                }  # fmt: skip
                issued_at = _at(issued_on, rng, 11)
                revoked = rng.random() < REVOKE_SHARE
                row = {
                    "id": cid, "code": code, "user_id": uid, "holder_name": name,
                    "track_id": track.id, "track_title": track.title, "issued_on": issued_on,
                    "expires_on": issued_on + validity, "kind": kind,
                    "payload": signing.canonical(payload).decode(),
                    "signature": signing.sign(payload, private_key), "key_id": key_id,
                    "issued_by_id": leads[0], "issued_at": issued_at,
                    "revoked_at": issued_at + timedelta(days=90) if revoked else None,
                    "revoked_by_id": leads[0] if revoked else None,
                    "revoke_category": "misconduct" if revoked else None,
                    "revoke_reason": "Bench data: a conduct concern." if revoked else None,
                    "replaced_by_id": None, "superseded_at": None, "pdf": b"",
                }  # fmt: skip
                if not awaiting:
                    certificate_rows.append(row)
                    certificates_to_render.append((cid, json.dumps({
                        "holder_name": name, "track_title": track.title, "program_name": program,
                        "signatory_name": "Program lead", "signatory_role": "Program lead",
                        "issued_on": issued_on.isoformat(),
                        "expires_on": (issued_on + validity).isoformat(),
                        "code": format_code(code), "verify_url": payload["verify_url"],
                    }, sort_keys=True)))  # fmt: skip
                note(issued_at, leads[0], "certificate", cid, "issued", after="valid",
                      comment=f"{format_code(code)} for {name}")  # fmt: skip
                if previous is not None:
                    replaced_by[previous[0]] = cid
                    previous[2]["superseded_at"] = issued_at
                    note(issued_at, leads[0], "certificate", previous[0], "replaced",
                          "valid", "replaced")  # fmt: skip
                if revoked:
                    note(row["revoked_at"], leads[0], "certificate", cid, "revoked",
                          "valid", "revoked", "Conduct or ethics concern")  # fmt: skip
                    break
                if rng.random() < REISSUE_SHARE:
                    kind, issued_on = "reissue", issued_on + timedelta(days=45)
                elif lapses:
                    break
                else:
                    kind, issued_on = "renewal", issued_on + timedelta(days=700)
                previous = (cid, code, row)
            if t % 500 == 499:
                print(f"  {t + 1:,} trainees", file=sys.stderr, flush=True)
        out.flush()
        # A certificate points forward to the one that replaced it: insert them all, then fill
        # in the links and the rendered PDFs.
        certificate = db.metadata.tables["certificate"]
        for n in range(0, len(certificate_rows), Writer.BATCH):
            connection.execute(insert(certificate), certificate_rows[n : n + Writer.BATCH])
        counts.add("certificate", len(certificate_rows))
        started = time.perf_counter()
        ids_in_order = [cid for cid, _ in certificates_to_render]
        for n, pdf in enumerate(render_all([f for _, f in certificates_to_render], workers)):
            cid = ids_in_order[n]
            connection.execute(
                certificate.update()
                .where(certificate.c.id == cid)
                .values(pdf=pdf, replaced_by_id=replaced_by.get(cid))
            )
            if n % 2000 == 1999:
                print(f"  {n + 1:,} certificate PDFs ({time.perf_counter() - started:.0f} s)",
                      file=sys.stderr, flush=True)  # fmt: skip
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: bench/.work/bench.sqlite3")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 trainees")
    parser.add_argument("--reset", action="store_true", help="drop every table first")
    parser.add_argument("--workers", type=int, default=0, help="PDF rendering processes")
    args = parser.parse_args(argv)
    url = args.database_url or default_database_url()
    started = time.perf_counter()
    counts = seed(url, args.scale, reset=args.reset, workers=args.workers)
    elapsed = time.perf_counter() - started
    for table, n in sorted(counts.rows.items()):
        print(f"{table:<24} {n:>10,}")
    print(f"seeded {url} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
