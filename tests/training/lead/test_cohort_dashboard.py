"""The cohort dashboard as a lead sees it: the page's width, the track's title, certificates
expiring soon flagged in words, "Issue certificate" only where it can be issued, and two charts
whose numbers are the ones in their tables. Nobody else sees it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import (
    html_of,
    make_certificate,
    make_cohort,
    make_entry,
    make_user,
    save,
    sign_in,
    text_of,
)
from tests.training.certs.test_views import make_eligible, use_track
from training.lead.cohort_progress import Week, weekly
from training.models import ModuleProgress, Role


@pytest.fixture
def program(app, tmp_path):
    """A cohort on the small test track (one course, 2 h practice, 1 h supervision) with a
    trainee at each point on the way."""
    use_track(app, tmp_path)
    lead = make_user(Role.LEAD)
    supervisor = make_user(Role.SUPERVISOR)
    cohort = make_cohort()
    people = {}
    for name in ("Ada Ready", "Ben Begun", "Cy Soon", "Di Later", "Ed Revoked", "Fay New"):
        people[name] = make_user(Role.TRAINEE, name=name, cohort_id=cohort.id)
    for name in ("Ada Ready", "Cy Soon", "Ed Revoked"):
        make_eligible(app, people[name], supervisor)
    save(ModuleProgress(user_id=people["Ben Begun"].id, course_id="basics", module_id="first"))
    make_certificate(people["Cy Soon"], expires_in_days=20)
    make_certificate(people["Di Later"], expires_in_days=400)
    make_certificate(
        people["Ed Revoked"],
        revoked_at=datetime.now(UTC),
        revoke_reason="Issued by mistake.",
        revoke_category="error",
    )
    return {"lead": lead, "supervisor": supervisor, "cohort": cohort, "people": people}


def dashboard(client, program, query=""):  # type: ignore[no-untyped-def]
    sign_in(client, program["lead"])
    response = client.get(f"/lead/cohorts/{program['cohort'].id}{query}")
    assert response.status_code == 200
    return response


def glance(client, program):  # type: ignore[no-untyped-def]
    """The cohort at a glance: the charts of the whole cohort, who is ready, what expires."""
    sign_in(client, program["lead"])
    response = client.get(f"/lead/cohorts/{program['cohort'].id}/charts")
    assert response.status_code == 200
    return response


def row_of(page_html: str, name: str) -> str:
    """The HTML of the dashboard table's row for ``name``."""
    rows = re.findall(r"<tr[ >].*?</tr>", page_html, flags=re.S)
    return next(row for row in rows if f">{name}</a>" in row)


def text_of_html(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_dashboard_uses_the_page_width_and_names_the_track(client, program):
    response = dashboard(client, program)
    assert re.search(r'<main id="main-content"[^>]* class="wide"', html_of(response))
    page = text_of(response)
    assert "Started 1 March 2026 · Peer Recovery Specialist · 6 trainees" in page
    assert "peer-recovery" not in page  # the title, never the track's id


def test_issue_certificate_only_on_the_rows_that_can_have_one(client, program):
    response = dashboard(client, program, "?sort=name&dir=asc")
    page_html, people = html_of(response), program["people"]
    for name, person in people.items():
        link = f'href="/lead/people/{person.id}/certificate?next='
        # Ada is eligible; Ed is again after his certificate was revoked. Cy is eligible too, but
        # holds a valid certificate; the others are not eligible.
        assert (link in row_of(page_html, name)) == (name in ("Ada Ready", "Ed Revoked")), name
    # the confirmation page brings the lead back to this very page, sorted as it was
    ada = row_of(page_html, "Ada Ready")
    link = re.search(r'href="(/lead/people/\d+/certificate\?[^"]+)"', ada).group(1)
    here = f"/lead/cohorts/{program['cohort'].id}?sort=name&dir=asc"
    assert parse_qs(urlsplit(link).query) == {"next": [here]}
    assert "5/5 · eligible Issue certificate to Ada Ready" in text_of_html(ada)
    assert "2 trainees are ready for the certificate." in text_of(glance(client, program))
    assert 'href="/lead/cohorts/{}/charts"'.format(program["cohort"].id) in page_html


def test_certificates_expiring_soon_are_flagged_in_words(client, program):
    response = dashboard(client, program)
    page_html = html_of(response)
    soon = row_of(page_html, "Cy Soon")
    assert 'class="badge badge-expiring">Expires in 20 days</span>' in soon
    assert "Expires in" not in row_of(page_html, "Di Later")
    assert "Expires in" not in row_of(page_html, "Ed Revoked")  # revoked: nothing to renew
    at_a_glance = glance(client, program)
    assert "1 certificate expires within 60 days." in text_of(at_a_glance)
    assert 'href="/lead/renewals-due"' in html_of(at_a_glance)


def chart_values(page_html: str, chart_id: str) -> list[str]:
    drawing = re.search(rf'<svg[^>]* id="{chart_id}".*?</svg>', page_html, flags=re.S)
    assert drawing, f"no chart {chart_id}"
    return re.findall(r'class="chart-value"[^>]*>([^<]+)</text>', drawing.group(0))


def test_the_steps_chart_and_its_table_show_the_same_numbers(client, program):
    response = glance(client, program)
    page_html, page = html_of(response), text_of(response)
    # Ben has begun; Fay has not. Cy and Di hold valid certificates, so they have reached every
    # step; Ada and Ed meet every requirement.
    expected = {"Started": 5, "Courses done": 4, "Hours met": 4, "Eligible": 4, "Certified": 2}
    assert chart_values(page_html, "steps-chart") == [str(n) for n in expected.values()]
    for step, n in expected.items():
        assert re.search(rf"{step} [A-Z][^.]*? {n} of 6", page), step
    assert (
        "Trainees who have reached each step, out of 6: Started 5, Courses done 4, "
        "Hours met 4, Eligible 4, Certified 2." in page
    )
    assert 'role="img" aria-labelledby="steps-chart-title"' in page_html
    # and the trainees' table says the same: two valid certificates
    assert html_of(dashboard(client, program)).count('class="badge status-valid"') == 2


def test_hours_met_counts_group_supervision_only_up_to_the_tracks_cap(client, app, program):
    """Ada and Ed's hour of supervision is all group supervision; with group supervision
    counted only up to half, they have not met the hours, as their checklists say."""
    from certificates.rulebook import ExperienceRule
    from tests.helpers import use_track as with_rules

    with_rules(app, experience=ExperienceRule(group_supervision_max_percent=50))
    page = text_of(glance(client, program))
    assert (
        "Trainees who have reached each step, out of 6: Started 5, Courses done 4, "
        "Hours met 2, Eligible 2, Certified 2." in page
    )


def monday(weeks_ago: int) -> date:
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday() + 7 * weeks_ago)


def test_approved_hours_are_charted_week_by_week(client, app, tmp_path):
    use_track(app, tmp_path)
    lead, supervisor = make_user(Role.LEAD), make_user(Role.SUPERVISOR)
    cohort, other = make_cohort(), make_cohort("Another cohort")
    ann = make_user(Role.TRAINEE, cohort_id=cohort.id)
    bo = make_user(Role.TRAINEE, cohort_id=cohort.id)
    outsider = make_user(Role.TRAINEE, cohort_id=other.id)
    make_entry(ann, supervisor, status="approved", minutes=90, day=monday(3))
    make_entry(bo, supervisor, status="approved", minutes=60, day=monday(3) + timedelta(days=6))
    make_entry(ann, supervisor, status="approved", minutes=150, day=monday(1) + timedelta(days=2))
    make_entry(ann, supervisor, status="submitted", minutes=600, day=monday(1))  # not approved
    make_entry(outsider, supervisor, status="approved", minutes=600, day=monday(1))
    sign_in(client, lead)
    response = client.get(f"/lead/cohorts/{cohort.id}/charts")
    page, page_html = text_of(response), html_of(response)
    first, last = monday(3), monday(1)
    assert (
        f"Week starting Approved that week Total so far {first:%-d %b %Y} 2.5 h 2.5 h "
        f"{last:%-d %b %Y} 2.5 h 5 h" in page
    )
    assert "5 hours in all." in page
    # three weeks drawn (the empty one between included), the total by the last
    drawing = re.search(r'<svg[^>]* id="hours-chart".*?</svg>', page_html, flags=re.S).group(0)
    line = re.search(r'<polyline class="chart-line" points="([^"]+)"', drawing).group(1)
    assert len(line.split()) == 3
    assert chart_values(page_html, "hours-chart") == ["5"]


def test_an_empty_cohort_says_what_to_do(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    response = client.get(f"/lead/cohorts/{cohort.id}/charts")
    page, page_html = text_of(response), html_of(response)
    assert "No trainees in this cohort yet. Add trainees on the cohort's page, and their" in page
    assert "No approved hours yet. Once supervisors approve the hours trainees log" in page
    assert "<svg" not in page_html
    assert f'href="/lead/cohorts/{cohort.id}#add-trainees"' in page_html


def test_nobody_started_yet_is_said_in_words(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    make_user(Role.TRAINEE, cohort_id=cohort.id)
    page = text_of(client.get(f"/lead/cohorts/{cohort.id}/charts"))
    assert "None of the 1 trainees has started yet." in page


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_see_a_dashboard(client, role):
    cohort = make_cohort()
    make_user(Role.TRAINEE, cohort_id=cohort.id, name="Somebody Private")
    sign_in(client, make_user(role))
    for query in ("", "?format=csv", "?sort=practice&page=2", "/charts"):
        response = client.get(f"/lead/cohorts/{cohort.id}{query}")
        assert response.status_code == 403
        assert "Somebody Private" not in response.get_data(as_text=True)


def test_no_dashboard_for_a_cohort_that_does_not_exist_or_anonymous_people(client):
    cohort = make_cohort()
    assert "/login" in client.get(f"/lead/cohorts/{cohort.id}").headers["Location"]
    assert "/login" in client.get(f"/lead/cohorts/{cohort.id}/charts").headers["Location"]
    sign_in(client, make_user(Role.LEAD))
    assert client.get(f"/lead/cohorts/{cohort.id + 1}").status_code == 404
    assert client.get(f"/lead/cohorts/{cohort.id + 1}/charts").status_code == 404


def test_weeks_start_on_monday_and_run_on_without_gaps():
    wednesday, next_monday, sunday_after = date(2026, 3, 4), date(2026, 3, 9), date(2026, 3, 22)
    assert weekly([(wednesday, 30), (next_monday, 60), (sunday_after, 15), (wednesday, 15)]) == [
        Week(date(2026, 3, 2), 45, 45),
        Week(date(2026, 3, 9), 60, 105),
        Week(date(2026, 3, 16), 15, 120),
    ]
    assert weekly([]) == []


def test_the_list_of_cohorts_names_each_track_by_its_title(client):
    sign_in(client, make_user(Role.LEAD))
    make_cohort()
    page = text_of(client.get("/lead/cohorts"))
    assert "Spring 2026 01 Mar 2026 Peer Recovery Specialist (foundation training) 0" in page
