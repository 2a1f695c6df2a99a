"""What trainees and supervisors see of live training, who else is refused, and the hours the
integrator's ``attended_events`` gives each trainee."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event as sql_event

from tests.helpers import in_app, sign_in, text_of
from tests.training.events.conftest import attend, days_ago, make_event
from training.events.services import attended_events
from training.extensions import db
from training.models import utcnow


def test_a_trainee_sees_their_events_their_attendance_and_their_live_hours(client, people):
    riley = people["riley"]
    make_event(title="Spring workshop ahead", day=days_ago(-5), cohort_id=people["spring"].id)
    make_event(title="Open class ahead", day=days_ago(-6), location="Video call")
    make_event(title="Autumn only", day=days_ago(-5), cohort_id=people["autumn"].id)
    make_event(title="Called off", day=days_ago(-7), cancelled_at=utcnow())
    full = make_event(title="Full day", day=days_ago(20))
    part = make_event(title="Half stayed", day=days_ago(10), cohort_id=people["spring"].id)
    missed = make_event(title="Missed one", day=days_ago(5))
    attend(full, riley)
    attend(part, riley, "partial", 90)
    attend(missed, riley, "absent")
    sign_in(client, riley)
    assert client.get("/events/").headers["Location"].endswith("/events/mine")
    text = text_of(client.get("/events/mine"))
    ahead = text.split("Coming up", 1)[1].split("Attended", 1)[0]
    assert "Spring workshop ahead" in ahead and "Open class ahead" in ahead
    assert "Video call" in ahead and "Autumn only" not in ahead
    assert "Called off Cancelled" in ahead
    assert (
        "Live training hours in all: 4.5 h (Advocacy 2.25 h, Ethical Responsibility 2.25 h)" in text
    )
    assert "Half stayed Attended part (1 h 30 min of 3 h) Advocacy 0.75 h" in text
    assert "Missed one Did not attend None" in text
    assert text.index("Missed one") < text.index("Half stayed") < text.index("Full day")


def test_a_trainee_without_a_cohort_sees_events_for_everyone_only(client, people):
    make_event(title="Spring workshop ahead", day=days_ago(-5), cohort_id=people["spring"].id)
    make_event(title="Open class ahead", day=days_ago(-6))
    sign_in(client, people["nomad"])
    text = text_of(client.get("/events/mine"))
    assert "Open class ahead" in text and "Spring workshop ahead" not in text
    assert "No attendance is recorded yet." in text and "Live training hours in all: 0 h." in text


def test_a_trainee_sees_only_their_own_attendance(client, people):
    riley, jordan = people["riley"], people["jordan"]
    attend(make_event(title="Jordan went"), jordan)
    sign_in(client, riley)
    assert "Jordan went" not in text_of(client.get("/events/mine"))
    assert client.get(f"/events/trainees/{jordan.id}").status_code == 404
    assert client.get(f"/events/trainees/{riley.id}").status_code == 200


def test_a_supervisor_sees_their_trainees_and_no_one_elses(client, people):
    riley, jordan = people["riley"], people["jordan"]
    attend(make_event(title="Riley went"), riley, "partial", 60)
    attend(make_event(title="Jordan went"), jordan)
    sign_in(client, people["sam"])
    listing = text_of(client.get("/events/"))
    assert "Riley Chen 1 h (Advocacy 0.5 h, Ethical Responsibility 0.5 h)" in listing
    assert "Jordan Diaz" not in listing
    page = text_of(client.get(f"/events/trainees/{riley.id}"))
    assert "Training events: Riley Chen" in page and "Riley went" in page
    assert client.get(f"/events/trainees/{jordan.id}").status_code == 404
    assert client.get("/events/mine").status_code == 403
    sign_in(client, people["alex"])  # a supervisor of nobody
    assert "No trainees are assigned to you yet." in text_of(client.get("/events/"))
    assert client.get(f"/events/trainees/{riley.id}").status_code == 404


def test_a_lead_sees_any_trainee_but_not_other_people(client, people):
    sign_in(client, people["lead"])
    assert client.get(f"/events/trainees/{people['avery'].id}").status_code == 200
    assert client.get(f"/events/trainees/{people['sam'].id}").status_code == 404
    assert client.get("/events/trainees/999999").status_code == 404
    assert client.get("/events/mine").status_code == 403


def test_attended_events_for_the_integrator(app, people):
    riley, jordan, avery = people["riley"], people["jordan"], people["avery"]
    later = make_event(title="Later", day=days_ago(2), hours={"advocacy": 1})
    earlier = make_event(title="Earlier", day=days_ago(9))
    attend(later, riley)
    attend(earlier, riley, "partial", 45)
    attend(earlier, jordan, "absent")
    called_off = make_event(title="Called off", cancelled_at=utcnow())
    attend(called_off, avery)  # made directly: the app never cancels an attended event
    statements: list[str] = []
    with in_app():
        engine = db.engine
        note = lambda *args: statements.append(args[2])  # noqa: E731
        sql_event.listen(engine, "before_cursor_execute", note)
        try:
            found = attended_events([riley.id, jordan.id, avery.id, 424242])
        finally:
            sql_event.remove(engine, "before_cursor_execute", note)
    assert len(statements) == 1
    assert set(found) == {riley.id, jordan.id, avery.id, 424242}
    assert found[jordan.id] == [] and found[avery.id] == [] and found[424242] == []
    first, second = found[riley.id]
    assert (first.title, first.day, first.minutes_attended) == ("Earlier", days_ago(9), 45)
    assert dict(first.hours) == {"advocacy": 0.25, "ethical_responsibility": 0.25}
    assert (second.title, second.minutes_attended, dict(second.hours)) == (
        "Later",
        60,
        {"advocacy": 1.0},
    )
    assert isinstance(second.day, date)
    with in_app():
        assert attended_events([]) == {}
