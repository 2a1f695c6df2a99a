"""People management: only program leads, with clear messages and no lock-outs."""

import re

import pytest

from tests.helpers import count, fetch, html_of, make_user, post, sign_in, text_of
from training.models import Role, User


def signed_in(client, role=Role.LEAD, **fields):
    user = make_user(role, **fields)
    sign_in(client, user)
    return user


@pytest.mark.parametrize("url", ["/lead/people", "/lead/people/new", "/lead/people/1"])
def test_anonymous_visitors_must_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_trainees_and_supervisors_are_denied(client, role):
    user = signed_in(client, role)
    for url in ["/lead/people", "/lead/people/new", f"/lead/people/{user.id}"]:
        assert client.get(url).status_code == 403
    new = post(client, "/lead/people/new", {"name": "X", "email": "x@example.org", "role": "lead"})
    assert new.status_code == 403
    edit = post(client, f"/lead/people/{user.id}", {"name": "X", "role": "lead", "active": "y"})
    assert edit.status_code == 403
    assert fetch(User, user.id).role == role
    assert "You don't have access to this page" in text_of(client.get("/lead/people"))


def test_a_lead_sees_everyone(client):
    signed_in(client, name="Morgan Lead")
    make_user(Role.TRAINEE, name="Alex Trainee")
    make_user(Role.SUPERVISOR, name="Sam Supervisor")
    page = text_of(client.get("/lead/people"))
    for name in ("Morgan Lead", "Alex Trainee", "Sam Supervisor", "Program lead", "Supervisor"):
        assert name in page


def test_a_lead_creates_an_account_with_an_invitation_link(app, client):
    signed_in(client)
    response = post(
        client,
        "/lead/people/new",
        {"name": "Casey Morgan", "email": "Casey@Example.org", "role": "supervisor"},
    )
    page = text_of(response)
    assert "Account created for Casey Morgan" in page
    link = re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", page).group(1)
    newcomer = app.test_client()
    password = "the newcomer's own passphrase"
    post(newcomer, link, {"new_password": password, "confirm": password})
    signed = post(newcomer, "/login", {"email": "casey@example.org", "password": password})
    assert signed.status_code == 302
    assert newcomer.get("/learn/").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@example.org", "role": "trainee"}, "Enter the person's name."),
        ({"name": "A", "email": "not-an-email", "role": "trainee"}, "Enter an email address like"),
        ({"name": "A", "email": "a@example.org", "role": "admin"}, "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_creates_nothing(client, data, message):
    signed_in(client)
    response = post(client, "/lead/people/new", data)
    assert message in text_of(response)
    assert count(User) == 1


def test_an_email_can_only_be_used_once(client):
    signed_in(client)
    existing = make_user()
    response = post(
        client,
        "/lead/people/new",
        {"name": "B", "email": existing.email.upper(), "role": "trainee"},
    )
    assert f"An account for {existing.email} already exists." in text_of(response)
    assert count(User) == 2


def test_a_lead_changes_a_role_and_deactivates_an_account(app, client):
    signed_in(client)
    person = make_user(Role.TRAINEE)
    their_client = app.test_client()
    sign_in(their_client, person)
    assert their_client.get("/learn/").status_code == 200
    post(client, f"/lead/people/{person.id}", {"name": "New Name", "role": "supervisor"})
    changed = fetch(User, person.id)
    assert (changed.name, changed.role, changed.active) == ("New Name", Role.SUPERVISOR, False)
    assert their_client.get("/learn/").status_code == 302  # signed out at once
    assert "Deactivated" in text_of(client.get("/lead/people"))


def test_a_lead_cannot_lock_themselves_out(client):
    me = signed_in(client)
    response = post(
        client,
        f"/lead/people/{me.id}",
        {"name": "Me", "role": "trainee", "active": "y"},
        follow_redirects=True,
    )
    assert "can't remove your own lead role" in text_of(response)
    assert fetch(User, me.id).role == Role.LEAD


def test_editing_an_unknown_person_is_not_found(client):
    signed_in(client)
    assert client.get("/lead/people/999").status_code == 404


def test_forms_without_csrf_are_rejected(client):
    signed_in(client)
    person = make_user()
    response = client.post(f"/lead/people/{person.id}", data={"name": "X", "role": "lead"})
    assert response.status_code == 400 and "This form has expired" in text_of(response)
    assert fetch(User, person.id).role == Role.TRAINEE


# --- supervisors and sign-offs -----------------------------------------------------------------


def test_a_lead_assigns_and_removes_supervisors(client):
    from tests.helpers import find
    from training.models import SupervisorAssignment

    signed_in(client)
    trainee = make_user(Role.TRAINEE, name="Alex Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    page = text_of(client.get(f"/lead/people/{trainee.id}"))
    assert "No supervisor assigned yet" in page and "Sam Supervisor" in page
    post(client, f"/lead/people/{trainee.id}/supervisors", {"supervisor": str(supervisor.id)})
    assert find(SupervisorAssignment, trainee_id=trainee.id) is not None
    assert "Remove Sam Supervisor" in text_of(client.get(f"/lead/people/{trainee.id}"))
    post(client, f"/lead/people/{trainee.id}/supervisors/{supervisor.id}/remove")
    assert find(SupervisorAssignment, trainee_id=trainee.id) is None


def test_only_supervisors_can_be_assigned_and_only_to_trainees(client):
    from training.models import SupervisorAssignment

    signed_in(client)
    trainee = make_user(Role.TRAINEE)
    other_trainee = make_user(Role.TRAINEE)
    post(client, f"/lead/people/{trainee.id}/supervisors", {"supervisor": str(other_trainee.id)})
    supervisor = make_user(Role.SUPERVISOR)
    assert (
        post(
            client, f"/lead/people/{supervisor.id}/supervisors", {"supervisor": str(supervisor.id)}
        ).status_code
        == 404
    )
    assert count(SupervisorAssignment) == 0


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_others_cannot_assign_supervisors_or_void_sign_offs(client, role):
    from tests.helpers import assign, make_entry
    from training.models import EntryStatus, HoursEntry, SupervisorAssignment

    trainee = make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR)
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="approved")
    me = signed_in(client, role)
    assert (
        post(
            client, f"/lead/people/{trainee.id}/supervisors", {"supervisor": str(me.id)}
        ).status_code
        == 403
    )
    assert post(client, f"/lead/hours/{entry.id}/void", {"reason": "x"}).status_code == 403
    assert count(SupervisorAssignment) == 1
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED


def test_a_supervisors_credential_is_kept_on_their_profile(client):
    signed_in(client)
    supervisor = make_user(Role.SUPERVISOR)
    post(
        client,
        f"/lead/people/{supervisor.id}",
        {
            "name": supervisor.name,
            "role": "supervisor",
            "active": "y",
            "credential": "Certified Peer Recovery Specialist, licence 12345",
        },
    )
    assert (
        fetch(User, supervisor.id).credential == "Certified Peer Recovery Specialist, licence 12345"
    )


def test_a_lead_voids_a_sign_off_only_with_a_reason_which_stays_on_record(client):
    from tests.helpers import assign, make_entry
    from training.models import EntryStatus, HoursEntry, SignOff

    lead = signed_in(client)
    trainee = make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="approved")
    missing = post(client, f"/lead/hours/{entry.id}/void", {"reason": " "}, follow_redirects=True)
    assert "Give the reason" in text_of(missing)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    post(client, f"/lead/hours/{entry.id}/void", {"reason": "Signed for the wrong date."})
    after = fetch(HoursEntry, entry.id)
    assert after.status == EntryStatus.RETURNED
    assert "Signed for the wrong date." in after.return_comment
    from tests.helpers import find

    voided = find(SignOff, entry_id=entry.id)
    assert voided.voided_by_id == lead.id and voided.void_reason == "Signed for the wrong date."
    page = text_of(client.get(f"/hours/{entry.id}"))
    assert "was voided" in page and "Sign-off voided by" in page
    again = post(client, f"/lead/hours/{entry.id}/void", {"reason": "twice"}, follow_redirects=True)
    assert "no sign-off in force" in text_of(again)


def test_a_lead_sees_a_trainees_hours_and_opens_each(client):
    from tests.helpers import assign, make_entry

    signed_in(client)
    trainee = make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR)
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="approved")
    page = text_of(client.get(f"/lead/people/{trainee.id}"))
    assert "Individual supervision" in page and "Approved" in page
    assert "Void the sign-off" in text_of(client.get(f"/hours/{entry.id}"))


def test_person_page_title_is_just_the_name(client):
    signed_in(client)
    trainee = make_user(Role.TRAINEE, name="Alex Trainee")
    page = html_of(client.get(f"/lead/people/{trainee.id}"))
    assert re.search(r"<title>Alex Trainee · [^<]+</title>", page)


def test_people_are_paged_and_searchable_in_a_fixed_number_of_queries(app, client):
    from tests.training.lead.test_cohorts import counting_queries

    signed_in(client)
    for i in range(3):
        make_user(Role.TRAINEE, name=f"Few {i}")
    client.get("/lead/people")
    with counting_queries(app) as few:
        client.get("/lead/people")
    for i in range(60):
        make_user(Role.TRAINEE, name=f"Many {i:02d}")
    with counting_queries(app) as many:
        page = text_of(client.get("/lead/people"))
    assert len(many) == len(few)
    assert "64 people" in page and "Page 1 of 2" in page
    assert "1 person." in text_of(client.get("/lead/people?q=many 07"))
    assert "1 person." in text_of(client.get("/lead/people?role=lead"))


def test_a_people_search_for_a_wildcard_character_matches_it_literally(client):
    signed_in(client)
    make_user(Role.TRAINEE, name="Ana 100% Ready")
    make_user(Role.TRAINEE, name="Bo Other")
    assert "1 person." in text_of(client.get("/lead/people?q=%25"))  # "%"
    assert "0 people." in text_of(client.get("/lead/people?q=_"))


def test_a_supervisor_is_created_with_their_credential(client):
    from tests.helpers import find

    signed_in(client)
    post(
        client,
        "/lead/people/new",
        {
            "name": "Sam",
            "email": "sam@example.org",
            "role": "supervisor",
            "credential": "CPRS 12345",
        },
    )
    assert find(User, email="sam@example.org").credential == "CPRS 12345"
