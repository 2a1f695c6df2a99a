"""Inviting many people from a CSV file: a preview of every row with its problems (nothing
created), then a confirmation that checks the file again and invites every good row (the
confirmation's own guarantees: tests/training/lead/test_people_import_confirm.py)."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from tests.helpers import (
    count,
    find,
    html_of,
    in_app,
    make_cohort,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.lead import invitations
from training.lead.people_csv import CsvRefused, decode_csv, read_people
from training.mail.models import OutboxMessage
from training.models import AuditEvent, Role, User

GOOD_AND_BAD = (
    "name,email,role,credential,cohort\n"
    "Riley Chen,Riley@Example.org,trainee,,Spring 2026\n"  # 2: good, into the cohort
    "Sam Okafor,sam@example.org,Supervisor,CPRS 12345,\n"  # 3: good
    "Bad Email,not-an-email,trainee,,\n"  # 4
    "Odd Role,odd@example.org,boss,,\n"  # 5
    '"Two\nLines",lines@example.org,trainee,,\n'  # 6 (one row over two lines)
    f"{'N' * 121},long@example.org,trainee,,\n"  # 7
    "Taken,taken@example.org,trainee,,\n"  # 8: already has an account
    "Twice A,twice@example.org,trainee,,\n"  # 9
    "Twice B,TWICE@example.org,lead,,\n"  # 10
    "No Cohort,nocohort@example.org,trainee,,Autumn 1999\n"  # 11
)


@pytest.fixture
def lead(client):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    sign_in(client, lead)
    make_cohort("Spring 2026")
    make_user(Role.TRAINEE, name="Already Here", email="taken@example.org")
    return lead


def upload(client, data: bytes, filename="people.csv"):
    response = post(
        client,
        "/lead/people/import",
        {"people_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    # a big body is spooled to a temporary file the test client does not close itself
    response.request.environ["wsgi.input"].close()
    return response


def previewed(response) -> dict[str, str]:
    """The hidden fields of a preview's confirmation form (the file's text, the preview's
    signature, the CSRF token), as the lead's browser sends them back."""
    form = re.search(
        r'<form method="post" action="/lead/people/import/confirm".*?</form>',
        response.get_data(as_text=True),
        re.S,
    )
    assert form, "the preview offers no confirmation"
    hidden = re.findall(r'<input [^>]*name="([^"]+)" type="hidden" value="([^"]*)"', form[0])
    return {name: html.unescape(value) for name, value in hidden}


def confirm(client, text: str):
    """Upload ``text``, then confirm its preview as the lead would."""
    return post(client, "/lead/people/import/confirm", previewed(upload(client, text.encode())))


def row_of(html: str, number: int) -> str:
    """The text of one row of the preview's table."""
    found = re.search(rf'<tr id="row-{number}">(.*?)</tr>', html, re.S)
    assert found, f"no row {number}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def messages() -> list[OutboxMessage]:
    with in_app():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


EXPECTED_PROBLEMS = {
    2: "Will be invited",
    3: "Will be invited",
    4: "This is not an email address like name@example.org.",
    5: "Unknown role “boss”: use trainee, supervisor or lead.",
    6: "The name must be on one line",
    7: "The name is longer than 120 characters.",
    8: "An account for taken@example.org already exists.",
    9: "The same address is on rows 9 and 10.",
    10: "The same address is on rows 9 and 10.",
    11: "There is no cohort named “Autumn 1999”.",
}


def test_the_preview_shows_each_rows_problem_on_its_row_and_creates_nothing(client, lead):
    users = count(User)
    response = upload(client, ("\ufeff" + GOOD_AND_BAD).encode())  # with a byte order mark
    html = html_of(response)
    assert response.status_code == 200
    assert "2 people will be invited; 8 rows have problems" in text_of(response)
    for number, outcome in EXPECTED_PROBLEMS.items():
        assert outcome in row_of(html, number), number
    assert "Will be invited" not in row_of(html, 4)
    assert count(User) == users and messages() == []
    button = "Create the 2 accounts (the invitations wait until email is set up)"
    assert button in text_of(response)  # no mail here: nothing is sent yet


def test_with_mail_the_preview_offers_to_send_the_invitations(app, client, lead):
    app.config["MAIL_SERVER"] = "mail.example.org"
    page = text_of(upload(client, GOOD_AND_BAD.encode()))
    assert "Create 2 accounts and send the invitations" in page
    assert "wait until email is set up" not in page
    one = text_of(upload(client, b"name,email,role\nKim Lee,kim@example.org,trainee\n"))
    assert "Create 1 account and send the invitation" in one
    app.config["MAIL_SERVER"] = ""
    one = text_of(upload(client, b"name,email,role\nKim Lee,kim@example.org,trainee\n"))
    assert "Create the account (the invitation waits until email is set up)" in one


def test_confirming_creates_only_the_good_rows_with_one_invitation_each(client, lead):
    users = count(User)
    response = confirm(client, GOOD_AND_BAD)
    page = text_of(response)
    assert "2 people invited" in page and "Not invited: 8 rows to fix" in page
    assert count(User) == users + 2
    riley, sam = find(User, email="riley@example.org"), find(User, email="sam@example.org")
    assert (riley.role, riley.name, riley.must_change_password) == (
        Role.TRAINEE,
        "Riley Chen",
        True,
    )
    assert riley.cohort_id is not None
    assert (sam.role, sam.credential) == (Role.SUPERVISOR, "CPRS 12345")
    sent = messages()
    assert sorted(m.to_address for m in sent) == ["riley@example.org", "sam@example.org"]
    assert all(m.kind == "invitation" and m.sensitive for m in sent)
    with in_app():
        actions = sorted(
            db.session.scalars(
                select(AuditEvent.action).where(AuditEvent.subject_id == riley.id)
            ).all()
        )
    assert actions == ["added to cohort", "created", "invited"]
    # the rows with problems are listed again, to fix
    html = html_of(response)
    assert "The same address is on rows 9 and 10." in row_of(html, 10)
    assert "row-2" not in html


def test_the_confirmation_checks_the_rows_again_and_never_trusts_the_preview(client, lead):
    text = (
        "name,email,role\n"
        "Good One,good@example.org,trainee\n"
        "Late,late@example.org,lead\n"  # another lead invites this address after the preview
    )
    form = previewed(upload(client, text.encode()))
    make_user(Role.TRAINEE, name="Invited Elsewhere", email="late@example.org")
    page = text_of(post(client, "/lead/people/import/confirm", form))
    assert "1 person invited" in page
    assert "An account for late@example.org already exists." in page
    assert find(User, email="late@example.org").role == Role.TRAINEE  # untouched
    assert [m.to_address for m in messages()] == ["good@example.org"]


def test_an_address_another_lead_took_meanwhile_is_reported_and_the_rest_created(
    client, lead, monkeypatch
):
    """Between the check and the write, another lead creates one of the accounts: the unique
    email refuses that row alone (each row commits on its own), and every other row is created."""
    import training.accounts

    checked_before = {"taken@example.org"}
    real_taken = training.accounts._taken

    def not_yet_taken(email: str) -> bool:  # as the checks saw it, before the other lead
        if email in checked_before:
            checked_before.discard(email)
            return False
        return real_taken(email)

    monkeypatch.setattr(invitations, "preview", read_people)
    monkeypatch.setattr(training.accounts, "_taken", not_yet_taken)
    text = (
        "name,email,role\n"
        "First,first@example.org,trainee\n"
        "Meanwhile,taken@example.org,trainee\n"
        "Last,last@example.org,supervisor\n"
    )
    page = text_of(confirm(client, text))
    assert "2 people invited" in page
    assert "An account for taken@example.org already exists." in page
    assert find(User, email="first@example.org") and find(User, email="last@example.org")
    assert find(User, email="taken@example.org").name == "Already Here"
    assert sorted(m.to_address for m in messages()) == ["first@example.org", "last@example.org"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,email,role\n" + b"Jos\xe9,jose@example.org,trainee\n", "not UTF-8 text"),
        (b"Riley Chen,riley@example.org,trainee\n", "The first row must name the columns"),
        (b"name,email\nRiley,riley@example.org\n", "This file's first row has no role"),
        (b"", "The file is empty"),
        (b"name,email,role\n", "nobody in it"),
        (b"name,email,role\nRi\x00ley,riley@example.org,trainee\n", "hidden control character"),
        (
            b"name,email,role\n" + b"".join(b"P,p%d@example.org,trainee\n" % n for n in range(501)),
            "more than 500 people",
        ),
        (b"name,email,role\n" + b"x" * (1024 * 1024), "it can be at most 1 MB"),
    ],
    ids=["latin-1", "no-header", "no-role", "empty", "header-only", "nul", "501-rows", "too-big"],
)
def test_a_file_that_cannot_be_used_gets_a_clear_message_and_creates_nothing(
    client, lead, data, message
):
    users = count(User)
    response = upload(client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page and "Nothing was created." in page
    assert count(User) == users and messages() == []


def test_uploading_without_a_file_says_so(client, lead):
    response = post(client, "/lead/people/import", {}, content_type="multipart/form-data")
    assert "Choose a CSV file to upload." in text_of(response)


def test_the_upload_page_explains_the_columns_and_offers_a_sample(client, lead):
    page = text_of(client.get("/lead/people/import"))
    assert "name, email, role" in page and "credential, cohort" in page
    sample = client.get("/lead/people/import/sample.csv")
    assert sample.mimetype == "text/csv"
    people = read_people(decode_csv(sample.data))
    assert [row.role_value for row in people.rows] == ["trainee", "supervisor", "lead"]
    assert people.refused == []
    assert "Spring 2026" in people.rows[0].cohort
    assert "Invite from a CSV file" in text_of(client.get("/lead/people"))


# --- the file alone (pure) -----------------------------------------------------------------------


def test_semicolons_capitals_and_blank_lines_are_read():
    people = read_people(
        "Name;E-mail;Email;ROLE;Phone\r\n\r\nAna;x;ana@example.org;Program lead;1\r\n"
    )
    (ana,) = people.rows
    assert (ana.number, ana.name, ana.email, ana.role_value, ana.errors) == (
        3,
        "Ana",
        "ana@example.org",
        "lead",
        (),
    )
    assert people.ignored_columns == ["e-mail", "phone"]


def test_a_cohort_is_for_trainees_and_extra_cells_are_a_problem():
    people = read_people(
        "name,email,role,cohort\n"
        "Sam,sam@example.org,supervisor,Spring\n"
        "Chen, Riley,r@example.org,trainee,Spring 2026\n"
    )
    sam, riley = people.rows
    assert sam.errors == ("Only trainees join a cohort: leave the cohort empty for this role.",)
    assert any("more cells than the header row" in e for e in riley.errors)


def test_a_column_named_twice_is_refused():
    with pytest.raises(CsvRefused, match="names the column “email” twice"):
        read_people("name,email,role,email\n")
