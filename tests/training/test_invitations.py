"""Invitations instead of temporary passwords: a lead adds a person, the platform writes an
invitation email (in the account's transaction) with a one-time link to choose a password, and
the page shows that link to hand over when the program has no mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import (
    PASSWORD,
    count,
    find,
    html_of,
    in_app,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.mail.models import OutboxMessage
from training.models import AuditEvent, PasswordReset, Role, User

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/reset/[\w-]+)")


@pytest.fixture
def lead(client):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    sign_in(client, lead)
    return lead


def add_person(client, email="Casey@Example.org", role="trainee", **fields):
    data = {"name": "Casey Morgan", "email": email, "role": role, **fields}
    return post(client, "/lead/people/new", data)


def messages() -> list[OutboxMessage]:
    with in_app():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


def events_about(user_id: int) -> list[tuple[str, str | None]]:
    with in_app():
        return [
            (e.action, e.comment)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user_id)
                .order_by(AuditEvent.id)
            )
        ]


def choose_password(client, path, password=NEW_PASSWORD):
    return post(client, path, {"new_password": password, "confirm": password})


def signs_in(app, email, password) -> bool:
    response = post(app.test_client(), "/login", {"email": email, "password": password})
    return response.status_code == 302


def test_adding_a_person_writes_their_invitation_and_its_link_sets_the_password(app, client, lead):
    page = text_of(add_person(client))
    assert "Account created for Casey Morgan" in page
    (message,) = messages()
    assert (message.kind, message.sensitive, message.to_address) == (
        "invitation",
        True,
        "casey@example.org",
    )
    assert "invitation" in message.subject.lower()
    for body in (message.text_body, message.html_body):
        assert "Hello Casey Morgan" in body
        assert (
            "Welcome! Morgan Lead has set up an account for you at Peer Support Training "
            "Program as a trainee."
        ) in body
        assert "You can use the link once, within 7 days." in body
        assert "If you were not expecting this, you can ignore this email." in body
    path = LINK.search(message.text_body).group(1)
    assert path in message.html_body and path in page  # the same link, to hand over
    casey = find(User, email="casey@example.org")
    assert casey.must_change_password
    assert not signs_in(app, "casey@example.org", "")  # no password until they choose one
    assert not signs_in(app, "casey@example.org", PASSWORD)

    visitor = app.test_client()
    assert "Welcome — choose a password for your account" in text_of(visitor.get(path))
    assert choose_password(visitor, path).headers["Location"] == "/login"
    assert signs_in(app, "casey@example.org", NEW_PASSWORD)
    assert not find(User, email="casey@example.org").must_change_password
    # a second use fails
    again = app.test_client()
    assert again.get(path).status_code == 404
    assert choose_password(again, path, "another long passphrase").status_code == 404
    assert signs_in(app, "casey@example.org", NEW_PASSWORD)
    assert events_about(casey.id) == [
        ("created", "Trainee account"),
        ("invited", None),
        ("password reset", "invitation accepted (from Morgan Lead)"),
    ]


def test_an_expired_invitation_link_no_longer_works(app, client, lead):
    path = LINK.search(text_of(add_person(client))).group(1)
    with in_app():
        for reset in db.session.scalars(select(PasswordReset)):
            reset.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    visitor = app.test_client()
    assert visitor.get(path).status_code == 404
    assert choose_password(visitor, path).status_code == 404
    assert not signs_in(app, "casey@example.org", NEW_PASSWORD)
    assert "its link expired" in text_of(
        client.get(f"/lead/people/{find(User, email='casey@example.org').id}")
    )


def test_without_mail_the_page_hands_over_the_link_and_says_the_email_waits(client, lead):
    page = text_of(add_person(client))
    assert "Email is not set up for this program yet, so the invitation waits in the outbox" in (
        page
    )
    assert "give Casey Morgan this link in person" in page
    assert "The link can be used once, within 7 days, and is not shown again" in page
    assert "Hand the link over in person instead" not in page  # shown plainly, not tucked away


def test_with_mail_the_page_says_it_was_emailed_and_keeps_the_link_behind_a_disclosure(
    app, client, lead
):
    app.config["MAIL_SERVER"] = "mail.example.org"
    response = add_person(client)
    html = html_of(response)
    page = text_of(response)
    assert "An invitation is on its way to casey@example.org" in page
    assert "It usually arrives within a few minutes" in page
    assert "can be used once, within 7 days" in page
    details = re.search(r"<details>.*?</details>", html, re.S).group(0)
    assert "Hand the link over in person instead" in details and LINK.search(details)
    assert "not set up" not in html


def test_the_new_person_page_says_what_will_happen(app, client, lead):
    assert "make a link for them to choose their password, for you to hand over" in text_of(
        client.get("/lead/people/new")
    )
    app.config["MAIL_SERVER"] = "mail.example.org"
    page = text_of(client.get("/lead/people/new"))
    assert "We will email them an invitation" in page
    assert "invite them from a CSV file" in page


def test_an_address_with_an_account_invites_nobody(client, lead):
    existing = make_user(email="sam@example.org")
    response = add_person(client, email="SAM@example.org")
    assert f"An account for {existing.email} already exists." in text_of(response)
    assert messages() == [] and count(User) == 2


def test_a_supervisor_is_invited_with_their_credential(client, lead):
    add_person(client, email="sam@example.org", role="supervisor", credential="CPRS 12345")
    assert find(User, email="sam@example.org").credential == "CPRS 12345"
    assert "as a supervisor" in messages()[0].text_body


# --- the person's page: waiting, and sending again -----------------------------------------------


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(app, client, lead):
    old = LINK.search(text_of(add_person(client))).group(1)
    casey = find(User, email="casey@example.org")
    page = text_of(client.get(f"/lead/people/{casey.id}"))
    assert re.search(r"Invitation sent \d+ \w+ \d{4}, not yet accepted\.", page)
    assert "Send the invitation again" in page

    again = text_of(post(client, f"/lead/people/{casey.id}/invitation"))
    assert "Invitation sent again to Casey Morgan" in again
    assert "The earlier link no longer works" in again
    new = LINK.search(again).group(1)
    assert new != old
    [message] = messages()  # the earlier one, with its dead link, is no longer sent
    assert message.kind == "invitation" and new in message.text_body
    assert ("invitation sent again", None) in events_about(casey.id)

    visitor = app.test_client()
    assert visitor.get(old).status_code == 404
    assert choose_password(visitor, old).status_code == 404
    assert choose_password(visitor, new).status_code == 302
    assert signs_in(app, "casey@example.org", NEW_PASSWORD)


def test_only_the_newest_invitation_waits_in_the_outbox_and_none_once_accepted(app, client, lead):
    add_person(client)
    casey = find(User, email="casey@example.org")
    post(client, f"/lead/people/{casey.id}/invitation")
    newest = LINK.search(text_of(post(client, f"/lead/people/{casey.id}/invitation"))).group(1)
    [waiting] = messages()
    assert newest in waiting.text_body and waiting.status == "waiting"
    choose_password(app.test_client(), newest)
    assert messages() == []


def test_a_message_being_sent_is_left_alone_and_a_failed_one_goes(app, client, lead):
    add_person(client)
    casey = find(User, email="casey@example.org")
    set_status(messages()[0].id, "failed")
    post(client, f"/lead/people/{casey.id}/invitation")
    (being_sent,) = messages()
    set_status(being_sent.id, "sending")
    newest = LINK.search(text_of(post(client, f"/lead/people/{casey.id}/invitation"))).group(1)
    assert [m.status for m in messages()] == ["sending", "waiting"]
    choose_password(app.test_client(), newest)
    assert [(m.id, m.status) for m in messages()] == [(being_sent.id, "sending")]


def set_status(message_id: int, status: str) -> None:
    with in_app():
        db.session.get(OutboxMessage, message_id).status = status
        db.session.commit()


def test_asking_for_a_password_link_before_accepting_keeps_the_invitation_waiting(
    app, client, lead
):
    """A "Forgot your password?" link takes the invitation's place: the lead still sees it
    waiting (sent when the invitation was), and can send it again."""
    app.config["MAIL_SERVER"] = "mail.example.org"
    invited = LINK.search(html_of(add_person(client))).group(1)
    casey = find(User, email="casey@example.org")
    invited_on = re.search(
        r"Invitation sent (\d+ \w+ \d{4}), not yet accepted\.",
        text_of(client.get(f"/lead/people/{casey.id}")),
    ).group(1)
    assert post(app.test_client(), "/forgot", {"email": casey.email}).status_code == 302
    [emailed] = messages()  # the invitation's dead link is no longer sent
    assert emailed.kind == "password_reset"
    forgot = LINK.search(emailed.text_body).group(1)
    assert app.test_client().get(invited).status_code == 404

    page = text_of(client.get(f"/lead/people/{casey.id}"))
    assert f"Invitation sent {invited_on}, not yet accepted." in page
    assert "Send the invitation again" in page
    again = text_of(post(client, f"/lead/people/{casey.id}/invitation"))
    assert "Invitation sent again to Casey Morgan" in again
    assert app.test_client().get(forgot).status_code == 404
    assert choose_password(app.test_client(), LINK.search(again).group(1)).status_code == 302
    assert signs_in(app, casey.email, NEW_PASSWORD)


def test_once_a_password_is_chosen_with_a_forgot_link_the_invitation_no_longer_waits(
    app, client, lead
):
    app.config["MAIL_SERVER"] = "mail.example.org"
    add_person(client)
    casey = find(User, email="casey@example.org")
    post(app.test_client(), "/forgot", {"email": casey.email})
    choose_password(app.test_client(), LINK.search(messages()[0].text_body).group(1))
    page = text_of(client.get(f"/lead/people/{casey.id}"))
    assert "not yet accepted" not in page and "Send the invitation again" not in page
    assert messages() == []


def test_a_forgot_link_for_someone_who_was_never_invited_is_no_invitation(app, client, lead):
    alex = make_user(Role.TRAINEE, name="Alex Rivera", must_change_password=True)
    app.config["MAIL_SERVER"] = "mail.example.org"
    post(app.test_client(), "/forgot", {"email": alex.email})
    assert "Send the invitation again" not in text_of(client.get(f"/lead/people/{alex.id}"))


def test_once_accepted_the_invitation_is_no_longer_offered_again(app, client, lead):
    path = LINK.search(text_of(add_person(client))).group(1)
    choose_password(app.test_client(), path)
    casey = find(User, email="casey@example.org")
    page = text_of(client.get(f"/lead/people/{casey.id}"))
    assert "not yet accepted" not in page and "Send the invitation again" not in page
    response = post(client, f"/lead/people/{casey.id}/invitation", follow_redirects=True)
    assert "Casey Morgan has no invitation waiting" in text_of(response)
    assert messages() == []  # none sent again (and the accepted one, unsent, is withdrawn)


def test_a_person_made_without_an_invitation_has_none_to_send_again(client, lead):
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    assert "Send the invitation again" not in text_of(client.get(f"/lead/people/{alex.id}"))
    post(client, f"/lead/people/{alex.id}/invitation")
    assert messages() == []


def test_sending_again_needs_the_forms_token(client, lead):
    add_person(client)
    casey = find(User, email="casey@example.org")
    response = client.post(f"/lead/people/{casey.id}/invitation")
    assert response.status_code == 400
    assert len(messages()) == 1


# --- only leads ----------------------------------------------------------------------------------

LEAD_ONLY = [
    ("post", "/lead/people/{id}/invitation"),
    ("get", "/lead/people/import"),
    ("post", "/lead/people/import"),
    ("post", "/lead/people/import/confirm"),
    ("get", "/lead/people/import/sample.csv"),
]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
@pytest.mark.parametrize(("method", "url"), LEAD_ONLY)
def test_trainees_and_supervisors_are_denied(client, role, method, url):
    user = make_user(role)
    sign_in(client, user)
    address = url.format(id=user.id)
    data = {"people": "name,email,role\nX,x@example.org,lead\n"}
    response = client.get(address) if method == "get" else post(client, address, data)
    assert response.status_code == 403
    assert count(User) == 1 and messages() == []


@pytest.mark.parametrize(("method", "url"), LEAD_ONLY)
def test_signed_out_visitors_are_sent_to_sign_in(client, method, url):
    person = make_user(Role.TRAINEE)
    address = url.format(id=person.id)
    data = {"people": "name,email,role\nX,x@example.org,lead\n"}
    response = client.get(address) if method == "get" else post(client, address, data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(User) == 1 and messages() == []
