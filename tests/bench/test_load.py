"""The benchmark path at a small size: seed, serve with gunicorn, drive with wrk, and (on
PostgreSQL) two app servers side by side. The real figures come from ``python -m bench.load``;
this keeps that path working, so a change that breaks it fails here."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import MetaData, create_engine

from bench import cpu, load, replay, scaleout, seed
from tests.helpers import TEST_DATABASE_URL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt install wrk)"),
]

PAGES = {
    "hello_world",
    "one_query",
    "module_page",
    "quiz_submission",
    "trainee_dashboard",
    "supervisor_queue",
    "cohort_dashboard",
    "verify_page",
    "verify_json",
    "certificate_pdf",
}


def _drop_everything(url: str) -> None:
    from training.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def bench_database(tmp_path_factory):
    """A small seeded program (40 trainees in 2 cohorts) in its own work folder, for the
    tests of this module (seeding takes seconds)."""
    folder = tmp_path_factory.mktemp("bench")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENCH_WORK", str(folder))
        patch.setenv("BENCH_REDIS_URL", "memory://")
        url = TEST_DATABASE_URL or f"sqlite:///{folder}/bench.sqlite3"
        counts = seed.seed(url, scale=0.004, reset=True, workers=1)
        assert counts.rows["user"] == 40 + 4 + 3  # trainees, supervisors, leads
        assert counts.rows["hours_entry"] == 40 * seed.ENTRIES_PER_TRAINEE
        assert counts.rows["certificate"] > 0 and counts.rows["sign_off"] > 0
        yield url
        if TEST_DATABASE_URL:
            _drop_everything(url)  # the rest of the suite makes its own schema


def test_the_seeded_program_is_consistent(bench_database):
    """Finished trainees really meet the track (certified or awaiting issue); newer ones don't."""
    from sqlalchemy import select

    from bench.settings import bench_app
    from training.certs import services
    from training.extensions import db
    from training.hours.services import track_for
    from training.models import User

    with bench_app(bench_database):
        people = {
            u.email: u for u in db.session.scalars(select(User).where(User.role == "trainee"))
        }
        awaiting = people[seed.email("trainee", 1)]  # the first finished trainee awaits issue
        certified = people[seed.email("trainee", 2)]
        newer = people[seed.email("trainee", 40)]
        for person, eligible, certificates in ((awaiting, True, 0), (newer, False, 0)):
            assert services.checklist(person, track_for(person)).eligible is eligible
            assert len(services.certificates_of(person)) == certificates
        assert services.current_certificate(certified, track_for(certified)) is not None or any(
            c.revoked_at for c in services.certificates_of(certified)
        )


def test_every_page_answers_rightly_every_time(bench_database):
    """Each page is measured by a number of answers, not for a number of seconds (a busy
    machine only makes the run longer); every answer is the right one, and the quiz
    submissions measured after a warm-up are ones the app grades for the first time. Two
    rounds: the second builds its own plans (fresh quiz attempts) and still has no errors."""
    results = load.run(
        bench_database,
        connections=2,
        size=150,
        rounds=2,
        requests=20,
        warmup_requests=10,
        timeout=60,  # a cold worker's first page on a loaded machine; a hang still ends
    )
    by_page = {r.page: r for r in results}
    assert set(by_page) == PAGES
    for result in results:
        assert result.requests >= 20, result.page
        assert result.errors == 0, (result.page, result.sample_error)
        assert result.replays == 0, result.page
        assert result.p95_ms >= result.p50_ms > 0
        assert result.peak_mib > 10  # a real worker's memory was read
    assert by_page["quiz_submission"].wrapped == 0  # every submission a different attempt
    assert by_page["hello_world"].hello_ratio == 1.0
    assert by_page["one_query"].floor_ratio == 1.0
    table = load.table(results)
    assert "cohort_dashboard" in table and "×hello" in table


def test_a_replayed_quiz_submission_counts_as_an_error(bench_database):
    """The app answers a submission it has graded already with a cheap redirect: a plan sent
    again from its first line counts every such answer as a replay, and as an error."""
    from bench import plans
    from bench.settings import bench_app, server_environment, work

    with bench_app(bench_database) as app:
        # far more lines than the run answers: wrk stops a moment after its count (a busy
        # machine stops it later), and a plan it ran past the end of would be sent again
        (quiz,) = [p for p in plans.build(app, 400, seed=11) if p.name == "quiz_submission"]
    path = quiz.write(work() / "plans-replayed")
    drive = replay.answering(replay.Drive(warmup=0, connections=2, requests=10, timeout=60), quiz)
    port = load.free_port()
    with load.gunicorn("wsgi:app", port, server_environment(bench_database)) as server:
        first = replay.measure("quiz_submission", path, port, [server.pid], drive)
        again = replay.measure("quiz_submission", path, port, [server.pid], drive)
    assert first.wrapped == 0, "the plan was too short for this run"
    assert (first.errors, first.replays) == (0, 0), first.sample_error
    assert first.requests >= 10
    assert again.replays >= 10  # the first ten lines, each answered before
    assert again.errors >= again.replays
    assert again.sample_error.startswith("replay: 302 /learn/attempts/")
    assert "replays" in load.check_targets([again])[0]


def test_the_apps_own_cpu_time_is_measured_per_page(bench_database, capsys):
    assert cpu.main(["--database-url", bench_database, "--requests", "3", "--size", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    figures = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert set(figures) == PAGES - {"hello_world", "one_query", "quiz_submission"}
    for page, (least, median) in figures.items():
        assert 0 < float(least) <= float(median), page


def test_each_page_keeps_its_fastest_round_and_the_errors_of_all_rounds():
    rounds = [
        load.Result("hello_world", 100, 1.0, 100.0, 1.0, 2.0, 0, 50.0),
        load.Result("module_page", 30, 1.0, 30.0, 3.0, 6.0, 1, 90.0),
        load.Result("hello_world", 80, 1.0, 80.0, 1.2, 2.5, 0, 50.0),
        load.Result("module_page", 40, 1.0, 40.0, 2.5, 5.0, 0, 91.0),
    ]
    kept = {r.page: r for r in load.with_ratios(load.fastest_rounds(rounds))}
    assert kept["hello_world"].per_second == 100.0
    assert (kept["module_page"].per_second, kept["module_page"].p95_ms) == (40.0, 5.0)
    assert kept["module_page"].errors == 1  # an error in a slower round still counts
    assert kept["module_page"].hello_ratio == 0.4


def test_targets_are_checked_against_the_figures():
    slow = load.Result("certificate_pdf", 10, 1.0, 10.0, 4.0, 9.0, 0, 80.0)
    fine = load.Result("verify_page", 10, 1.0, 10.0, 1.0, 2.0, 0, 80.0, hello_ratio=0.6)
    failing = load.Result("module_page", 10, 1.0, 10.0, 1.0, 2.0, 3, 80.0, hello_ratio=0.5)
    misses = load.check_targets([slow, fine, failing])
    assert misses == [
        "certificate_pdf: p95_ms 9.0 (target 5.0)",
        "module_page: 3 errors (first: socket)",
    ]


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="two app servers share PostgreSQL")
def test_two_app_servers_share_sessions_certificates_and_the_throttle(bench_database, monkeypatch):
    monkeypatch.setenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    assert scaleout.main(["--database-url", bench_database, "--requests", "40"]) == 0
