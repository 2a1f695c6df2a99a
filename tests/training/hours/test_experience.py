"""Experience rules on the web: the direct-service answer (saved, shown, exported), the track's
experience requirements on the hours page, and supervisor qualification at sign-off (refused,
allowed, shown beforehand, re-read at the moment of signing, and on the lead's person page)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates.rulebook import ExperienceRule, SupervisorRule
from tests.helpers import (
    as_user,
    assign,
    count,
    fetch,
    find,
    hours_form,
    html_of,
    in_app,
    make_entry,
    make_user,
    post,
    race,
    race_app,
    sign_in,
    text_of,
    use_track,
)
from training.extensions import db
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, SignOff, User

TODAY = datetime.now(UTC).date()
PRACTICE = {"kind": "supervised_practice", "notes": "Peer support group at the drop-in."}
ONLY_LCSW = SupervisorRule(("LCSW", "Certified Peer Supervisor"))


@pytest.fixture
def pair(app):
    trainee = make_user(Role.TRAINEE, name="Taylor Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 12345")
    assign(trainee, supervisor)
    return trainee, supervisor


def approve(client, *entries):
    data = {"entry": [str(e.id) for e in entries], "attest": "yes"}
    return post(client, "/supervise/approve", data, follow_redirects=True)


def audit_actions(entry_id):
    with in_app():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.subject_type == "hours_entry", AuditEvent.subject_id == entry_id)
                .order_by(AuditEvent.id)
            )
        )


# --- direct service ---------------------------------------------------------------------------


def test_the_form_asks_about_direct_service_and_says_what_counts(client, pair):
    trainee, _ = pair
    sign_in(client, trainee)
    page = text_of(client.get("/hours/new"))
    assert "Was this direct service with the people you support?" in page
    assert "one-to-one or group support of the peers you serve" in page
    assert "Admin, training and travel are not direct service" in page


def test_direct_service_is_saved_shown_and_kept_when_editing(client, pair):
    trainee, supervisor = pair
    sign_in(client, trainee)
    response = post(client, "/hours/new", hours_form(supervisor, **PRACTICE, direct_service="yes"))
    assert response.status_code == 302
    entry = find(HoursEntry, trainee_id=trainee.id)
    assert entry.direct_service is True and entry.kind == "supervised_practice"
    assert audit_actions(entry.id) == ["created"]
    assert "Supervised practice, direct service" in text_of(client.get("/hours/"))
    assert "Direct service Yes" in text_of(client.get(f"/hours/{entry.id}"))
    edit = html_of(client.get(f"/hours/{entry.id}/edit"))
    assert 'value="yes" checked' in edit or 'checked id="direct_service-0"' in edit
    post(client, f"/hours/{entry.id}/edit", hours_form(supervisor, **PRACTICE, direct_service="no"))
    assert fetch(HoursEntry, entry.id).direct_service is False
    assert "Direct service No" in text_of(client.get(f"/hours/{entry.id}"))


def test_supervision_cannot_be_direct_service(client, pair):
    trainee, supervisor = pair
    sign_in(client, trainee)
    response = post(client, "/hours/new", hours_form(supervisor, direct_service="yes"))
    assert response.status_code == 400
    page = text_of(response)
    assert "Only supervised practice can be direct service" in page
    assert "Group supervision on advocacy with housing services." in page  # input kept
    assert count(HoursEntry) == 0


def test_a_form_without_the_answer_saves_no_direct_service(client, pair):
    trainee, supervisor = pair
    sign_in(client, trainee)
    post(client, "/hours/new", hours_form(supervisor, **PRACTICE, direct_service=None))
    assert find(HoursEntry, trainee_id=trainee.id).direct_service is False


def test_the_supervisor_and_the_lead_see_direct_service_on_the_entry(client, pair):
    trainee, supervisor = pair
    entry = make_entry(trainee, supervisor, "submitted", direct_service=True, **PRACTICE)
    sign_in(client, supervisor)
    assert "Direct service Yes" in text_of(client.get(f"/hours/{entry.id}"))
    lead = make_user(Role.LEAD)
    sign_in(client, lead)
    assert "Direct service Yes" in text_of(client.get(f"/hours/{entry.id}"))
    person = text_of(client.get(f"/lead/people/{trainee.id}"))
    assert "Supervised practice, direct service" in person


@pytest.mark.parametrize("who", ["other trainee", "unassigned supervisor"])
def test_nobody_else_sees_the_entry(client, pair, who):
    trainee, supervisor = pair
    entry = make_entry(trainee, supervisor, "submitted", direct_service=True, **PRACTICE)
    role = Role.TRAINEE if who == "other trainee" else Role.SUPERVISOR
    sign_in(client, make_user(role))
    assert client.get(f"/hours/{entry.id}").status_code == 404


def test_csv_and_summary_say_which_practice_was_direct_service(client, pair):
    trainee, supervisor = pair
    make_entry(trainee, supervisor, "approved", direct_service=True, minutes=120, **PRACTICE)
    make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=3), **PRACTICE)
    make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=4))
    sign_in(client, trainee)
    text = client.get("/hours/export.csv").get_data(as_text=True).lstrip("\ufeff")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[:5] == ["Date", "Kind", "Direct service", "Method", "Hours"]
    by_kind = sorted(row[1:4] for row in rows)
    assert by_kind == [
        ["Individual supervision", "", "In person"],
        ["Supervised practice", "No", "In person"],
        ["Supervised practice", "Yes", "In person"],
    ]
    summary = text_of(client.get("/hours/summary"))
    assert "Supervised practice: 3 h (2 h of it direct service)" in summary
    assert "Supervised practice, direct service" in summary


# --- the track's experience rules on the hours page ----------------------------------------------


def test_the_hours_page_shows_what_the_experience_rules_still_need(app, client, pair):
    trainee, supervisor = pair
    use_track(
        app,
        experience=ExperienceRule(
            direct_service_hours=250,
            practice_hours_per_supervision_hour=20,
            group_supervision_max_percent=50,
        ),
    )
    make_entry(trainee, supervisor, "approved", minutes=600, direct_service=True, **PRACTICE)
    make_entry(
        trainee,
        supervisor,
        "approved",
        day=TODAY - timedelta(days=3),
        minutes=12 * 60,
        kind="group_supervision",
        domains=["advocacy"],
    )
    make_entry(
        trainee,
        supervisor,
        "approved",
        day=TODAY - timedelta(days=4),
        minutes=12 * 60,
        kind="group_supervision",
        domains=["advocacy"],
    )
    sign_in(client, trainee)
    page = text_of(client.get("/hours/"))
    assert (
        "Direct service within supervised practice: 10 of 250 h 240 more approved hours of "
        "direct service within supervised practice"
    ) in page
    assert (
        "Supervision: 12.5 of 25 h group supervision counts up to 12.5 hours; log 12.5 more "
        "hours of individual supervision"
    ) in page
    assert "1 hour of supervision for every 20 hours of practice: 12.5 of 0.5 h ✓ Done" in page
    assert "Of the supervised practice: direct service 10 h 10 h" in page


# --- supervisor qualification at sign-off --------------------------------------------------------


def test_a_supervisor_whose_credential_does_not_qualify_cannot_approve(app, client, pair):
    trainee, supervisor = pair
    use_track(app, supervisors=ONLY_LCSW)
    first = make_entry(trainee, supervisor, "submitted")
    second = make_entry(trainee, supervisor, "submitted", day=TODAY - timedelta(days=3))
    sign_in(client, supervisor)
    page = text_of(approve(client, first, second))
    message = (
        "You can't sign off hours for this track (Peer Recovery Specialist (foundation "
        "training)): Only supervisors holding one of these credentials may sign off hours on "
        "this track: LCSW or Certified Peer Supervisor. Your recorded credential is “CPRS "
        "12345”. If you hold one of them, ask your program lead to update your credential."
    )
    assert page.count(message) == 1  # once, however many entries were ticked
    assert "Approved" not in page.split("Sign-off queue")[1].split(message)[0]
    for entry in (first, second):
        assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED
        assert audit_actions(entry.id) == []
    assert count(SignOff) == 0


def test_the_review_page_says_so_beforehand_and_offers_only_returning(app, client, pair):
    trainee, supervisor = pair
    use_track(app, supervisors=ONLY_LCSW)
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    response = client.get(f"/hours/{entry.id}")
    page = text_of(response)
    assert "You can't sign off hours for this track" in page
    assert "ask your program lead to update your credential" in page
    assert 'action="/supervise/approve"' not in html_of(response)
    assert "Return to the trainee" in page


def test_a_qualifying_supervisor_approves_and_the_sign_off_keeps_the_credential(app, client, pair):
    trainee, supervisor = pair
    use_track(app, supervisors=ONLY_LCSW)
    with in_app():
        db.session.get(User, supervisor.id).credential = "Licensed Clinical Social Worker (LCSW)"
        db.session.commit()
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    assert "You can't sign off" not in text_of(client.get(f"/hours/{entry.id}"))
    assert "Approved 1 entry" in text_of(approve(client, entry))
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    sign_off = find(SignOff, entry_id=entry.id)
    assert sign_off.supervisor_credential == "Licensed Clinical Social Worker (LCSW)"
    assert audit_actions(entry.id) == ["approved"]


def test_approval_reads_the_credential_the_lead_recorded_a_moment_ago(app, client, pair):
    """Signed in before the lead changed it, the supervisor is checked against the new one."""
    trainee, supervisor = pair
    use_track(app, supervisors=ONLY_LCSW)
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    client.get("/supervise/")
    lead = make_user(Role.LEAD)
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    changed = post(
        lead_client,
        f"/lead/people/{supervisor.id}",
        {"name": "Sam Supervisor", "role": "supervisor", "credential": "LCSW 77", "active": "y"},
    )
    assert changed.status_code == 302
    assert "Approved 1 entry" in text_of(approve(client, entry))
    assert find(SignOff, entry_id=entry.id).supervisor_credential == "LCSW 77"


def test_a_credential_changed_between_the_check_and_the_approval_approves_nothing(
    app, client, pair, monkeypatch
):
    """The approving UPDATE itself requires the credential that was checked."""
    from training.hours import signoffs

    trainee, supervisor = pair
    use_track(app, supervisors=ONLY_LCSW)
    entry = make_entry(trainee, supervisor, "submitted")
    reads = iter(["LCSW 77"])  # what the check saw; the database still says CPRS 12345
    real = signoffs._credential_now
    monkeypatch.setattr(signoffs, "_credential_now", lambda s: next(reads, None) or real(s))
    sign_in(client, supervisor)
    page = text_of(approve(client, entry))
    assert "Your recorded credential was changed while you were signing" in page
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED
    assert count(SignOff) == 0 and audit_actions(entry.id) == []


def test_a_track_without_supervisor_rules_lets_any_assigned_supervisor_sign(client, pair):
    trainee, supervisor = pair
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    assert "Approved 1 entry" in text_of(approve(client, entry))


def test_the_lead_sees_which_tracks_a_supervisor_may_sign_off(app, client, pair):
    _, supervisor = pair
    sign_in(client, make_user(Role.LEAD))
    page = text_of(client.get(f"/lead/people/{supervisor.id}"))
    assert "Tracks whose hours Sam Supervisor may sign off" in page
    assert "Peer Recovery Specialist (foundation training): yes" in page
    use_track(app, supervisors=ONLY_LCSW)
    page = text_of(client.get(f"/lead/people/{supervisor.id}"))
    assert (
        "Peer Recovery Specialist (foundation training): no: it accepts only LCSW or Certified "
        "Peer Supervisor, and the credential recorded above names none of them"
    ) in page
    trainee_page = text_of(client.get(f"/lead/people/{pair[0].id}"))
    assert "may sign off" not in trainee_page


def test_a_supervisor_never_sees_another_supervisors_page(client, pair):
    _, supervisor = pair
    sign_in(client, supervisor)
    assert client.get(f"/lead/people/{supervisor.id}").status_code == 403


@pytest.fixture
def shared_database(tmp_path):
    with race_app(tmp_path) as app:
        yield app


@pytest.mark.parametrize("round_", range(3))
def test_a_lead_changing_the_credential_while_the_supervisor_approves(shared_database, round_):
    """Both at once: the approval either goes first (and keeps the credential that qualified)
    or is refused against the new one; never a sign-off under a credential that does not
    qualify, never an error."""
    app = shared_database
    trainee = make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 12345")
    assign(trainee, supervisor)
    use_track(app, supervisors=SupervisorRule(("CPRS",)))
    entry = make_entry(trainee, supervisor, "submitted")
    lead = make_user(Role.LEAD)
    form = {"name": "Sam Supervisor", "role": "supervisor", "credential": "MSW", "active": "y"}
    outcomes = race(
        app,
        as_user(supervisor, lambda c: approve(c, entry)),
        as_user(lead, lambda c: post(c, f"/lead/people/{supervisor.id}", form)),
    )
    assert outcomes[0].startswith("200 ") and outcomes[1].startswith("302 "), outcomes
    assert fetch(User, supervisor.id).credential == "MSW"
    status = fetch(HoursEntry, entry.id).status
    signed = [s.supervisor_credential for s in _sign_offs(entry.id)]
    if status == EntryStatus.APPROVED:
        assert signed == ["CPRS 12345"] and "Approved 1 entry" in outcomes[0]
        assert audit_actions(entry.id) == ["approved"]
    else:
        assert status == EntryStatus.SUBMITTED and signed == [] and audit_actions(entry.id) == []
        assert "can't sign off" in outcomes[0] or "changed while you were signing" in outcomes[0]


def _sign_offs(entry_id):
    with in_app():
        rows = list(db.session.scalars(select(SignOff).where(SignOff.entry_id == entry_id)))
        db.session.expunge_all()
        return rows
