"""The race helper fails a test clearly instead of hanging it: a failed preparation stops the
race before it starts, a racer that never finishes is named after the timeout, and an error
that escapes a racer is its outcome."""

from __future__ import annotations

import threading

import pytest

from tests.helpers import race


def _answer(client):  # type: ignore[no-untyped-def]
    return client.get("/login")


def test_every_racer_runs_and_reports_what_it_saw(app):
    outcomes = race(app, *[(lambda c: None, _answer)] * 3)
    assert len(outcomes) == 3 and all(o.startswith("200 ") for o in outcomes), outcomes


def test_a_preparation_that_fails_stops_the_race_at_once(app):
    def sign_in_fails(_client):  # type: ignore[no-untyped-def]
        raise RuntimeError("could not sign in")

    ran = []
    with pytest.raises(RuntimeError, match="could not sign in"):
        race(app, (lambda c: None, lambda c: ran.append(c)), (sign_in_fails, _answer), timeout=30)
    assert ran == []  # nobody was left waiting at the start line, or ran alone


def test_a_racer_that_never_finishes_fails_the_test_by_name(app):
    release = threading.Event()

    def stuck(_client):  # type: ignore[no-untyped-def]
        release.wait(30)  # ends by itself later: the test run never waits for it
        return _answer(_client)

    try:
        with pytest.raises(AssertionError, match=r"racer-1 still running after 1 s \(hung\?\)"):
            race(app, (lambda c: None, _answer), (lambda c: None, stuck), timeout=1)
    finally:
        release.set()


def test_an_error_that_escapes_a_racer_is_its_outcome(app):
    def broken(_client):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    outcomes = race(app, (lambda c: None, _answer), (lambda c: None, broken))
    assert outcomes[0].startswith("200 ")
    assert outcomes[1] == "ERROR ValueError: boom"
