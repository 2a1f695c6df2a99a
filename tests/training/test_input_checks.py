"""Each kind of malformed input the outside test found gets a clear 400, 404 or form message and
changes nothing (``training.input_checks``); the walk over every route
(``test_hostile_input``) checks that no other route answers any of them with a 500."""

from __future__ import annotations

import io

import pytest

from tests.helpers import (
    assign,
    count,
    fetch,
    hours_form,
    html_of,
    make_entry,
    make_user,
    post,
    save,
    sign_in,
    text_of,
)
from training.models import AuditEvent, Cohort, EntryStatus, HoursEntry, Role, User


@pytest.fixture
def lead(app):
    return make_user(Role.LEAD, name="Morgan Lead")


@pytest.mark.parametrize(
    "url",
    [
        "/lead/people/999999999999999999999999999999",
        "/lead/people/2147483648",
        "/hours/9223372036854775808",
        "/certificates/99999999999999999999.pdf",
        "/lead/cohorts/18446744073709551616",
    ],
)
def test_ids_too_big_for_the_database_are_not_found(client, lead, url):
    sign_in(client, lead)
    response = client.get(url)
    assert response.status_code == 404
    assert "We couldn't find that page" in text_of(response)


def test_the_largest_id_the_database_holds_is_still_looked_up(client, lead):
    sign_in(client, lead)
    assert client.get("/lead/people/2147483647").status_code == 404  # looked up: nobody
    assert client.get(f"/lead/people/{lead.id}").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["cohort=99999999999999999999", "cohort=-1", "cohort=²", "cohort=1e3"],
)
def test_quiz_statistics_ignore_a_cohort_that_cannot_exist(client, lead, query):
    sign_in(client, lead)
    assert client.get(f"/lead/quizzes?{query}").status_code == 200


def test_the_audit_log_ignores_an_id_that_cannot_exist(client, lead):
    sign_in(client, lead)
    response = client.get("/lead/audit?id=99999999999999999999999")
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_audit_date_filters_outside_a_sensible_range_are_left_out_with_a_message(client, lead, day):
    sign_in(client, lead)
    for name in ("from", "to"):
        response = client.get(f"/lead/audit?{name}={day}")
        assert response.status_code == 400  # said next to the box, what was typed kept
        assert "Enter a date between 1 January 2000 and 31 December 2100." in text_of(response)
        assert f'value="{day}"' in response.get_data(as_text=True)


def test_a_cohort_starting_in_year_one_is_refused_with_a_message(client, lead):
    sign_in(client, lead)
    response = post(
        client,
        "/lead/cohorts",
        {"name": "Ancient", "start_date": "0001-01-01", "track": "peer-recovery"},
    )
    assert response.status_code == 400
    assert "Enter a date between 1 January 2000 and 31 December 2100." in text_of(response)
    assert count(Cohort) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "a\x00b@example.org"), ("password", "pass\x00word"), ("email", "x\x1b[2J")],
)
def test_a_nul_byte_on_the_login_form_is_refused_clearly(client, field, value):
    """Reachable without an account: PostgreSQL cannot store NUL and answered with a 500."""
    make_user(email="a@example.org")
    form = {"email": "a@example.org", "password": "whatever it is", field: value}
    response = post(client, "/login", form)
    assert response.status_code == 400
    assert "hidden control character" in text_of(response)


def test_text_with_control_characters_changes_nothing(client, lead):
    sign_in(client, lead)
    trainee = make_user(name="Riley Chen")
    response = post(client, f"/lead/people/{trainee.id}", {"name": "Riley\x00", "role": "trainee"})
    assert response.status_code == 400
    assert fetch(User, trainee.id).name == "Riley Chen"


def test_line_breaks_and_tabs_in_form_text_are_fine(client):
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user()
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    comment = "Please fix:\r\n\t- the date\r\n\t- the domain"
    post(client, f"/supervise/{entry.id}/return", {"comment": comment})
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED


@pytest.mark.parametrize("value", ["/%0D%0ASet-Cookie:%20evil=1", "/x%0aLocation:%20//evil"])
def test_a_line_break_in_next_is_refused(client, value):
    response = client.get(f"/login?next={value}")
    assert response.status_code == 400
    assert "Set-Cookie" not in str(response.headers)


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example"])
def test_next_never_leads_to_another_site(client, target):
    from tests.helpers import PASSWORD

    user = make_user(email="a@example.org")
    response = post(client, f"/login?next={target}", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("url", ["/login", "/lead/people/new", "/lead/cohorts"])
def test_a_file_where_text_is_expected_is_refused(client, lead, url):
    sign_in(client, lead)
    users = count(User)
    response = post(
        client,
        url,
        {"email": (io.BytesIO(b"x"), "x.txt"), "name": (io.BytesIO(b"x"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "This form doesn't take files" in text_of(response)
    assert count(User) == users


@pytest.mark.parametrize("ids", [["²"], ["99999999999999999999"], ["-1", "1.0", "٣"]])
def test_ticked_entries_that_cannot_exist_are_ignored(client, ids):
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user()
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, "draft")
    sign_in(client, trainee)
    response = post(client, "/hours/submit", {"entry": ids}, follow_redirects=True)
    assert response.status_code == 200
    assert "Tick the entries you want to submit first." in text_of(response)
    sign_in(client, supervisor)
    response = post(client, "/supervise/approve", {"entry": ids, "attest": "yes"})
    assert response.status_code == 302
    assert fetch(HoursEntry, entry.id).status == EntryStatus.DRAFT


def test_the_pager_keeps_only_the_filters_it_knows(client, lead):
    for n in range(55):
        save(
            User(
                email=f"p{n}@example.org",
                name=f"Pat {n}",
                role=Role.TRAINEE,
                password_hash="x",
            )
        )
    sign_in(client, lead)
    response = client.get(
        "/lead/people?q=pat&_method=DELETE&_external=1&_anchor=x&_scheme=evil&endpoint=x&values=1"
    )
    assert response.status_code == 200
    page = html_of(response)
    assert 'href="/lead/people?page=2&q=pat"' in page or 'href="/lead/people?q=pat&page=2"' in page
    assert "_method" not in page and "evil" not in page


def test_nothing_is_recorded_for_a_refused_request(client, lead):
    sign_in(client, lead)
    events = count(AuditEvent)
    post(client, "/lead/cohorts", {"name": "Spring\x00", "start_date": "2026-03-01"})
    post(client, "/lead/cohorts", {"name": (io.BytesIO(b"x"), "x.txt")})
    assert count(AuditEvent) == events and count(Cohort) == 0


def test_hours_dated_at_the_ends_of_the_calendar_get_a_message(client):
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user()
    assign(trainee, supervisor)
    sign_in(client, trainee)
    for day in ("0001-01-01", "9999-12-31"):
        response = post(client, "/hours/new", hours_form(supervisor, day=day))
        assert response.status_code == 400
        assert "Enter a date between" in text_of(response) or "future" in text_of(response)
    assert count(HoursEntry) == 0
