"""Replaying a request plan with wrk (``replay.lua``) against running app servers and reading
back its figures: for a number of seconds or until a number of answers, from a given plan line,
checking every answer (status, Location, not a replay) while sampling the workers' memory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from bench.plans import Plan

LUA = Path(__file__).with_name("replay.lua")


@dataclass
class Result:
    page: str
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    peak_mib: float
    wrapped: int = 0
    #: answers saying the app had seen the request before (counted in ``errors`` too)
    replays: int = 0
    hello_ratio: float = 0.0
    floor_ratio: float = 0.0
    sample_error: str = ""


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(p) for p in children.read_text().split()]
    except OSError:
        return []


class MemorySampler:
    """The workers' largest resident memory while a measurement runs (read from /proc)."""

    def __init__(self, masters: list[int]) -> None:
        self.masters = masters
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for master in self.masters:
                for pid in worker_pids(master):
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue
                    for line in status.splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak_kib = max(self.peak_kib, int(line.split()[1]))
            self._stop.wait(0.1)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Drive:
    """How wrk drives a server: for how long (or for how many answers), over how many
    connections and threads, which answers are right (the status, the Location, answered only
    once) and (several servers) the ports its threads take in turn."""

    seconds: float = 10
    warmup: float = 2
    connections: int = 4
    threads: int = 2
    expected: int = 200
    ports: tuple[int, ...] = ()
    #: answers to wait for in the measured run and in the warm-up, however long they take
    #: (0: run for ``seconds`` and ``warmup``); ``deadline`` seconds only catch a hang
    requests: int = 0
    warmup_requests: int = 0
    deadline: float = 300
    #: seconds one request may take before wrk counts it as an error
    timeout: float = 10
    location: str = ""
    once: bool = False


def wrk(
    plan_file: Path, port: int, drive: Drive, seconds: float, *, start: int = 0, answers: int = 0
) -> dict[str, object]:
    """Run wrk over a plan from line ``start`` for ``seconds``, or until it has ``answers``
    answers (``seconds`` then only ends a hang); returns the figures the replay script prints,
    with ``next_line``: the line after the last one it sent."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed (Debian: apt install wrk)")
    env = dict(os.environ, BENCH_PORTS=",".join(map(str, drive.ports)))
    per_thread = -(-answers // drive.threads)  # each thread its share, rounded up
    with tempfile.TemporaryDirectory() as folder:
        tally = Path(folder) / "tally"
        command = [
            binary, f"-t{drive.threads}", f"-c{drive.connections}",
            f"-d{max(1, round(seconds))}s", "--timeout", f"{drive.timeout:g}s", "-s", str(LUA),
            f"http://127.0.0.1:{port}", "--", str(plan_file), str(drive.threads),
            str(drive.expected), str(start), str(per_thread), str(tally),
            drive.location, "once" if drive.once else "",
        ]  # fmt: skip
        stdout, stderr = _until_done(
            command, env, tally if answers else None, drive.threads, seconds + 60
        )
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{stdout}\n{stderr}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def _until_done(
    command: list[str], env: dict[str, str], tally: Path | None, threads: int, limit: float
) -> tuple[str, str]:
    """Run wrk to its end; with a tally file, interrupt it once every thread has marked it
    (has its answers). SIGINT stops wrk as its duration's end does; it is sent again until wrk
    exits, since the first may land on a thread rather than on the one sleeping out the run.
    Killed after ``limit`` seconds (a hang)."""
    give_up = time.monotonic() + limit
    with subprocess.Popen(  # noqa: S603 (our own command)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=0.02)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > give_up:
                    process.kill()
                    raise RuntimeError(f"wrk did not end within {limit:g} s") from None
                if tally is not None and tally.is_file() and len(tally.read_bytes()) >= threads:
                    process.send_signal(signal.SIGINT)
    if process.returncode:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{stdout}\n{stderr}")
    return stdout, stderr


def prime(plan_file: Path, port: int) -> int:
    """Send the plan's first request once, if it only reads (GET), before any clock starts: a
    fresh worker's first-request work (loading the course content, compiling queries) is not
    the page's speed, and on a busy machine it could take a whole short run. Returns the lines
    it used (0 or 1)."""
    first = plan_file.read_text().split("\n", 1)[0]
    method, path, cookie, *_ = [*first.split("\t"), "", "", ""]
    if method != "GET":
        return 0
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (a local server)
            answer.read()
    except urllib.error.HTTPError:
        pass  # the page's status is measured (and checked) by the run itself
    return 1


def measure(name: str, plan_file: Path, port: int, masters: list[int], drive: Drive) -> Result:
    """Warm up, then measure one page while sampling the workers' memory. The measured run
    starts at the plan line after the last one the warm-up sent, so it sends nothing the server
    has seen (a quiz submission answered twice would be a cheap "already submitted")."""
    line = prime(plan_file, port)
    if drive.warmup_requests or drive.warmup:
        warm = wrk(
            plan_file, port, drive, drive.deadline if drive.warmup_requests else drive.warmup,
            start=line, answers=drive.warmup_requests,
        )  # fmt: skip
        line = int(warm["next_line"])  # type: ignore[call-overload]
    with MemorySampler(masters) as memory:
        raw = wrk(
            plan_file, port, drive, drive.deadline if drive.requests else drive.seconds,
            start=line, answers=drive.requests,
        )  # fmt: skip
    duration = int(raw["duration_us"]) / 1e6  # type: ignore[call-overload]
    kinds = ("connect", "read", "write", "timeout", "unexpected", "replays")
    errors = sum(int(raw[k]) for k in kinds)  # type: ignore[call-overload]
    requests = int(raw["requests"])  # type: ignore[call-overload]
    return Result(
        page=name,
        requests=requests,
        seconds=round(duration, 2),
        per_second=round(requests / duration, 1),
        p50_ms=int(raw["p50_us"]) / 1000,  # type: ignore[call-overload]
        p95_ms=int(raw["p95_us"]) / 1000,  # type: ignore[call-overload]
        errors=errors,
        peak_mib=round(memory.peak_kib / 1024, 1),
        wrapped=int(raw["wrapped"]),  # type: ignore[call-overload]
        replays=int(raw["replays"]),  # type: ignore[call-overload]
        sample_error=str(raw.get("sample", "")),
    )


def answering(drive: Drive, plan: Plan) -> Drive:
    """``drive`` checking every answer the way ``plan`` says the right one looks."""
    return replace(drive, expected=plan.expected, location=plan.location, once=plan.once)
