"""Confirming a CSV import of people creates exactly the rows its preview showed as "will be
invited": a copy of the file changed since, another file's preview or one too old invites
nobody, with a clear message. The rows are written a batch at a time, and a row whose address
another lead took meanwhile is refused alone: every other row is created once, with one
invitation."""

from __future__ import annotations

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from tests.helpers import count, find, in_app, make_cohort, make_user, post, sign_in, text_of
from tests.training.test_invitations_csv import messages, previewed, row_of, upload
from training.extensions import db
from training.lead import invitations, people_import
from training.lead.people_csv import read_people
from training.models import AuditEvent, PasswordReset, Role, User

CONFIRM = "/lead/people/import/confirm"
CHANGED = "The file changed since the preview, so none of it was used."
EXPIRED = "The preview of this file expired (it lasts 60 minutes)."

TWO = (
    "name,email,role\nRiley Chen,riley@example.org,trainee\nSam Okafor,sam@example.org,supervisor\n"
)


@pytest.fixture
def lead(client):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    sign_in(client, lead)
    return lead


def preview_of(client, text: str) -> dict[str, str]:
    """The confirmation form of ``text``'s preview, as the lead's browser would send it."""
    return previewed(upload(client, text.encode()))


def assert_nothing_created(response, message: str, users: int) -> None:
    assert response.status_code == 400
    page = text_of(response)
    assert message in page and "Nothing was created." in page
    assert count(User) == users and messages() == []


def test_a_row_added_to_the_previewed_copy_invites_nobody(client, lead):
    users = count(User)
    form = preview_of(client, TWO)
    form["people"] += "Root,root@example.org,lead\n"  # not in the preview the lead saw
    assert_nothing_created(post(client, CONFIRM, form), CHANGED, users)
    assert find(User, email="root@example.org") is None


def _another_files_preview(client, form: dict[str, str]) -> None:
    form["preview"] = preview_of(client, "name,email,role\nKim Lee,kim@example.org,trainee\n")[
        "preview"
    ]


def _another_leads_preview(client, form: dict[str, str]) -> None:
    sign_in(client, make_user(Role.LEAD, name="Other Lead"))


@pytest.mark.parametrize(
    "change",
    [
        lambda client, form: form.update(people=form["people"].replace("trainee", "lead")),
        lambda client, form: form.update(people=form["people"].replace("Sam Okafor,", "Sam,")),
        lambda client, form: form.pop("preview"),
        lambda client, form: form.update(preview=form["preview"][:-2] + "xx"),
        lambda client, form: form.update(
            people="name,email,role\n"
            + "".join(f"P,p{n}@example.org,trainee\n" for n in range(501))
        ),
        _another_files_preview,
        _another_leads_preview,
    ],
    ids=[
        "role-raised",
        "name-edited",
        "no-preview",
        "signature-altered",
        "501-rows",
        "another-files-preview",
        "another-leads-preview",
    ],
)
def test_a_copy_that_is_not_the_previewed_file_invites_nobody(client, lead, change):
    users = count(User)
    form = preview_of(client, TWO)
    change(client, form)
    users_now = count(User)
    assert_nothing_created(post(client, CONFIRM, form), CHANGED, users_now)
    assert users_now - users in (0, 1)  # the other lead, if one signed in


@pytest.mark.parametrize(("minutes", "confirmed"), [(59, True), (61, False)])
def test_a_preview_lasts_an_hour(app, client, lead, monkeypatch, minutes, confirmed):
    users = count(User)

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - minutes * 60

    made_earlier = URLSafeTimedSerializer(
        app.secret_key, salt=people_import.PREVIEW_SALT, signer=Earlier
    )
    with monkeypatch.context() as then:
        then.setattr(people_import, "_serializer", lambda: made_earlier)
        form = preview_of(client, TWO)
    response = post(client, CONFIRM, form)
    if confirmed:
        assert "2 people invited" in text_of(response)
    else:
        assert_nothing_created(response, EXPIRED, users)
        assert "Upload the file again to check it." in text_of(response)


def test_the_copy_a_browser_sends_back_with_crlf_line_breaks_is_the_same_file(client, lead):
    form = preview_of(client, TWO)
    form["people"] = form["people"].replace("\n", "\r\n")  # as browsers send a hidden value
    assert "2 people invited" in text_of(post(client, CONFIRM, form))


def test_a_row_the_preview_showed_with_a_problem_is_not_invited_when_it_is_fixed_meanwhile(
    client, lead
):
    text = (
        "name,email,role,cohort\n"
        "Riley,riley@example.org,trainee,Autumn\n"
        "Sam,sam@example.org,trainee,\n"
    )
    form = preview_of(client, text)
    make_cohort("Autumn")  # the lead saw "no cohort named Autumn" on row 2
    response = post(client, CONFIRM, form)
    page = text_of(response)
    assert "1 person invited" in page and "Not invited: 1 row to fix" in page
    assert "When you checked the file this row had a problem" in row_of(
        response.get_data(as_text=True), 2
    )
    assert find(User, email="riley@example.org") is None
    assert [m.to_address for m in messages()] == ["sam@example.org"]


def _each_once(emails: list[str]) -> None:
    """Each address has one account, with one invitation, one link and its two events."""
    with in_app():
        for email in emails:
            user = db.session.scalar(select(User).where(User.email == email))
            assert user is not None, email
            links = db.session.scalar(select(func.count()).where(PasswordReset.user_id == user.id))
            actions = sorted(
                db.session.scalars(
                    select(AuditEvent.action).where(
                        AuditEvent.subject_type == "user", AuditEvent.subject_id == user.id
                    )
                )
            )
            assert (links, actions) == (1, ["created", "invited"]), email
    assert sorted(m.to_address for m in messages()) == sorted(emails)


@pytest.mark.parametrize("when", ["committed-before-its-row", "written-at-the-same-moment"])
def test_an_address_taken_meanwhile_in_a_later_batch_is_refused_alone(
    client, lead, monkeypatch, when
):
    """Rows go in batches of two here; the fourth row's address is taken after the checks (a
    committed account its row's own check finds, or one the database's unique email refuses
    on insert): that row is refused, and the batch it was in is written again without it."""
    import training.accounts

    monkeypatch.setattr(invitations, "BATCH_ROWS", 2)
    emails = [f"p{n}@example.org" for n in range(6)]
    text = "name,email,role\n" + "".join(f"P {n},{e},trainee\n" for n, e in enumerate(emails))
    form = preview_of(client, text)
    make_user(Role.TRAINEE, name="Invited Elsewhere", email="p3@example.org")
    monkeypatch.setattr(invitations, "preview", read_people)  # the checks saw it free
    if when == "written-at-the-same-moment":
        real_taken = training.accounts._taken
        unseen = {"p3@example.org"}

        def not_yet_taken(email: str) -> bool:
            if email in unseen:
                unseen.discard(email)
                return False
            return real_taken(email)

        monkeypatch.setattr(training.accounts, "_taken", not_yet_taken)
    response = post(client, CONFIRM, form)
    page = text_of(response)
    assert "5 people invited" in page and "Not invited: 1 row to fix" in page
    assert "An account for p3@example.org already exists." in row_of(
        response.get_data(as_text=True), 5
    )
    assert find(User, email="p3@example.org").name == "Invited Elsewhere"
    _each_once([e for e in emails if e != "p3@example.org"])


def test_more_rows_than_a_batch_are_all_invited_and_listed(client, lead, monkeypatch):
    monkeypatch.setattr(invitations, "BATCH_ROWS", 3)
    emails = [f"p{n}@example.org" for n in range(8)]
    text = "name,email,role\n" + "".join(f"P {n},{e},trainee\n" for n, e in enumerate(emails))
    page = text_of(post(client, CONFIRM, preview_of(client, text)))
    assert "8 people invited" in page
    assert all(email in page for email in emails)
    _each_once(emails)
