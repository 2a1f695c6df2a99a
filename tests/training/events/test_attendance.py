"""The attendance sheet: one row per trainee the event is for, saved in one submit; only the
rows that changed are written and audited; bad rows change nothing and keep what was typed;
the lead's CSV exports; and two leads saving at once."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.helpers import (
    as_user,
    count,
    fetch,
    html_of,
    in_app,
    make_cohort,
    make_user,
    post,
    race,
    sign_in,
    text_of,
)
from tests.training.events.conftest import attend, days_ago, end_meanwhile, make_event
from tests.training.events.test_scheduling import audit_of
from training.events import attendance
from training.events.models import EventAttendance, TrainingEvent
from training.extensions import db
from training.models import Role, User, utcnow


def records(event_id: int) -> dict[int, tuple[str, int | None]]:
    with in_app():
        rows = db.session.scalars(
            select(EventAttendance).where(EventAttendance.event_id == event_id)
        )
        return {r.trainee_id: (r.status, r.minutes) for r in rows}


def sheet(*rows: tuple[User, str, str]) -> dict[str, object]:
    """The attendance form: each (trainee, status, minutes) as the page sends it."""
    data: dict[str, object] = {"trainee": [str(t.id) for t, _, _ in rows]}
    for trainee, status, minutes in rows:
        if status:
            data[f"status-{trainee.id}"] = status
        data[f"minutes-{trainee.id}"] = minutes
    return data


def test_a_cohort_events_sheet_lists_that_cohorts_trainees(client, people):
    event = make_event(cohort_id=people["spring"].id)
    sign_in(client, people["lead"])
    page = client.get(f"/events/{event.id}/attendance")
    text = text_of(page)
    assert "Riley Chen" in text and "Jordan Diaz" in text
    assert "Avery Autumn" not in text and "Noor Nocohort" not in text
    assert "Not recorded yet" in text and "lasts 3 h" in text
    assert "Attended in full" in text and "Attended part" in text and "Did not attend" in text
    assert '<th scope="row"' in html_of(page)


def test_an_event_for_everyone_lists_every_active_trainee_with_a_search(client, people):
    event = make_event()
    save_inactive = make_user(Role.TRAINEE, name="Ina Inactive", active=False)
    sign_in(client, people["lead"])
    text = text_of(client.get(f"/events/{event.id}/attendance"))
    for name in ("Riley Chen", "Jordan Diaz", "Avery Autumn", "Noor Nocohort"):
        assert name in text
    assert save_inactive.name not in text and "Sam Supervisor" not in text
    found = text_of(client.get(f"/events/{event.id}/attendance?q=avery"))
    assert "Avery Autumn" in found and "Riley Chen" not in found
    nobody = text_of(client.get(f"/events/{event.id}/attendance?q=%25"))
    assert "No trainee matches “%”." in nobody


def test_the_sheet_is_bounded_pages(client, people, monkeypatch):
    monkeypatch.setattr(attendance, "ROSTER_PAGE", 2)
    event = make_event()
    sign_in(client, people["lead"])
    first = text_of(client.get(f"/events/{event.id}/attendance"))
    assert "Page 1 of 2" in first and "Avery Autumn" in first and "Riley Chen" not in first
    second = text_of(client.get(f"/events/{event.id}/attendance?page=2"))
    assert "Riley Chen" in second and "Avery Autumn" not in second


def test_saving_writes_and_audits_only_what_changed(client, people):
    riley, jordan = people["riley"], people["jordan"]
    event = make_event(cohort_id=people["spring"].id)
    sign_in(client, people["lead"])
    url = f"/events/{event.id}/attendance"
    answer = post(client, url, sheet((riley, "partial", "90"), (jordan, "absent", "")))
    assert answer.status_code == 302
    assert "Saved: 2 attendance records changed." in text_of(client.get(answer.headers["Location"]))
    assert records(event.id) == {riley.id: ("partial", 90), jordan.id: ("absent", None)}
    assert [(e.action, e.to_status) for e in audit_of("event_attendance")] == [
        ("recorded", "partial"),
        ("recorded", "absent"),
    ]
    # the same again: nothing is written
    post(client, url, sheet((riley, "partial", "90"), (jordan, "absent", "")))
    assert len(audit_of("event_attendance")) == 2
    # one row changes: one audit event, from and to
    again = post(client, url, sheet((riley, "present", "90"), (jordan, "absent", "")))
    assert "Saved: 1 attendance record changed." in text_of(client.get(again.headers["Location"]))
    assert records(event.id)[riley.id] == ("present", None)
    changed = audit_of("event_attendance", "changed")
    assert [(e.from_status, e.to_status) for e in changed] == [("partial", "present")]
    assert "Riley Chen at Boundaries workshop" in changed[0].comment
    assert "from attended part (90 minutes) to attended in full" in changed[0].comment
    assert changed[0].actor_id == people["lead"].id
    page = html_of(client.get(url))
    assert (
        f'id="status-{riley.id}-present" name="status-{riley.id}" value="present" checked' in page
    )


def test_a_row_left_blank_is_not_recorded(client, people):
    event = make_event(cohort_id=people["spring"].id)
    sign_in(client, people["lead"])
    post(
        client,
        f"/events/{event.id}/attendance",
        sheet((people["riley"], "present", ""), (people["jordan"], "", "")),
    )
    assert records(event.id) == {people["riley"].id: ("present", None)}


@pytest.mark.parametrize(
    ("status", "minutes", "message"),
    [
        ("partial", "", "Enter how many minutes they attended."),
        ("partial", "50", "Use steps of 15 minutes."),
        ("partial", "180", "for the whole event choose “Attended in full”"),
        ("partial", "1e3", "Enter the minutes as a whole number, for example 90."),
        ("partial", "99999", "Enter the minutes as a whole number, for example 90."),
        ("late", "", "Choose whether they attended in full, in part, or not at all."),
    ],
)
def test_a_bad_row_saves_nothing_and_keeps_what_was_typed(client, people, status, minutes, message):
    riley, jordan = people["riley"], people["jordan"]
    event = make_event(cohort_id=people["spring"].id)
    sign_in(client, people["lead"])
    answer = post(
        client,
        f"/events/{event.id}/attendance",
        sheet((riley, status, minutes), (jordan, "present", "")),
    )
    assert answer.status_code == 400
    text = text_of(answer)
    assert "Nothing was saved." in text and "Riley Chen: " in text and message in text
    assert records(event.id) == {} and not audit_of("event_attendance")
    html = html_of(answer)
    assert f'name="minutes-{riley.id}" value="{minutes[:4]}"' in html
    assert f'name="status-{jordan.id}" value="present" checked' in html


def test_trainees_outside_the_events_group_are_not_recorded(client, people):
    event = make_event(cohort_id=people["spring"].id)
    sign_in(client, people["lead"])
    post(
        client,
        f"/events/{event.id}/attendance",
        sheet((people["avery"], "present", ""), (people["sam"], "present", "")),
    )
    assert records(event.id) == {}


def test_attendance_waits_for_the_day_and_never_comes_for_a_cancelled_event(client, people):
    future = make_event(day=days_ago(-2))
    cancelled = make_event(cancelled_at=utcnow())
    sign_in(client, people["lead"])
    page = text_of(client.get(f"/events/{future.id}/attendance"))
    assert "You can record attendance from" in page and "Save attendance" not in page
    answer = post(
        client, f"/events/{future.id}/attendance", sheet((people["riley"], "present", ""))
    )
    assert "record attendance on or after that day" in text_of(answer)
    assert "no attendance can be recorded" in text_of(
        client.get(f"/events/{cancelled.id}/attendance")
    )
    post(client, f"/events/{cancelled.id}/attendance", sheet((people["riley"], "present", "")))
    assert count(EventAttendance) == 0


@pytest.mark.parametrize("who", ["riley", "sam"])
def test_trainees_and_supervisors_cannot_record_or_export(client, people, who):
    event = make_event()
    sign_in(client, people[who])
    url = f"/events/{event.id}/attendance"
    assert client.get(url).status_code == 403
    assert post(client, url, sheet((people["riley"], "present", ""))).status_code == 403
    assert client.get(f"{url}.csv").status_code == 403
    assert client.get("/events/attendance.csv?from=2026-01-01&to=2026-12-31").status_code == 403
    assert count(EventAttendance) == 0


def test_an_unknown_event_is_not_found(client, people):
    sign_in(client, people["lead"])
    assert client.get("/events/999/attendance").status_code == 404
    assert client.get("/events/999/attendance.csv").status_code == 404


def read_csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_of_an_events_attendance(client, people):
    event = make_event(title="=Boundaries")
    attend(event, people["riley"], "partial", 90)
    attend(event, people["jordan"], "absent")
    sign_in(client, people["lead"])
    rows = read_csv(client.get(f"/events/{event.id}/attendance.csv"))
    assert rows[0] == [
        "Name",
        "Email",
        "Attendance",
        "Minutes attended",
        "Advocacy (hours)",
        "Mentoring/Education (hours)",
        "Recovery/Wellness Support (hours)",
        "Ethical Responsibility (hours)",
        "Total hours",
    ]
    assert rows[1] == [
        "Jordan Diaz",
        people["jordan"].email,
        "Did not attend",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]
    assert rows[2] == [
        "Riley Chen",
        people["riley"].email,
        "Attended part",
        "90",
        "0.75",
        "0",
        "0",
        "0.75",
        "1.5",
    ]


def test_the_csv_of_every_attendance_in_a_date_range(client, people):
    inside = make_event(title="Inside", day=days_ago(10), cohort_id=people["spring"].id)
    outside = make_event(title="Outside", day=days_ago(100))
    attend(inside, people["riley"])
    attend(outside, people["riley"])
    sign_in(client, people["lead"])
    start, end = days_ago(30).isoformat(), days_ago(0).isoformat()
    answer = client.get(f"/events/attendance.csv?from={start}&to={end}")
    rows = read_csv(answer)
    assert rows[0][:8] == [
        "Date",
        "Event",
        "Facilitator",
        "For",
        "Name",
        "Email",
        "Attendance",
        "Minutes attended",
    ]
    assert len(rows) == 2
    assert rows[1][:8] == [
        days_ago(10).isoformat(),
        "Inside",
        "Dana Facilitator",
        "Spring 2026",
        "Riley Chen",
        people["riley"].email,
        "Attended in full",
        "180",
    ]
    assert rows[1][-1] == "3"
    for query, message in [
        ("", "Enter both dates of the range to download."),
        (f"from={end}&to={start}", "The first date of the range must come before the last."),
        ("from=2001-01-01&to=2026-01-01", "at most three years"),
    ]:
        refused = client.get(f"/events/attendance.csv?{query}", follow_redirects=True)
        assert message in text_of(refused)


def test_two_leads_saving_the_same_trainee_at_once_leave_one_record(racing):
    app = racing
    morgan, casey = (
        make_user(Role.LEAD, name="Morgan Lead"),
        make_user(Role.LEAD, name="Casey Lead"),
    )
    cohort = make_cohort("Race cohort")
    for round_number in range(3):
        trainee = make_user(Role.TRAINEE, name=f"Riley {round_number}", cohort_id=cohort.id)
        event = make_event(cohort_id=cohort.id)
        url = f"/events/{event.id}/attendance"

        def saving(status, minutes="", url=url, trainee=trainee):  # type: ignore[no-untyped-def]
            def act(client):  # type: ignore[no-untyped-def]
                return post(client, url, sheet((trainee, status, minutes)))

            return act

        outcomes = race(
            app, as_user(morgan, saving("present")), as_user(casey, saving("partial", "60"))
        )
        assert all(o.startswith("302 ") for o in outcomes), outcomes
        with in_app():
            rows = db.session.scalars(
                select(EventAttendance).where(EventAttendance.event_id == event.id)
            ).all()
            assert len(rows) == 1
            final = (rows[0].status, rows[0].minutes)
            assert final in {("present", None), ("partial", 60)}
        events = [
            e
            for e in audit_of("event_attendance")
            if f"Riley {round_number} at" in (e.comment or "")
        ]
        assert events[0].action == "recorded"
        # every change is audited from what the other wrote, and the last one is what is stored
        assert len(events) in (1, 2)
        assert events[-1].to_status == final[0]
        if len(events) == 2:
            assert events[1].action == "changed" and events[1].from_status == events[0].to_status


def test_saving_attendance_while_another_lead_deletes_the_event(racing):
    """Whoever goes first, the other is told in words: never a 500, never attendance at an
    event that is gone."""
    app = racing
    morgan, casey = (
        make_user(Role.LEAD, name="Morgan Lead"),
        make_user(Role.LEAD, name="Casey Lead"),
    )
    cohort = make_cohort("Race cohort")
    trainee = make_user(Role.TRAINEE, name="Riley Chen", cohort_id=cohort.id)
    for _ in range(4):
        event = make_event(cohort_id=cohort.id)
        url = f"/events/{event.id}/attendance"
        answered: dict[str, tuple[int, str | None]] = {}

        def saving(client, url=url, answered=answered):  # type: ignore[no-untyped-def]
            response = post(client, url, sheet((trainee, "present", "")))
            answered["save"] = (response.status_code, response.headers.get("Location"))
            return client.get(response.location) if response.location else response

        def deleting(client, event_id=event.id):  # type: ignore[no-untyped-def]
            return client.get(post(client, f"/events/{event_id}/delete").location)

        saved, deleted = race(app, as_user(morgan, saving), as_user(casey, deleting))
        assert not saved.startswith("ERROR") and not deleted.startswith("ERROR"), (saved, deleted)
        if fetch(TrainingEvent, event.id) is None:  # the deletion went first
            assert "Deleted Boundaries workshop" in deleted, deleted
            assert records(event.id) == {}
            # too late to load the event (404), or too late to hold it: told, and sent back
            assert answered["save"] in ((404, None), (303, "/events/")), answered
            if answered["save"][0] == 303:
                assert "This event was deleted, so no attendance was recorded." in saved
        else:  # the attendance went first: the event took place, and is kept
            assert answered["save"] == (302, f"{url}?page=1"), answered
            assert records(event.id) == {trainee.id: ("present", None)}
            assert "Attendance is recorded for this event, so it is kept" in deleted, deleted


@pytest.mark.parametrize(
    ("meanwhile", "said"),
    [
        ("delete", "This event was deleted, so no attendance was recorded."),
        ("cancel", "This event was cancelled, so no attendance was recorded."),
    ],
)
def test_an_event_ended_while_the_attendance_was_being_saved(racing, monkeypatch, meanwhile, said):
    """Another lead deletes or cancels the event between this save loading it and holding its
    row (the moment the race above can hit): the lead is sent back to the events, told which."""
    people = {"lead": make_user(Role.LEAD, name="Morgan Lead")}
    people["trainee"] = make_user(Role.TRAINEE, name="Riley Chen")
    event = make_event()
    end_meanwhile(monkeypatch, attendance, meanwhile)
    client = racing.test_client()
    sign_in(client, people["lead"])
    response = post(
        client, f"/events/{event.id}/attendance", sheet((people["trainee"], "present", ""))
    )
    assert response.status_code == 303 and response.location == "/events/"
    assert said in text_of(client.get(response.location))
    assert records(event.id) == {} and count(EventAttendance) == 0
