"""Only active supervisors supervise. When a supervisor's role changes, their account is
deactivated or a lead removes them from a trainee, their assignments end, the hours waiting for
them go back to the trainees as returned (never stranded), the lead is told how many, and the
trainees' forms and the sign-off never offer or accept them again. The cohort forms accept only
the people they offer."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.helpers import (
    assign,
    count,
    fetch,
    html_of,
    in_app,
    make_cohort,
    make_entry,
    make_user,
    post,
    race,
    race_app,
    sign_in,
    text_of,
)
from training.extensions import db
from training.models import (
    AuditEvent,
    EntryStatus,
    HoursEntry,
    Role,
    SupervisorAssignment,
    User,
)


def edit(client, person, role, active=True):
    data = {"name": person.name, "role": role}
    if active:
        data["active"] = "y"
    return post(client, f"/lead/people/{person.id}", data, follow_redirects=True)


def supervised_by(supervisor):
    with in_app():
        return set(
            db.session.scalars(
                select(SupervisorAssignment.trainee_id).where(
                    SupervisorAssignment.supervisor_id == supervisor.id
                )
            )
        )


def events(action, subject_type):
    with in_app():
        return db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.subject_type == subject_type
            )
        ).all()


def offered(html, field):
    """The (value, label) pairs a page's select box or checkboxes named ``field`` offer."""
    box = re.search(rf'<select[^>]*name="{field}".*?</select>', html, re.S)
    if box:
        return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', box.group(0))
    return re.findall(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"()', html)


def supervisor_choices(client):
    """The names the trainee's hours form offers as supervisor."""
    return [label for _, label in offered(html_of(client.get("/hours/new")), "supervisor")]


def test_a_cohort_supervisor_made_a_trainee_again_leaves_nothing_stranded(app, client):
    """The tester's steps: Alex, a cohort member, is made a supervisor, assigned to the cohort,
    then made a trainee again."""
    lead = make_user(Role.LEAD, name="Morgan Lead")
    sign_in(client, lead)
    cohort = make_cohort()
    alex = make_user(Role.TRAINEE, name="Alex Rivera", cohort_id=cohort.id)
    trainees = [make_user(Role.TRAINEE, name=f"Trainee {i}", cohort_id=cohort.id) for i in range(5)]
    edit(client, alex, "supervisor")
    assigned = post(client, f"/lead/cohorts/{cohort.id}/supervisor", {"supervisor": str(alex.id)})
    assert assigned.status_code == 302
    assert supervised_by(alex) == {t.id for t in trainees}
    alex = fetch(User, alex.id)
    waiting = [
        make_entry(trainees[0], alex, "submitted"),
        make_entry(trainees[1], alex, "submitted"),
    ]
    draft = make_entry(trainees[2], alex, "draft")
    approved = make_entry(trainees[3], alex, "approved")

    page = text_of(edit(client, alex, "trainee"))

    assert (
        "Alex Rivera no longer supervises 5 trainees; 2 submitted entries waiting for Alex Rivera "
        "went back to the trainees as returned" in page
    )
    assert supervised_by(alex) == set()
    assert len(events("supervisor removed", "user")) == 5
    for entry in waiting:
        returned = fetch(HoursEntry, entry.id)
        assert returned.status == EntryStatus.RETURNED
        assert "Alex Rivera no longer supervises you" in returned.return_comment
    returned_events = events("returned", "hours_entry")
    assert {e.subject_id for e in returned_events} == {e.id for e in waiting}
    assert {e.actor_id for e in returned_events} == {lead.id}
    assert fetch(HoursEntry, approved.id).status == EntryStatus.APPROVED  # sign-offs stand

    trainee_client = app.test_client()
    sign_in(trainee_client, trainees[0])
    assert "Returned" in text_of(trainee_client.get("/hours/"))
    assert not any("Alex" in name for name in supervisor_choices(trainee_client))
    # a draft addressed to Alex cannot be sent to him any more
    sign_in(trainee_client, trainees[2])
    response = post(
        trainee_client, "/hours/submit", {"entry": [str(draft.id)]}, follow_redirects=True
    )
    assert "no longer supervises you" in text_of(response)
    assert fetch(HoursEntry, draft.id).status == EntryStatus.DRAFT


def test_deactivating_a_supervisor_ends_their_supervision(client):
    sign_in(client, make_user(Role.LEAD))
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE)
    assign(trainee, sam)
    entry = make_entry(trainee, sam, "submitted")
    page = text_of(edit(client, sam, "supervisor", active=False))
    assert "Sam Supervisor no longer supervises 1 trainee; 1 submitted entry waiting" in page
    assert supervised_by(sam) == set()
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED


def test_saving_an_active_supervisor_keeps_their_trainees(client):
    sign_in(client, make_user(Role.LEAD))
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE)
    assign(trainee, sam)
    entry = make_entry(trainee, sam, "submitted")
    page = text_of(edit(client, sam, "supervisor"))
    assert "no longer supervises" not in page
    assert supervised_by(sam) == {trainee.id}
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_removing_a_supervisor_from_a_trainee_returns_what_waited_for_them(client):
    sign_in(client, make_user(Role.LEAD))
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee, other = make_user(Role.TRAINEE, name="Alex Trainee"), make_user(Role.TRAINEE)
    assign(trainee, sam)
    assign(other, sam)
    mine, theirs = make_entry(trainee, sam, "submitted"), make_entry(other, sam, "submitted")
    before = text_of(client.get(f"/lead/people/{trainee.id}"))
    assert "Remove takes effect at once. Entries waiting for that supervisor's sign-off" in before
    page = text_of(
        post(
            client,
            f"/lead/people/{trainee.id}/supervisors/{sam.id}/remove",
            follow_redirects=True,
        )
    )
    assert "1 submitted entry waiting for Sam Supervisor went back to Alex Trainee" in page
    assert fetch(HoursEntry, mine.id).status == EntryStatus.RETURNED
    assert fetch(HoursEntry, theirs.id).status == EntryStatus.SUBMITTED  # still Sam's trainee
    assert supervised_by(sam) == {other.id}


@pytest.mark.parametrize("who", ["made a trainee", "made a lead", "deactivated"])
def test_a_stale_assignment_is_never_offered_or_accepted(app, client, who):
    """An assignment row left from before (or written by a script) to someone who is not an
    active supervisor: the trainee's form does not offer them and nothing can be sent to them."""
    fields = {
        "made a trainee": {"role": Role.TRAINEE},
        "made a lead": {"role": Role.LEAD},
        "deactivated": {"role": Role.SUPERVISOR, "active": False},
    }[who]
    former = make_user(name="Former Supervisor", **fields)
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE)
    assign(trainee, former)
    assign(trainee, sam)
    draft = make_entry(trainee, former, "draft")
    sign_in(client, trainee)
    assert supervisor_choices(client) == ["Sam Supervisor"]
    entry = {
        "day": datetime.now(UTC).date().isoformat(),
        "hours": "1",
        "minutes": "0",
        "kind": "individual_supervision",
        "method": "in_person",
        "domains": ["ethical_responsibility"],
        "supervisor": str(former.id),
        "notes": "Talked about boundaries.",
    }
    before = count(HoursEntry)
    assert post(client, "/hours/new", entry).status_code == 400
    assert count(HoursEntry) == before
    response = post(client, "/hours/submit", {"entry": [str(draft.id)]}, follow_redirects=True)
    assert "no longer supervises you" in text_of(response)
    assert fetch(HoursEntry, draft.id).status == EntryStatus.DRAFT


# --- the cohort forms accept only what they offer ------------------------------------------------


@pytest.mark.parametrize("who", ["inactive supervisor", "lead", "trainee"])
def test_the_cohort_supervisor_form_refuses_anyone_it_does_not_offer(client, who):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    member = make_user(Role.TRAINEE, cohort_id=cohort.id)
    person = {
        "inactive supervisor": lambda: make_user(Role.SUPERVISOR, active=False),
        "lead": lambda: make_user(Role.LEAD),
        "trainee": lambda: make_user(Role.TRAINEE),
    }[who]()
    page = html_of(client.get(f"/lead/cohorts/{cohort.id}"))
    assert str(person.id) not in {value for value, _ in offered(page, "supervisor")}
    response = post(
        client,
        f"/lead/cohorts/{cohort.id}/supervisor",
        {"supervisor": str(person.id)},
        follow_redirects=True,
    )
    assert "Choose a supervisor from the list" in text_of(response)
    assert count(SupervisorAssignment) == 0 and supervised_by(person) == set()
    assert fetch(User, member.id).cohort_id == cohort.id


@pytest.mark.parametrize(
    "who", ["trainee in another cohort", "inactive trainee", "supervisor", "lead"]
)
def test_the_add_trainees_form_refuses_anyone_it_does_not_offer(client, who):
    sign_in(client, make_user(Role.LEAD))
    cohort, other = make_cohort(), make_cohort("Autumn 2026")
    person = {
        "trainee in another cohort": lambda: make_user(Role.TRAINEE, cohort_id=other.id),
        "inactive trainee": lambda: make_user(Role.TRAINEE, active=False),
        "supervisor": lambda: make_user(Role.SUPERVISOR),
        "lead": lambda: make_user(Role.LEAD),
    }[who]()
    newcomer = make_user(Role.TRAINEE)
    shown = {
        value for value, _ in offered(html_of(client.get(f"/lead/cohorts/{cohort.id}")), "trainees")
    }
    assert str(person.id) not in shown and str(newcomer.id) in shown
    before = fetch(User, person.id).cohort_id
    response = post(
        client,
        f"/lead/cohorts/{cohort.id}/trainees",
        {"trainees": [str(newcomer.id), str(person.id)]},
        follow_redirects=True,
    )
    assert "can no longer be added" in text_of(response)  # said next to the list,
    ticked = re.search(rf'<input[^>]*value="{newcomer.id}"[^>]*>', html_of(response)).group(0)
    assert "checked" in ticked  # what the lead ticked is still ticked
    assert fetch(User, person.id).cohort_id == before
    assert fetch(User, newcomer.id).cohort_id is None  # nothing of a refused form is kept
    assert events("added to cohort", "user") == []


# --- at the same moment ---------------------------------------------------------------------------


@pytest.fixture
def shared_database(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def test_an_entry_submitted_while_its_supervisor_is_demoted_is_never_left_waiting(shared_database):
    """The trainee submits a draft to Sam at the moment a lead makes Sam a trainee: either the
    submission is refused (the trainee is told) or it is returned with the others (the lead is
    told); never submitted to someone who can no longer sign it."""
    app = shared_database
    lead = make_user(Role.LEAD)
    for n in range(3):
        sam = make_user(Role.SUPERVISOR, name=f"Sam Supervisor {n}")
        trainee = make_user(Role.TRAINEE)
        assign(trainee, sam)
        draft = make_entry(trainee, sam, "draft")
        outcomes = race(
            app,
            (
                lambda c: sign_in(c, lead),
                lambda c, sam=sam: edit(c, sam, "trainee"),
            ),
            (
                lambda c, trainee=trainee: sign_in(c, trainee),
                lambda c, draft=draft: post(
                    c, "/hours/submit", {"entry": [str(draft.id)]}, follow_redirects=True
                ),
            ),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        status = fetch(HoursEntry, draft.id).status
        assert status in (EntryStatus.DRAFT, EntryStatus.RETURNED), (status, outcomes)
        if status == EntryStatus.DRAFT:
            assert "no longer supervises you" in outcomes[1], outcomes
        else:
            assert "1 submitted entry waiting for" in outcomes[0], outcomes
        assert supervised_by(sam) == set()
