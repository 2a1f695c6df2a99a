"""The audit log's filters: what cannot be used is said next to its box (a 400), what was typed
is kept, and the log is not narrowed by it."""

from __future__ import annotations

import re

import pytest

from tests.helpers import html_of, make_user, sign_in, text_of
from training.models import Role


@pytest.fixture
def lead(client):
    sign_in(client, make_user(Role.LEAD, name="Morgan Lead"))
    return client


def _error_after(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}"[^>]*>.*?<p class="error" id="{field_id}-error">(.*?)</p>',
                      html, re.S)  # fmt: skip
    assert match, f"no error by {field_id}"
    return match.group(1)


def test_a_date_that_is_not_a_date_is_said_by_its_box_and_kept(lead):
    answer = lead.get("/lead/audit?from=bad&to=2026-13-40&person=riley")
    assert answer.status_code == 400
    html = html_of(answer)
    assert "year-month-day" in _error_after(html, "from")
    assert "year-month-day" in _error_after(html, "to")
    assert 'value="bad"' in html and 'value="2026-13-40"' in html
    assert 'value="riley"' in html
    assert 'aria-invalid="true"' in html


def test_an_unknown_subject_is_said_by_its_box(lead):
    answer = lead.get("/lead/audit?subject=bogus")
    assert answer.status_code == 400
    assert "Choose" in _error_after(html_of(answer), "subject")


def test_a_period_ending_before_it_starts_is_said(lead):
    answer = lead.get("/lead/audit?from=2026-03-10&to=2026-03-01")
    assert answer.status_code == 400
    assert "before the start date" in _error_after(html_of(answer), "to")


def test_good_filters_are_a_200_and_kept(lead):
    answer = lead.get("/lead/audit?from=2026-03-01&to=2026-03-31&subject=certificate")
    assert answer.status_code == 200
    html = html_of(answer)
    assert 'value="2026-03-01"' in html and 'value="2026-03-31"' in html
    assert re.search(r'<option selected value="certificate">', html)
    assert 'class="error"' not in html
    assert "events" in text_of(answer) or "event" in text_of(answer)
