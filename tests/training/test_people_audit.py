"""The audit trail covers people: creating an account (by a lead, by registering, from the
command line), changing a role, a name or a credential, deactivating and reactivating, a
password-reset link, and every password change. Each event says who did it and what changed,
is written in the transaction that makes the change (a change refused leaves none), and shows
in the lead's audit log, named and linked to the person's page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import (
    PASSWORD,
    app_with_database,
    count,
    html_of,
    in_app,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.models import AuditEvent, Role, User

NEW_PASSWORD = "a brand new password"


def events_about(user_id: int) -> list[tuple[int | None, str, str | None, str | None, str | None]]:
    """(actor, action, from, to, comment) of every event about a person, oldest first."""
    with in_app():
        return [
            (e.actor_id, e.action, e.from_status, e.to_status, e.comment)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user_id)
                .order_by(AuditEvent.id)
            )
        ]


def user_id(email: str) -> int:
    with in_app():
        return db.session.scalar(select(User.id).where(User.email == email))


def audit_log(app, query: str = "") -> str:
    """The audit log as a (new) program lead reads it."""
    client = app.test_client()
    sign_in(client, make_user(Role.LEAD, name="Reader Lead"))
    return text_of(client.get(f"/lead/audit{query}"))


def edit(client, person: User, **changes: object):  # type: ignore[no-untyped-def]
    form = {"name": person.name, "role": str(person.role), "credential": person.credential or ""}
    form.update({"active": "y"} if person.active else {})
    form.update(changes)
    return post(
        client, f"/lead/people/{person.id}", {k: v for k, v in form.items() if v is not None}
    )


@pytest.fixture
def lead_client(app):
    client = app.test_client()
    lead = make_user(Role.LEAD, name="Morgan Lead", email="morgan@example.org")
    sign_in(client, lead)
    return client, lead


# --- creating accounts --------------------------------------------------------------------------


def test_a_lead_creating_an_account_is_audited_and_shown_with_the_person(app, lead_client):
    client, lead = lead_client
    post(
        client,
        "/lead/people/new",
        {
            "name": "Sam Okafor",
            "email": "Sam@Example.org",
            "role": "supervisor",
            "credential": "CPRS, licence 12345",
        },
    )
    sam = user_id("sam@example.org")
    assert events_about(sam) == [
        (lead.id, "created", None, None, "Supervisor account (credential: CPRS, licence 12345)"),
        (lead.id, "invited", None, None, None),
    ]
    page = audit_log(app)
    assert (
        "Morgan Lead Sam Okafor (sam@example.org) Created: Supervisor account (credential: CPRS, "
        "licence 12345)"
    ) in page
    assert f'<a href="/lead/people/{sam}">Sam Okafor (sam@example.org)</a>' in html_of(
        client.get("/lead/audit")
    )


def test_an_account_refused_leaves_no_event(app, lead_client):
    client, lead = lead_client
    events = count(AuditEvent)
    post(client, "/lead/people/new", {"name": "Sam", "email": lead.email.upper(), "role": "lead"})
    post(client, "/lead/people/new", {"name": "", "email": "new@example.org", "role": "lead"})
    assert count(AuditEvent) == events and count(User) == 1


def test_registering_is_audited_as_done_by_the_new_person():
    with app_with_database(SELF_REGISTRATION=True) as app:
        data = {
            "name": "Robin Diaz",
            "email": "robin@example.org",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        }
        assert post(app.test_client(), "/register", data).status_code == 302
        robin = user_id("robin@example.org")
        assert events_about(robin) == [
            (robin, "created", None, None, "Trainee account, self-registration")
        ]
        assert (
            "Robin Diaz Robin Diaz (robin@example.org) Created: Trainee account, self-registration"
        ) in audit_log(app)


def test_an_account_made_on_the_command_line_is_audited_as_done_by_the_system(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Ops@Example.org", "--role", "lead", "--name", "Ops"],
        input="a long lead password\n",
    )
    assert result.exit_code == 0, result.output
    ops = user_id("ops@example.org")
    assert events_about(ops) == [
        (None, "created", None, None, "Program lead account, from the command line")
    ]
    assert (
        "System Ops (ops@example.org) Created: Program lead account, from the command line"
        in audit_log(app)
    )


# --- a lead changing an account -----------------------------------------------------------------


def test_a_role_change_names_both_roles(app, lead_client):
    client, lead = lead_client
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    edit(client, alex, role="lead")
    assert events_about(alex.id) == [(lead.id, "role changed", "trainee", "lead", None)]
    assert "Morgan Lead Alex Rivera" in audit_log(app)
    assert "Role changed (trainee → lead)" in audit_log(app)


def test_a_name_change_and_a_credential_change_say_what_they_were(app, lead_client):
    client, lead = lead_client
    sam = make_user(Role.SUPERVISOR, name="Sam Okafor", credential="CPRS")
    edit(client, sam, name="Samuel Okafor", credential="CPRS, licence 12345")
    assert events_about(sam.id) == [
        (lead.id, "name changed", None, None, "Sam Okafor → Samuel Okafor"),
        (lead.id, "credential changed", None, None, "CPRS → CPRS, licence 12345"),
    ]
    edit(client, sam, name="Samuel Okafor", credential="")
    assert events_about(sam.id)[-1] == (
        lead.id,
        "credential changed",
        None,
        None,
        "CPRS, licence 12345 → (none)",
    )
    page = audit_log(app)
    assert "Name changed: Sam Okafor → Samuel Okafor" in page
    assert "Credential changed: CPRS → CPRS, licence 12345" in page


def test_deactivating_and_reactivating_are_audited(app, lead_client):
    client, lead = lead_client
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    edit(client, alex, active=None)  # the box unticked
    with in_app():
        alex = db.session.get(User, alex.id)
        db.session.expunge(alex)
    edit(client, alex, active="y")
    assert [e[:2] for e in events_about(alex.id)] == [
        (lead.id, "deactivated"),
        (lead.id, "reactivated"),
    ]
    page = audit_log(app, "?subject=user")
    assert "Morgan Lead Alex Rivera (" in page
    assert "Deactivated" in page and "Reactivated" in page


def test_saving_without_a_change_records_nothing(lead_client):
    client, _lead = lead_client
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    edit(client, alex)
    assert events_about(alex.id) == []


def test_a_change_refused_records_nothing(lead_client):
    client, lead = lead_client
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    edit(client, alex, name="A" * 500, role="lead")  # a name over its limit: nothing changes
    edit(client, lead, role="trainee")  # a lead may not demote themselves
    assert events_about(alex.id) == [] and events_about(lead.id) == []


# --- passwords ------------------------------------------------------------------------------------


def test_a_reset_link_is_audited_by_whom_for_whom_without_the_token(app, lead_client):
    client, lead = lead_client
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    page = text_of(post(client, f"/lead/people/{alex.id}/reset-link"))
    token = re.search(r"/reset/(\S+)", page).group(1)
    assert events_about(alex.id) == [(lead.id, "password reset link made", None, None, None)]
    log = audit_log(app)
    assert "Morgan Lead Alex Rivera (" in log and "Password reset link made" in log
    assert token not in log
    # completing it is the person's own change, naming whose link it was
    visitor = app.test_client()
    post(visitor, f"/reset/{token}", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert events_about(alex.id)[-1] == (
        alex.id,
        "password reset",
        None,
        None,
        "with a one-time link from Morgan Lead",
    )
    assert "Alex Rivera Alex Rivera (" in audit_log(app)


def test_changing_ones_password_is_audited(app):
    alex = make_user(Role.TRAINEE, name="Alex Rivera")
    client = app.test_client()
    sign_in(client, alex)
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post(client, "/account/password", data).status_code == 302
    assert events_about(alex.id) == [(alex.id, "password changed", None, None, None)]


def test_the_first_password_after_a_temporary_one_is_audited_as_such(app, lead_client):
    # an account that still has a temporary password (as leads handed over before invitations)
    make_user(Role.TRAINEE, email="casey@example.org", must_change_password=True)
    temporary = PASSWORD
    casey = app.test_client()
    post(casey, "/login", {"email": "casey@example.org", "password": temporary})
    data = {"current_password": temporary, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post(casey, "/account/password", data).status_code == 302
    casey_id = user_id("casey@example.org")
    assert events_about(casey_id)[-1] == (
        casey_id,
        "password changed",
        None,
        None,
        "their own, replacing the temporary password",
    )
    wrong = {"current_password": "not it at all", "new_password": "x" * 12, "confirm": "x" * 12}
    post(casey, "/account/password", wrong)  # refused: no event
    assert len(events_about(casey_id)) == 1


# --- the log ------------------------------------------------------------------------------------


def test_people_events_are_found_by_the_persons_name_and_by_subject(app, lead_client):
    client, _lead = lead_client
    alex = make_user(Role.TRAINEE, name="Alex Rivera", email="alex@example.org")
    jo = make_user(Role.TRAINEE, name="Jo Park", email="jo@example.org")
    edit(client, alex, role="supervisor")
    edit(client, jo, name="Jo Parker")
    about_alex = audit_log(app, "?person=rivera&subject=user")
    assert "1 event." in about_alex and "Role changed (trainee → supervisor)" in about_alex
    assert "1 event." in audit_log(app, f"?subject=user&id={jo.id}")
    assert "Name changed: Jo Park → Jo Parker" in audit_log(app, "?person=jo%40example")


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_the_audit_log_stays_for_leads_only(client, role):
    sign_in(client, make_user(role))
    assert client.get("/lead/audit").status_code == 403
    assert client.get("/lead/audit?subject=user").status_code == 403
