"""The printable summary of approved hours: program, trainee, period, a period filter, and the
stylesheet that puts them in every printed page's margins."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import html_of, make_entry, make_user, sign_in, text_of
from training.hours.exports import css_string
from training.hours.forms import NOT_A_DATE
from training.models import Role

TODAY = datetime.now(UTC).date()


def _long(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day:%-d %B %Y}"


@pytest.fixture
def approved(people):
    trainee, supervisor, _ = people
    recent = make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=10))
    old = make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=40), minutes=120)
    make_entry(trainee, supervisor, "submitted", day=TODAY - timedelta(days=5))
    return recent, old


def test_the_summary_names_the_program_the_trainee_and_the_period(client, people, approved):
    _, old = approved
    sign_in(client, people.trainee)
    response = client.get("/hours/summary")
    page = text_of(response)
    assert "Peer Support Training Program Approved hours: Taylor Trainee" in page
    assert "Trainee Taylor Trainee" in page and "Track Peer Recovery Specialist" in page
    assert f"Period {_long(old.day)} to {_long(TODAY)}" in page
    assert f"Printed {_long(TODAY)}" in page
    assert "Supervision: 3 h" in page  # both approved entries, not the one waiting
    html = html_of(response)
    assert '<link rel="stylesheet" href="/hours/summary-page.css" media="print">' in html
    assert 'name="from"' in html and 'name="to"' in html


def test_a_period_narrows_the_summary_and_its_totals(client, people, approved):
    recent, old = approved
    sign_in(client, people.trainee)
    start, end = TODAY - timedelta(days=20), TODAY - timedelta(days=1)
    response = client.get(f"/hours/summary?from={start.isoformat()}&to={end.isoformat()}")
    page = text_of(response)
    assert f"Period {_long(start)} to {_long(end)}" in page
    assert recent.day.strftime("%d %b %Y") in page and old.day.strftime("%d %b %Y") not in page
    assert "Supervision: 1 h" in page
    assert f"summary-page.css?from={start.isoformat()}&to={end.isoformat()}" in html_of(response)


def test_a_period_without_approved_hours_says_so(client, people, approved):
    sign_in(client, people.trainee)
    page = text_of(client.get(f"/hours/summary?from={TODAY.isoformat()}"))
    assert "No approved hours in this period." in page and "All dates" in page


def test_a_date_that_is_not_a_date_is_explained_and_left_out(client, people, approved):
    _, old = approved
    sign_in(client, people.trainee)
    response = client.get("/hours/summary?from=yesterday")
    assert response.status_code == 400
    assert NOT_A_DATE in text_of(response) and 'value="yesterday"' in html_of(response)
    assert f"Period {_long(old.day)} to {_long(TODAY)}" in text_of(response)


def test_every_printed_page_carries_program_trainee_period_and_page_number(
    client, people, approved
):
    _, old = approved
    sign_in(client, people.trainee)
    response = client.get("/hours/summary-page.css")
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert "@page" in css and 'counter(page) " of " counter(pages)' in css
    for words in (
        "Peer Support Training Program",
        "Approved hours of Taylor Trainee",
        f"Period: {_long(old.day)} to {_long(TODAY)}",
    ):
        assert css_string(words) in css


def test_a_name_cannot_write_css_of_its_own():
    hostile = 'Riley "; } body { display: none } @page { content: "\\'
    written = css_string(hostile)
    assert re.fullmatch(r'"[A-Za-z0-9 \\]*"', written)  # letters, digits, spaces, escapes
    assert "\\000022" in written and "\\00007d" in written  # the quote and the brace, escaped
    assert css_string("Zoë") == '"Zo\\0000eb "'
    assert css_string("a: b") == '"a\\00003a  b"'  # the escape's own space, then the space


@pytest.mark.parametrize("url", ["/hours/summary", "/hours/summary-page.css"])
def test_only_the_trainee_gets_their_summary(app, client, url):
    assert "/login" in client.get(url).headers["Location"]
    for role in (Role.SUPERVISOR, Role.LEAD):
        other = app.test_client()
        sign_in(other, make_user(role))
        assert other.get(url).status_code == 403
