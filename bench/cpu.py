"""The app's own CPU time per request, with no server and no load client in the way.

    python -m bench.cpu                                  # every page, the SQLite data set
    python -m bench.cpu --page module_page --requests 3000
    python -m bench.cpu --database-url postgresql://postgres@127.0.0.1/bench
    python -m bench.cpu --page quiz_statistics --page audit_log_deep --requests 50  # see LEAD_PAGES
    python -m bench.cpu --page status_list --page issuer_document --page credential_json

It builds the request plans of ``bench.load`` (``--size`` different people, modules and
certificates a page), sends them round and round straight into the WSGI app in this one
process, and prints the CPU milliseconds a request takes: the least and the median of five
passes. It leaves out gunicorn, the network, the load client and the database server, so a
change to the app's own code shows more plainly than in a load run; the load run stays the
measure of the targets. Quiz submissions are left out (an attempt is submitted once). Repeat
a run before trusting a small difference: the least of several runs is the figure to compare.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.test import EnvironBuilder

from bench.settings import default_database_url, server_environment

PASSES = 5
#: plans whose requests cannot be sent twice (a quiz attempt is submitted once)
ONCE_ONLY = {"quiz_submission"}
#: where an environ keeps its request body, so each sending gets a fresh input stream
BODY = "bench.body"


def environs(plan: Iterable[Any]) -> list[dict[str, Any]]:
    """A WSGI environ for each request of a plan, from the client address the bench uses."""
    built = []
    for request in plan:
        builder = EnvironBuilder(
            path=request.path,
            method=request.method,
            headers={"Cookie": request.cookie} if request.cookie else {},
            data=request.body or None,
            content_type="application/x-www-form-urlencoded" if request.body else None,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        environ = builder.get_environ()
        environ[BODY] = environ["wsgi.input"].read()  # to send again on every round
        built.append(environ)
        builder.close()
    return built


def replay(app: Callable[..., Iterable[bytes]], requests: list[dict[str, Any]], count: int,
           expected: int) -> None:  # fmt: skip
    """Send ``count`` requests, going round the plan; any other status fails the run."""
    statuses: list[str] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        statuses.append(status)

    for i in range(count):
        environ = dict(requests[i % len(requests)])
        environ["wsgi.input"] = io.BytesIO(environ[BODY])
        for _ in app(environ, start_response):
            pass
        status = statuses.pop()
        if not status.startswith(str(expected)):
            raise RuntimeError(f"{environ['PATH_INFO']} answered {status}, not {expected}")


def measure(app: Callable[..., Iterable[bytes]], requests: list[dict[str, Any]], count: int,
            expected: int) -> tuple[float, float]:  # fmt: skip
    """(least, median) CPU milliseconds per request over five passes, after a warm-up pass."""
    replay(app, requests, len(requests), expected)
    passes = []
    for _ in range(PASSES):
        started = time.process_time()
        replay(app, requests, count, expected)
        passes.append((time.process_time() - started) / count * 1000)
    return min(passes), statistics.median(passes)


#: the lead's pages that read across the whole program, measured when named with ``--page``
#: (they are not pages of the load run)
LEAD_PAGES = (
    "quiz_statistics",
    "quiz_statistics_cohort",
    "quiz_item_analysis",
    "quiz_item_analysis_cohort",
    "audit_log_deep",
)


def lead_plans(app: Any, size: int) -> list[Any]:
    """The lead's pages that read across the whole program: the quiz statistics (for everyone,
    and for one cohort; the summary and one quiz question by question) and the audit log nine
    tenths of the way back (page 20,000 of 1.5 million events at scale 1, as in issue 18)."""
    from sqlalchemy import func, select

    from bench.plans import Plan, Request, Sessions
    from training.extensions import db
    from training.models import AuditEvent, Cohort, Role, User

    with app.app_context():
        lead = db.session.scalar(select(User).where(User.role == Role.LEAD).order_by(User.id))
        cookie = Sessions(app).cookie(lead)
        cohorts = list(db.session.scalars(select(Cohort.id).order_by(Cohort.id)))
        events = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 1
        deep = db.session.scalar(
            select(AuditEvent.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .offset(events * 9 // 10)
            .limit(1)
        )
        db.session.commit()  # the lead's login session
    by_cohort = [f"/lead/quizzes?cohort={cohorts[i % len(cohorts)]}" for i in range(size)]
    with app.app_context():
        from training import content

        courses = [c.id for c in content.library().courses]
    # one quiz question by question (issue 21): every trainee's first attempts, or a cohort's
    by_course = [f"/lead/quizzes?course={courses[i % len(courses)]}" for i in range(size)]
    by_both = [f"{by_course[i]}&cohort={cohorts[i % len(cohorts)]}" for i in range(size)]
    return [
        Plan("quiz_statistics", [Request("GET", "/lead/quizzes", cookie)] * size),
        Plan("quiz_statistics_cohort", [Request("GET", path, cookie) for path in by_cohort]),
        Plan("quiz_item_analysis", [Request("GET", path, cookie) for path in by_course]),
        Plan("quiz_item_analysis_cohort", [Request("GET", path, cookie) for path in by_both]),
        Plan("audit_log_deep", [Request("GET", f"/lead/audit?older={deep}", cookie)] * size),
    ]


#: the Open Badges documents (issue 22), measured when named with ``--page``
CREDENTIAL_PAGES = ("status_list", "issuer_document", "credential_json")


def credential_plans(app: Any, size: int) -> list[Any]:
    """What wallets and verifiers fetch: the signed status list (every credential's revocation
    bit) and the issuer's document with its keys; and a holder downloading their credential
    (made and signed on the first download of a certificate issued before credentials were,
    as the bench's seeded ones are: the least of the passes is the stored one's)."""
    from sqlalchemy import select

    from bench.plans import Plan, Request, Sessions
    from training.extensions import db
    from training.models import Certificate, User

    with app.app_context():
        current = list(
            db.session.execute(
                select(Certificate.id, Certificate.user_id)
                .where(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))
                .order_by(Certificate.id)
                .limit(size)
            )
        )
        sessions = Sessions(app)
        holders = {u.id: u for u in db.session.scalars(select(User).where(
            User.id.in_([uid for _, uid in current])))}  # fmt: skip
        downloads = [
            Request("GET", f"/certificates/{cid}/credential.json", sessions.cookie(holders[uid]))
            for cid, uid in current
        ]
        db.session.commit()  # the holders' login sessions
    return [
        Plan("status_list", [Request("GET", "/credentials/status/1")] * size),
        Plan("issuer_document", [Request("GET", "/issuer")] * size),
        Plan("credential_json", downloads),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: bench/.work/bench.sqlite3")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument("--requests", type=int, default=1500, help="requests in each pass")
    parser.add_argument("--size", type=int, default=500, help="different requests in a plan")
    args = parser.parse_args(argv)
    url = args.database_url or default_database_url()
    from bench import plans
    from training import create_app
    from training.extensions import db

    # The app as the bench's servers configure it: production settings, Redis for the limits.
    saved = dict(os.environ)
    os.environ.update(server_environment(url))
    try:
        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    named = set(args.page or ())
    extra = (lead_plans(app, args.size) if named & set(LEAD_PAGES) else []) + (
        credential_plans(app, args.size) if named & set(CREDENTIAL_PAGES) else []
    )
    chosen = [
        p
        for p in plans.build(app, args.size) + extra
        if p.name not in ONCE_ONLY and (not args.page or p.name in args.page)
    ]
    print(f"database: {url.split('@')[-1]}; CPU ms per request, in process, "
          f"{args.requests} requests a pass")  # fmt: skip
    print(f"{'page':<18} {'least':>7} {'median':>7}")
    try:
        for plan in chosen:
            least, median = measure(app, environs(plan.requests), args.requests, plan.expected)
            print(f"{plan.name:<18} {least:>7.3f} {median:>7.3f}")
    finally:
        with app.app_context():
            db.engine.dispose()  # close the pooled connections now, not when collected
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
