"""Two app servers side by side on one PostgreSQL and one Redis, as a real deployment runs.

    python -m bench.scaleout --database-url postgresql://postgres@127.0.0.1/bench

Starts two gunicorn instances (2 workers each) on different ports and checks, over HTTP:

1. a trainee who signs in on one server carries on on the other (sessions are signed cookies);
2. a certificate a lead issues through one server downloads and verifies through the other
   (the PDF is stored in the database; the signature checks against the public key);
3. the sign-in throttle counts failures across both servers (the counters live in Redis):
   failures alternate between the servers and the address is stopped after the limit in all;
4. a load run with wrk's threads alternating between the two servers, on the module page,
   quiz submission, the cohort dashboard, verification and downloads, with zero errors.

The data set must come from ``bench.seed`` (it has trainees eligible for a certificate).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from bench.load import free_port, gunicorn, table
from bench.replay import Drive, Result, answering, measure
from bench.settings import BENCH_PASSWORD, bench_app, redis_url, server_environment, work

#: the bench servers' throttle: failed sign-ins allowed from one address (the app's default)
FAILURES_PER_ADDRESS = 10


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Browser:
    """A person's browser: one cookie jar, whichever server it talks to."""

    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def open(self, port: int, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def csrf(self, port: int, path: str) -> str:
        status, body = self.open(port, path)
        match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
            rb'name="csrf_token" value="([^"]+)"', body
        )
        if match is None:
            raise AssertionError(f"no form token on {path} (status {status})")
        return match.group(1).decode()

    def sign_in(self, port: int, email: str, password: str = BENCH_PASSWORD) -> int:
        token = self.csrf(port, "/login")
        status, _ = self.open(
            port, "/login", {"csrf_token": token, "email": email, "password": password}
        )
        return status


def check(condition: bool, message: str) -> None:
    print(("ok    " if condition else "FAILED ") + message)
    if not condition:
        raise SystemExit(1)


def sessions_cross_servers(a: int, b: int, email: str, name: str) -> None:
    browser = Browser()
    check(browser.sign_in(a, email) == 302, f"{email} signs in on :{a}")
    status, body = browser.open(b, "/learn/")
    check(status == 200 and name.encode() in body, f"…and carries on on :{b} (their dashboard)")
    status, _ = browser.open(b, "/learn/empathy/what-empathy-is")
    check(status == 200, f"…reads a module on :{b}")
    token = browser.csrf(b, "/learn/")
    copied = Browser()  # someone holding a copy of the session cookie from before sign-out
    for cookie in browser.jar:
        copied.jar.set_cookie(cookie)
    status, _ = browser.open(a, "/logout", {"csrf_token": token})
    status, _ = browser.open(b, "/learn/")
    check(status == 302, f"…signs out on :{a} and is signed out on :{b} too")
    status, _ = copied.open(b, "/learn/")
    check(status == 302, f"…and a copy of the session cookie no longer works on :{b}")


def certificate_cross_servers(a: int, b: int, database_url: str) -> None:
    from sqlalchemy import select

    from certificates import signing
    from training.extensions import db
    from training.models import Certificate, Role, TrackSignature, User

    with bench_app(database_url):
        certified = select(Certificate.user_id)
        trainee = db.session.scalar(
            select(User)
            .join(TrackSignature, TrackSignature.user_id == User.id)
            .where(User.role == Role.TRAINEE, User.id.not_in(certified))
            .order_by(User.id)
            .limit(1)
        )
        lead = db.session.scalar(select(User).where(User.role == Role.LEAD).order_by(User.id))
        if trainee is None or lead is None:
            raise SystemExit("No trainee awaits a certificate: seed again (python -m bench.seed)")
        trainee_email, trainee_id, lead_email = trainee.email, trainee.id, lead.email

    lead_browser = Browser()
    check(lead_browser.sign_in(a, lead_email) == 302, f"the lead signs in on :{a}")
    token = lead_browser.csrf(a, f"/lead/people/{trainee_id}")
    status, _ = lead_browser.open(
        a, f"/lead/people/{trainee_id}/certificate", {"csrf_token": token}
    )
    with bench_app(database_url):
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.user_id == trainee_id)
        )
        check(status == 302 and certificate is not None, f"…issues a certificate on :{a}")
        assert certificate is not None
        certificate_id, code = certificate.id, certificate.code

    holder = Browser()
    check(holder.sign_in(b, trainee_email) == 302, f"the holder signs in on :{b}")
    status, pdf = holder.open(b, f"/certificates/{certificate_id}.pdf")
    check(status == 200 and pdf.startswith(b"%PDF"), f"…downloads the PDF on :{b}")
    status, raw = Browser().open(b, f"/verify/{code}.json")
    answer = json.loads(raw)
    check(status == 200 and answer["status"] == "valid", f"anyone verifies it on :{b}: valid")
    status, public_pem = Browser().open(a, "/verify/public-key.pem")
    good = signing.verify(answer["payload"], answer["signature"], public_pem)
    check(good, f"…and its signature checks with the public key from :{a}")


def throttle_counts_across_servers(a: int, b: int, email: str) -> None:
    browser = Browser()
    statuses = []
    for attempt in range(FAILURES_PER_ADDRESS):
        port = a if attempt % 2 == 0 else b
        token = browser.csrf(port, "/login")
        # a different account each time: the address's count, not one account's, is checked
        guess = {"email": f"nobody{attempt}@bench.example.org", "password": "wrong password"}
        status, _ = browser.open(port, "/login", {"csrf_token": token, **guess})
        statuses.append(status)
    check(all(s == 200 for s in statuses), f"{FAILURES_PER_ADDRESS} failed sign-ins, alternating")
    for port in (a, b):
        token = browser.csrf(port, "/login")
        status, _ = browser.open(
            port, "/login", {"csrf_token": token, "email": email, "password": BENCH_PASSWORD}
        )
        check(status == 429, f"…then :{port} turns the address away (429), the right password too")


def flush_throttle_counters() -> None:
    """The bench's Redis database holds only the bench's counters: start from none."""
    import redis

    redis.Redis.from_url(redis_url()).flushdb()


def load(
    a: int, b: int, masters: list[int], database_url: str, seconds: float, requests: int = 0
) -> list[Result]:
    from bench import plans

    wanted = {
        "module_page",
        "quiz_submission",
        "cohort_dashboard",
        "verify_json",
        "certificate_pdf",
    }
    with bench_app(database_url) as app:
        chosen = [p for p in plans.build(app, 2000, seed=7) if p.name in wanted]
    results = []
    for plan in chosen:
        path = plan.write(work() / "plans-scaleout")
        # wrk's two threads, four connections each, one thread on each server
        drive = Drive(seconds, 1, connections=8, threads=2, ports=(a, b), requests=requests,
                      warmup_requests=requests // 2)  # fmt: skip
        results.append(measure(plan.name, path, a, masters, answering(drive, plan)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL, seeded by bench.seed")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per page")
    parser.add_argument(
        "--requests", type=int, default=0, help="measure this many answers a page, not --seconds"
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql")):
        raise SystemExit("Several app servers share PostgreSQL: give a postgresql:// URL.")
    flush_throttle_counters()
    env = server_environment(args.database_url)
    a, b = free_port(), free_port()
    with gunicorn("wsgi:app", a, env) as one, gunicorn("wsgi:app", b, env) as two:
        print(f"two app servers: :{a} and :{b}, one PostgreSQL, one Redis")
        sessions_cross_servers(a, b, "trainee1@bench.example.org", _name_of(args.database_url))
        certificate_cross_servers(a, b, args.database_url)
        results = load(a, b, [one.pid, two.pid], args.database_url, args.seconds, args.requests)
        print(table(results))
        errors = sum(r.errors for r in results)
        check(errors == 0, f"load alternating between :{a} and :{b}: {errors} errors")
        throttle_counts_across_servers(a, b, "trainee2@bench.example.org")
    return 0


def _name_of(database_url: str) -> str:
    from sqlalchemy import select

    from training.extensions import db
    from training.models import User

    with bench_app(database_url):
        name = db.session.scalar(
            select(User.name).where(User.email == "trainee1@bench.example.org")
        )
    if name is None:
        raise SystemExit("Seed the database first: python -m bench.seed --database-url …")
    return name


if __name__ == "__main__":
    sys.exit(main())
