"""A lead confirms a trainee's yes/no items (or withdraws one with a short reason), on the
person's page or the cohort's; the trainee and their supervisors see them read-only; the cohort's
table downloads as CSV; everyone else is refused."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from tests.helpers import html_of, in_app, make_cohort, make_user, post, sign_in, text_of
from training import limits
from training.attestations.models import LeadConfirmation
from training.extensions import db
from training.models import AuditEvent, Role

REASON = "Confirmed by mistake."


def confirm_url(trainee, item="diploma"):  # type: ignore[no-untyped-def]
    return f"/attestations/people/{trainee.id}/confirmations/{item}"


def rows() -> list[LeadConfirmation]:
    with in_app():
        found = db.session.scalars(select(LeadConfirmation).order_by(LeadConfirmation.id)).all()
        db.session.expunge_all()
        return list(found)


def events() -> list[tuple[str, int, str]]:
    with in_app():
        return [
            (e.action, e.subject_id, e.comment or "")
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(("confirmed", "confirmation withdrawn")))
                .order_by(AuditEvent.id)
            )
        ]


def test_the_lead_confirms_an_item_on_the_persons_page(client, team):
    sign_in(client, team.lead)
    page = text_of(client.get(f"/lead/people/{team.trainee.id}"))
    assert "Confirmations" in page and "High-school diploma or GED seen: still to confirm." in page
    assert "Record yes only. Never write details" in page
    answer = post(client, confirm_url(team.trainee), follow_redirects=True)
    page = text_of(answer)
    assert "Confirmed for Riley Chen: High-school diploma or GED seen." in page
    assert "High-school diploma or GED seen: confirmed on" in page and "by Morgan Lead" in page
    (row,) = rows()
    assert (row.trainee_id, row.track_id, row.item_id) == (
        team.trainee.id,
        "peer-recovery",
        "diploma",
    )
    assert row.confirmed_by_id == team.lead.id and row.withdrawn_at is None
    assert events() == [
        ("confirmed", team.trainee.id, "High-school diploma or GED seen (peer-recovery / diploma)")
    ]


def test_the_trainee_and_their_supervisor_see_what_the_program_confirmed(app, client, team):
    lead = app.test_client()
    sign_in(lead, team.lead)
    post(lead, confirm_url(team.trainee, "background"))
    sign_in(client, team.trainee)
    mine = text_of(client.get("/attestations/"))
    assert "Your program has confirmed: Background check done." in mine
    assert "Still to confirm: High-school diploma or GED seen." in mine
    assert "Your program has confirmed: Background check done." in text_of(
        client.get("/certificate/")
    )
    sign_in(client, team.supervisor)
    theirs = text_of(client.get(f"/attestations/trainees/{team.trainee.id}"))
    assert "The program has confirmed: Background check done." in theirs
    assert "Code of ethics: Not signed yet." in theirs
    html = html_of(client.get(f"/attestations/trainees/{team.trainee.id}"))
    assert 'name="agree"' not in html and "/confirmations/" not in html  # read-only


def test_a_supervisor_finds_the_page_from_an_hours_entry(client, team):
    from tests.helpers import make_entry

    entry = make_entry(team.trainee, team.supervisor, "submitted")
    sign_in(client, team.supervisor)
    html = html_of(client.get(f"/hours/{entry.id}"))
    assert f'href="/attestations/trainees/{team.trainee.id}"' in html


def test_other_people_see_nothing_of_a_trainee(client, team):
    url = f"/attestations/trainees/{team.trainee.id}"
    assert "/login" in client.get(url).headers["Location"]
    sign_in(client, team.other_supervisor)  # supervises someone else
    assert client.get(url).status_code == 404
    sign_in(client, team.other_trainee)
    assert client.get(url).status_code == 403
    sign_in(client, team.lead)
    assert client.get(url).status_code == 200
    assert client.get(f"/attestations/trainees/{team.supervisor.id}").status_code == 404
    assert client.get("/attestations/trainees/999999").status_code == 404


def test_only_a_lead_confirms_or_withdraws(app, client, team):
    for person in (team.trainee, team.supervisor, team.other_trainee):
        sign_in(client, person)
        assert post(client, confirm_url(team.trainee)).status_code == 403
        withdraw = confirm_url(team.trainee) + "/withdraw"
        assert client.get(withdraw).status_code == 403
        assert post(client, withdraw, {"reason": REASON}).status_code == 403
    anonymous = app.test_client()
    assert "/login" in post(anonymous, confirm_url(team.trainee)).headers["Location"]
    assert rows() == [] and events() == []


def test_a_lead_cannot_confirm_what_the_track_does_not_have_or_for_a_non_trainee(client, team):
    sign_in(client, team.lead)
    assert post(client, confirm_url(team.trainee, "criminal-record")).status_code == 404
    assert post(client, confirm_url(team.supervisor)).status_code == 404
    assert post(client, "/attestations/people/999999/confirmations/diploma").status_code == 404
    assert client.post(confirm_url(team.trainee)).status_code == 400  # no form token
    assert rows() == []


def test_confirming_twice_keeps_one_confirmation(client, team):
    sign_in(client, team.lead)
    post(client, confirm_url(team.trainee))
    again = post(client, confirm_url(team.trainee), follow_redirects=True)
    assert "is already confirmed for Riley Chen" in text_of(again)
    assert len(rows()) == 1 and len(events()) == 1


def test_withdrawing_needs_a_short_reason_and_keeps_the_record(client, team):
    sign_in(client, team.lead)
    post(client, confirm_url(team.trainee))
    url = confirm_url(team.trainee) + "/withdraw"
    form = client.get(url)
    assert "Do not write personal details" in text_of(form)
    assert f'maxlength="{limits.CONFIRMATION_WITHDRAW_REASON}"' in html_of(form)
    for reason, message in (
        ("", "Write a short reason: it stays on record."),
        ("   ", "Write a short reason: it stays on record."),
        ("x" * (limits.CONFIRMATION_WITHDRAW_REASON + 1), "Please use at most 300 characters."),
    ):
        refused = post(client, url, {"reason": reason})
        assert refused.status_code == 400 and message in text_of(refused)
    assert rows()[0].withdrawn_at is None and len(events()) == 1
    done = post(client, url, {"reason": REASON}, follow_redirects=True)
    page = text_of(done)
    assert "Withdrew the confirmation for Riley Chen: High-school diploma or GED seen." in page
    assert "High-school diploma or GED seen: still to confirm." in page
    assert "withdrawn on" in page and REASON in page
    (row,) = rows()
    assert row.withdrawn_by_id == team.lead.id and row.withdraw_reason == REASON
    assert events()[-1] == (
        "confirmation withdrawn",
        team.trainee.id,
        f"High-school diploma or GED seen (peer-recovery / diploma): {REASON}",
    )
    post(client, confirm_url(team.trainee))  # confirmed again: a new row, the old one kept
    assert [r.withdrawn_at is None for r in rows()] == [False, True]


def test_withdrawing_what_is_not_confirmed_changes_nothing(client, team):
    sign_in(client, team.lead)
    url = confirm_url(team.trainee) + "/withdraw"
    assert "nothing to withdraw" in text_of(client.get(url, follow_redirects=True))
    answer = post(client, url, {"reason": REASON}, follow_redirects=True)
    assert "is not confirmed for Riley Chen any more" in text_of(answer)
    assert rows() == [] and events() == []


def test_the_cohort_page_shows_who_still_needs_which_confirmation(client, team):
    sign_in(client, team.lead)
    post(client, confirm_url(team.trainee))
    post(client, confirm_url(team.trainee, "background"))
    cohort_id = fetch_cohort_id(team)
    page = text_of(client.get(f"/attestations/cohorts/{cohort_id}"))
    assert "1 trainee still needs at least one confirmation." in page
    html = html_of(client.get(f"/attestations/cohorts/{cohort_id}"))
    assert '<th scope="col">High-school diploma or GED seen</th>' in html
    assert '<th scope="row" data-label="Trainee">' in html
    riley, alex = row_of(html, "Riley Chen"), row_of(html, "Alex Other")
    assert riley.count("Confirmed") == 2 and "Still to confirm" not in riley
    assert alex.count("Still to confirm") == 2 and alex.count('type="submit"') == 2
    answer = post(
        client, confirm_url(team.other_trainee), {"from": "cohort"}, follow_redirects=False
    )
    assert answer.headers["Location"].endswith(f"/attestations/cohorts/{cohort_id}")
    person_page = text_of(client.get(f"/lead/people/{team.trainee.id}"))
    assert "Confirmations and signatures of everyone in Spring 2026" in person_page


def row_of(html: str, name: str) -> str:
    """The table row of the trainee named ``name``, as text (and its buttons)."""
    (row,) = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if f">{name}</a>" in r]
    return " ".join(re.sub(r"<(?!input|button)[^>]+>", " ", row).split())


def fetch_cohort_id(team) -> int:  # type: ignore[no-untyped-def]
    from training.models import User

    with in_app():
        return db.session.get(User, team.trainee.id).cohort_id


def test_the_cohort_table_downloads_as_csv(client, team):
    sign_in(client, team.lead)
    post(client, confirm_url(team.trainee))
    sign_in(client, team.trainee)
    post(client, "/attestations/code-of-ethics", {"agree": "y", "name": "Riley Chen"})
    make_user(Role.TRAINEE, name="=HYPERLINK(1)", cohort_id=fetch_cohort_id(team))
    sign_in(client, team.lead)
    answer = client.get(f"/attestations/cohorts/{fetch_cohort_id(team)}.csv")
    assert answer.mimetype == "text/csv"
    assert "confirmations-spring-2026.csv" in answer.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == [
        "Name",
        "Email",
        "High-school diploma or GED seen: confirmed",
        "High-school diploma or GED seen: confirmed on",
        "Background check done: confirmed",
        "Background check done: confirmed on",
        "Code of ethics: current version signed",
        "Lived-experience statement: current version signed",
    ]
    by_name = {row[0]: row for row in table[1:]}
    assert set(by_name) == {"'=HYPERLINK(1)", "Alex Other", "Riley Chen"}  # neutralised
    riley = by_name["Riley Chen"]
    assert riley[2] == "yes" and len(riley[3]) == 10 and riley[4:] == ["no", "", "yes", "no"]
    assert by_name["Alex Other"][2:] == ["no", "", "no", "", "no", "no"]


def test_only_leads_see_a_cohorts_confirmations(client, team):
    cohort_id = fetch_cohort_id(team)
    for person in (team.trainee, team.supervisor):
        sign_in(client, person)
        assert client.get(f"/attestations/cohorts/{cohort_id}").status_code == 403
        assert client.get(f"/attestations/cohorts/{cohort_id}.csv").status_code == 403
    sign_in(client, team.lead)
    assert client.get("/attestations/cohorts/999999").status_code == 404
    other = make_cohort("Autumn 2026")
    assert "No trainees in this cohort yet." in text_of(
        client.get(f"/attestations/cohorts/{other.id}")
    )


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEAD])
def test_no_details_are_ever_asked_for(client, team, role):
    """Only yes/no and who/when: no field takes a document or any detail of a history."""
    sign_in(client, team.lead if role == Role.LEAD else team.supervisor)
    page = (
        client.get(f"/lead/people/{team.trainee.id}")
        if role == Role.LEAD
        else client.get(f"/attestations/trainees/{team.trainee.id}")
    )
    section = html_of(page).split('id="confirmations"')[-1].split("<h3>")[0]
    assert 'type="file"' not in section and "<textarea" not in section
    assert 'name="reason"' not in section
