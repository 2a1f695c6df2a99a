"""A program lead schedules live training events (by hand, or from a track's live session),
edits, cancels and deletes them; bad input changes nothing; everyone else is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from certificates.rulebook import TrainingRule
from tests.helpers import (
    as_user,
    count,
    fetch,
    html_of,
    in_app,
    make_user,
    post,
    race,
    sign_in,
    text_of,
    use_track,
)
from tests.training.events.conftest import (
    TEMPLATE,
    attend,
    days_ago,
    end_meanwhile,
    make_event,
)
from training import limits
from training.events.models import TrainingEvent
from training.extensions import db
from training.models import AuditEvent, Role, utcnow


def audit_of(subject_type: str, action: str | None = None) -> list[AuditEvent]:
    with in_app():
        query = select(AuditEvent).where(AuditEvent.subject_type == subject_type)
        if action:
            query = query.where(AuditEvent.action == action)
        rows = db.session.scalars(query.order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return list(rows)


def event_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Motivational interviewing practice",
        "day": (days_ago(-7)).isoformat(),
        "facilitator": "Dana Facilitator",
        "location": "Room 2, 14 Main Street",
        "cohort": "0",
        "hours_mentoring_education": "2",
        "hours_recovery_wellness": "1.25",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def only_event() -> TrainingEvent:
    with in_app():
        event = db.session.scalars(select(TrainingEvent)).one()
        db.session.expunge(event)
        return event


def test_a_lead_schedules_an_event_by_hand(client, people):
    sign_in(client, people["lead"])
    page = client.get("/events/new")
    assert page.status_code == 200
    text = text_of(page)
    assert "Schedule an event" in text and "Ethics in peer work" in text  # the track's session
    assert f'maxlength="{limits.EVENT_TITLE}"' in html_of(page)
    answer = post(client, "/events/new", event_form(cohort=str(people["spring"].id)))
    assert answer.status_code == 302
    event = only_event()
    assert event.hours == {"mentoring_education": 2.0, "recovery_wellness": 1.25}
    assert event.minutes == 195 and event.cohort_id == people["spring"].id
    assert event.template_id is None and event.created_by_id == people["lead"].id
    listing = text_of(client.get("/events/"))
    assert "Scheduled Motivational interviewing practice on" in listing
    assert "Spring 2026" in listing and "Mentoring/Education 2 h" in listing
    [scheduled] = audit_of("training_event", "scheduled")
    assert scheduled.actor_id == people["lead"].id and "Recovery/Wellness Support 1.25 h" in (
        scheduled.comment or ""
    )


def test_a_tracks_live_session_fills_in_the_title_and_hours(client, people):
    sign_in(client, people["lead"])
    page = client.get("/events/new?template=peer-recovery:ethics-day")
    html = html_of(page)
    assert 'value="Ethics in peer work"' in html
    assert 'name="hours_ethical_responsibility"' in html and 'value="2.5"' in html
    post(
        client,
        "/events/new",
        event_form(
            template="peer-recovery:ethics-day",
            title="Ethics in peer work",
            hours_mentoring_education=None,
            hours_recovery_wellness=None,
            hours_ethical_responsibility="2.5",
            hours_advocacy="0.5",
        ),
    )
    event = only_event()
    assert event.template_id == "ethics-day"
    assert event.hours == {"advocacy": 0.5, "ethical_responsibility": 2.5}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Give the event a title."),
        ({"facilitator": ""}, "Enter who leads the event."),
        ({"day": ""}, "Enter the date of the event."),
        ({"hours_recovery_wellness": "1.1"}, "Use quarter hours"),
        ({"hours_recovery_wellness": "lots"}, "Enter hours as a number, for example 1.5."),
        ({"hours_recovery_wellness": "NaN"}, "Enter hours as a number, for example 1.5."),
        ({"hours_recovery_wellness": "-1"}, "Enter hours from 0 to 12."),
        (
            {"hours_mentoring_education": "0", "hours_recovery_wellness": ""},
            "in at least one domain",
        ),
        (
            {"hours_mentoring_education": "10", "hours_recovery_wellness": "2.25"},
            "12 hours at most",
        ),
        ({"title": "x" * (limits.EVENT_TITLE + 1)}, "Please use at most 200 characters."),
        ({"cohort": "99999"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_named_changes_nothing_and_keeps_what_was_typed(
    client, people, changes, message
):
    sign_in(client, people["lead"])
    answer = post(client, "/events/new", event_form(**changes))
    assert answer.status_code == 400
    assert message in text_of(answer)
    assert 'value="Dana Facilitator"' in html_of(answer) or changes.get("facilitator") == ""
    assert count(TrainingEvent) == 0 and not audit_of("training_event")


def test_the_lead_edits_an_event_and_the_change_is_audited(client, people):
    event = make_event(day=days_ago(-3))
    sign_in(client, people["lead"])
    page = client.get(f"/events/{event.id}/edit")
    assert 'value="Boundaries workshop"' in html_of(page)
    data = event_form(
        title="Boundaries workshop, part 1",
        day=event.day.isoformat(),
        hours_mentoring_education=None,
        hours_recovery_wellness=None,
        hours_advocacy="1.5",
        hours_ethical_responsibility="1",
    )
    assert post(client, f"/events/{event.id}/edit", data).status_code == 302
    changed = fetch(TrainingEvent, event.id)
    assert changed.title == "Boundaries workshop, part 1"
    assert changed.hours == {"advocacy": 1.5, "ethical_responsibility": 1.0}
    [edited] = audit_of("training_event", "edited")
    assert "title: Boundaries workshop → Boundaries workshop, part 1" in edited.comment
    assert "Ethical Responsibility 1.5 h" in edited.comment  # from …
    assert "Ethical Responsibility 1 h" in edited.comment  # … to


def test_hours_cannot_change_once_attendance_is_recorded(client, people):
    event = make_event()
    attend(event, people["riley"])
    sign_in(client, people["lead"])
    page = text_of(client.get(f"/events/{event.id}/edit"))
    assert "Attendance is recorded, so the hours can’t change" in page
    assert "Advocacy: 1.5 h" in page
    data = event_form(title="Renamed", day=event.day.isoformat(), hours_advocacy="5")
    answer = post(client, f"/events/{event.id}/edit", data)
    assert answer.status_code == 302  # the other details change; the hours the page kept
    changed = fetch(TrainingEvent, event.id)
    assert changed.title == "Renamed"
    assert changed.hours == {"advocacy": 1.5, "ethical_responsibility": 1.5}


def test_hours_changed_by_a_form_opened_before_attendance_was_recorded_are_refused(client, people):
    """The page offered the hours (no attendance then); attendance came in meanwhile."""
    from training.events import services
    from training.events.services import EventChanges

    event = make_event()
    attend(event, people["riley"])
    with in_app():
        lead = db.session.get(type(people["lead"]), people["lead"].id)
        fresh = db.session.get(TrainingEvent, event.id)
        changes = EventChanges(
            fresh.title, fresh.day, fresh.facilitator, None, {"advocacy": 3.0}, None
        )
        with pytest.raises(services.EventError, match="can't change once attendance"):
            services.edit_event(lead, fresh, changes)
    assert fetch(TrainingEvent, event.id).hours == {"advocacy": 1.5, "ethical_responsibility": 1.5}


def test_cancel_and_delete_only_without_attendance(client, people):
    lonely, held = make_event(title="Nobody came"), make_event(title="Well attended")
    attend(held, people["riley"], "absent")
    sign_in(client, people["lead"])
    listing = text_of(client.get("/events/"))
    assert "Cancel Nobody came" in listing and "Cancel Well attended" not in listing
    post(client, f"/events/{held.id}/cancel")
    post(client, f"/events/{held.id}/delete")
    text = text_of(client.get("/events/"))
    assert "so it took place and can't be cancelled" in text
    assert "so it is kept: it can't be deleted" in text
    assert fetch(TrainingEvent, held.id).cancelled_at is None
    post(client, f"/events/{lonely.id}/cancel")
    assert "Cancelled Nobody came on" in text_of(client.get("/events/"))
    assert fetch(TrainingEvent, lonely.id).cancelled
    assert "already cancelled" in text_of(
        client.get(post(client, f"/events/{lonely.id}/cancel").headers["Location"])
    )
    post(client, f"/events/{lonely.id}/delete")
    assert fetch(TrainingEvent, lonely.id) is None
    assert [e.action for e in audit_of("training_event")] == ["cancelled", "deleted"]
    edit = client.get(f"/events/{lonely.id}/edit")
    assert edit.status_code == 404


def test_a_cancelled_event_cannot_be_edited(client, people):
    from training.models import utcnow

    event = make_event(cancelled_at=utcnow())
    sign_in(client, people["lead"])
    answer = client.get(f"/events/{event.id}/edit", follow_redirects=True)
    assert "was cancelled, so it can't be changed" in text_of(answer)


@pytest.mark.parametrize(
    ("meanwhile", "said"),
    [
        ("delete", "This event was deleted, so nothing was changed."),
        ("cancel", "This event was cancelled, so nothing was changed."),
    ],
)
def test_an_event_ended_while_an_edit_was_being_saved(racing, monkeypatch, meanwhile, said):
    from training.events import services

    lead = make_user(Role.LEAD, name="Morgan Lead")
    event = make_event()
    end_meanwhile(monkeypatch, services, meanwhile)
    client = racing.test_client()
    sign_in(client, lead)
    answer = post(client, f"/events/{event.id}/edit", event_form(title="Renamed"))
    assert answer.status_code == 303 and answer.location == "/events/"
    assert said in text_of(client.get(answer.location))
    assert audit_of("training_event", "edited") == []
    if meanwhile == "cancel":
        assert fetch(TrainingEvent, event.id).title == "Boundaries workshop"


def test_a_second_click_on_schedule_adds_the_event_once(client, people):
    sign_in(client, people["lead"])
    first = post(client, "/events/new", event_form())
    assert first.status_code == 302
    again = post(client, "/events/new", event_form())
    assert again.status_code == 303 and again.location == "/events/"
    listing = text_of(client.get(again.location))
    assert "Motivational interviewing practice on" in listing
    assert "was scheduled a moment ago, so it was not added again." in listing
    assert count(TrainingEvent) == 1 and len(audit_of("training_event", "scheduled")) == 1
    # the same session for another cohort, or under another title, is another event
    post(client, "/events/new", event_form(cohort=str(people["spring"].id)))
    post(client, "/events/new", event_form(title="Motivational interviewing, part 2"))
    assert count(TrainingEvent) == 3


def test_the_same_event_can_be_scheduled_again_after_a_minute(client, people):
    sign_in(client, people["lead"])
    post(client, "/events/new", event_form())
    with in_app():
        db.session.execute(update(TrainingEvent).values(created_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    assert post(client, "/events/new", event_form()).status_code == 302
    assert count(TrainingEvent) == 2


def test_a_double_click_on_schedule_schedules_one_event(racing):
    use_track(racing, "peer-recovery", training=TrainingRule(events=(TEMPLATE,)))
    lead = make_user(Role.LEAD, name="Morgan Lead")

    def schedule(client):  # type: ignore[no-untyped-def]
        return post(client, "/events/new", event_form(), follow_redirects=True)

    outcomes = race(racing, *[as_user(lead, schedule) for _ in range(4)])
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("Scheduled Motivational interviewing practice" in o for o in outcomes) == 1
    assert sum("so it was not added again" in o for o in outcomes) == 3, outcomes
    assert count(TrainingEvent) == 1 and len(audit_of("training_event", "scheduled")) == 1


def test_the_list_has_upcoming_and_past_events_and_a_cohort_filter(client, people):
    make_event(title="Spring future", day=days_ago(-2), cohort_id=people["spring"].id)
    make_event(title="Autumn past", day=days_ago(5), cohort_id=people["autumn"].id)
    make_event(title="Everyone past", day=days_ago(9))
    sign_in(client, people["lead"])
    text = text_of(client.get("/events/"))
    upcoming, past = text.split("Upcoming", 1)[1].split(" Past ", 1)
    assert "Spring future" in upcoming and "Autumn past" not in upcoming
    assert past.index("Autumn past") < past.index("Everyone past")  # newest first
    autumn = text_of(client.get(f"/events/?cohort={people['autumn'].id}"))
    assert "Autumn past" in autumn and "Spring future" not in autumn
    assert "Everyone past" not in autumn
    everyone = text_of(client.get("/events/?cohort=everyone"))
    assert "Everyone past" in everyone and "Autumn past" not in everyone
    assert client.get("/events/?cohort=abc").status_code == 200


@pytest.mark.parametrize("who", ["riley", "sam"])
def test_trainees_and_supervisors_cannot_schedule_edit_cancel_or_delete(client, people, who):
    event = make_event()
    sign_in(client, people[who])
    assert client.get("/events/new").status_code == 403
    assert post(client, "/events/new", event_form()).status_code == 403
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert post(client, f"/events/{event.id}/edit", event_form()).status_code == 403
    assert post(client, f"/events/{event.id}/cancel").status_code == 403
    assert post(client, f"/events/{event.id}/delete").status_code == 403
    assert count(TrainingEvent) == 1 and not fetch(TrainingEvent, event.id).cancelled


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    event = make_event()
    for url in ("/events/", "/events/new", f"/events/{event.id}/attendance", "/events/mine"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_form_without_its_csrf_token_is_refused(client, people):
    event = make_event()
    sign_in(client, people["lead"])
    assert client.post("/events/new", data=event_form()).status_code == 400
    assert client.post(f"/events/{event.id}/cancel").status_code == 400
    assert count(TrainingEvent) == 1


def test_every_role_has_the_navigation_link(client, people):
    for who in ("lead", "riley", "sam"):
        sign_in(client, people[who])
        html = html_of(client.get("/learn/"))
        assert '<li><a href="/events/">Training events</a></li>' in html


def test_an_event_can_move_days_but_not_into_the_future_with_attendance(client, people):
    event = make_event()
    attend(event, people["riley"])
    sign_in(client, people["lead"])
    later = (event.day + timedelta(days=30)).isoformat()
    answer = post(client, f"/events/{event.id}/edit", event_form(day=later, title="X"))
    assert answer.status_code == 400
    assert "can't move to a future date" in text_of(answer)
    assert fetch(TrainingEvent, event.id).title == "Boundaries workshop"
