"""Drive the site over HTTP at real scale and print what it measures.

    python -m bench.load                                   # the SQLite data set of bench.seed
    python -m bench.load --database-url postgresql://postgres@127.0.0.1/bench

It serves the app with gunicorn (2 sync workers on 127.0.0.1), and wrk replays a plan of
requests for each page: a module page, a quiz submission, the trainee dashboard (with the
eligibility summary), the supervisor's queue, the lead's cohort dashboard (first page), the
verification page and its JSON, and a certificate PDF download. Before them it measures two
floors on the same gunicorn settings: plain Flask "hello world" and a page with one template and
one query. For each page it prints its throughput as a ratio to both floors, p50 and p95 latency,
the error count (any status but the expected one, any socket error, and any replay: an answer
saying the app had seen the request before) and the workers' peak memory, then checks the
targets. Each page's warm-up and measured run take different lines of its plan, so every
measured quiz submission is one the app has not graded before. ``--json FILE`` keeps the
figures; ``--rounds N`` measures everything N times and keeps each page's fastest round (a
shared machine's noise only slows); ``--requests N`` measures N answers a page, however long
they take, instead of ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path

from bench.plans import Plan
from bench.replay import Drive, Result, answering, measure
from bench.settings import ROOT, bench_app, default_database_url, server_environment, work

#: page -> (figure, limit): what the issue asks of this 2-core machine
TARGETS = {
    "module_page": ("hello_ratio", 0.35),
    "verify_page": ("hello_ratio", 0.5),
    "quiz_submission": ("p95_ms", 50.0),
    "cohort_dashboard": ("p95_ms", 150.0),
    "certificate_pdf": ("p95_ms", 5.0),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(
    app: str, port: int, env: dict[str, str], workers: int = 2
) -> Iterator[subprocess.Popen[bytes]]:
    """A gunicorn server of ``app`` on 127.0.0.1:port, stopped on leaving."""
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app,
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 (our own command)
    try:
        _wait_until_up(port, server)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within a minute")


def _floor_plan(folder: Path) -> Path:
    path = folder / "floor.plan"
    path.write_text("GET\t/\t\t\n")
    return path


def run(
    database_url: str,
    *,
    seconds: float = 10,
    warmup: float = 2,
    connections: int = 4,
    threads: int = 2,
    size: int = 4000,
    pages: list[str] | None = None,
    rounds: int = 1,
    requests: int = 0,
    warmup_requests: int = 0,
    timeout: float = 10,
) -> list[Result]:
    """Measure the floors, then every page, ``rounds`` times over (see ``fastest_rounds``); the
    quiz plan opens ``size`` attempts a round. With ``requests``, each page is measured until
    it has that many answers (and warmed up with ``warmup_requests``), however long it takes."""
    from bench import plans

    folder = work() / "plans"
    drive = Drive(
        seconds=seconds,
        warmup=warmup,
        connections=connections,
        threads=threads,
        requests=requests,
        warmup_requests=warmup_requests,
        timeout=timeout,
    )
    results: list[Result] = []
    for round_ in range(rounds):
        with bench_app(database_url) as app:
            chosen = [
                p for p in plans.build(app, size, seed=round_ + 1) if not pages or p.name in pages
            ]
        files = {p.name: (p.write(folder), p) for p in chosen}
        results += _one_round(database_url, files, folder, drive)
    return with_ratios(fastest_rounds(results))


def fastest_rounds(results: list[Result]) -> list[Result]:
    """Each page's figures from its fastest round, with the errors of every round: on a shared
    machine a neighbour's load only ever slows a round down, so the fastest round is the one
    closest to what the code can do (as ``timeit`` keeps the best time)."""
    best: dict[str, Result] = {}
    errors: dict[str, int] = {}
    replays: dict[str, int] = {}
    for result in results:
        errors[result.page] = errors.get(result.page, 0) + result.errors
        replays[result.page] = replays.get(result.page, 0) + result.replays
        if result.page not in best or result.per_second > best[result.page].per_second:
            best[result.page] = result
    return [replace(r, errors=errors[r.page], replays=replays[r.page]) for r in best.values()]


def _one_round(
    database_url: str, files: dict[str, tuple[Path, Plan]], folder: Path, drive: Drive
) -> list[Result]:
    env = server_environment(database_url)
    results = []
    floor = _floor_plan(folder)
    for name, target in (
        ("hello_world", "bench.floors:hello"),
        ("one_query", "bench.floors:one_query()"),
    ):
        port = free_port()
        with gunicorn(target, port, env) as server:
            results.append(measure(name, floor, port, [server.pid], drive))
    port = free_port()
    with gunicorn("wsgi:app", port, env) as server:
        for name, (path, plan) in files.items():
            results.append(measure(name, path, port, [server.pid], answering(drive, plan)))
    return results


def with_ratios(results: list[Result]) -> list[Result]:
    by_name = {r.page: r for r in results}
    hello = by_name.get("hello_world")
    floor = by_name.get("one_query")
    for result in results:
        if hello and hello.per_second:
            result.hello_ratio = round(result.per_second / hello.per_second, 3)
        if floor and floor.per_second:
            result.floor_ratio = round(result.per_second / floor.per_second, 3)
    return results


def table(results: list[Result]) -> str:
    lines = [
        f"{'page':<18} {'req/s':>8} {'×hello':>7} {'×floor':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>6} {'peak MiB':>9}"
    ]
    for r in results:
        hello = f"{r.hello_ratio:.2f}" if r.hello_ratio else "–"
        floor = f"{r.floor_ratio:.2f}" if r.floor_ratio else "–"
        lines.append(
            f"{r.page:<18} {r.per_second:>8.1f} {hello:>7} {floor:>7} "
            f"{r.p50_ms:>8.2f} {r.p95_ms:>8.2f} {r.errors:>6} {r.peak_mib:>9.1f}"
        )
    return "\n".join(lines)


def check_targets(results: list[Result]) -> list[str]:
    """What misses its target (the issue's numbers for this 2-core machine), and any error."""
    misses = []
    for r in results:
        if r.errors:
            replays = f", {r.replays} of them replays" if r.replays else ""
            if r.replays and r.wrapped:
                replays += " (the plan ran out: give a larger --size)"
            first = r.sample_error or "socket"
            misses.append(f"{r.page}: {r.errors} errors{replays} (first: {first})")
        if r.page in TARGETS:
            figure, limit = TARGETS[r.page]
            value = getattr(r, figure)
            ok = value >= limit if figure == "hello_ratio" else value < limit
            if not ok:
                misses.append(f"{r.page}: {figure} {value} (target {limit})")
    return misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: bench/.work/bench.sqlite3")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds first")
    parser.add_argument(
        "--requests", type=int, default=0, help="measure this many answers a page, not --seconds"
    )
    parser.add_argument(
        "--warmup-requests", type=int, default=0, help="unmeasured answers first, not --warmup"
    )
    parser.add_argument("--connections", type=int, default=4, help="open connections (wrk -c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--size", type=int, default=4000, help="requests in each plan")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure everything this often, keep the fastest"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    url = args.database_url or default_database_url()
    results = run(
        url,
        seconds=args.seconds,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        size=args.size,
        pages=args.page,
        rounds=args.rounds,
        requests=args.requests,
        warmup_requests=args.warmup_requests,
    )
    each = f"{args.requests} answers" if args.requests else f"{args.seconds:g} s"
    print(f"database: {url.split('@')[-1]}; gunicorn 2 sync workers; wrk -t{args.threads} "
          f"-c{args.connections}, {each} a page, fastest of {args.rounds} round(s)")  # fmt: skip
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    misses = check_targets(results)
    for miss in misses:
        print("MISSED", miss)
    print("all targets met, no errors" if not misses else f"{len(misses)} target(s) missed")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
