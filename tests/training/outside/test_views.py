"""Outside training and continuing education as the trainee uses them: recording a course with
its certificate, mistakes named beside their field, the track's allowance, correcting a returned
record, withdrawing one not yet approved."""

from datetime import UTC, datetime, timedelta

import pytest

from certificates.rulebook import TrainingRule
from tests.helpers import (
    count,
    fetch,
    html_of,
    post,
    text_of,
    use_track,
)
from tests.training.outside.support import (
    YESTERDAY,
    as_,
    events_of,
    image_bytes,
    make_record,
    only_record,
    record_form,
    upload,
)
from training.outside.models import OutsideRecord
from training.uploads.models import StoredFile

# --- the trainee -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "button"), [("outside", "Add outside training"), ("ce", "Add continuing education")]
)
def test_a_trainee_records_a_course_with_its_certificate(client, team, kind, button):
    trainee = team["trainee"]
    as_(client, trainee)
    assert button in text_of(client.get("/outside/"))
    page = text_of(client.get(f"/outside/new/{kind}"))
    assert f"{button} " in page and "A PDF, PNG or JPEG of at most 5 MB" in page
    form = record_form(
        hours_ethical_responsibility="2.5",
        hours_advocacy="1.25",
        certificate=upload(image_bytes("JPEG"), "photo.jpeg"),
    )
    response = post(client, f"/outside/new/{kind}", form, follow_redirects=True)
    text = text_of(response)
    assert "Sent to your program lead." in text
    assert "Waiting for your program lead (1)" in text and "Ethics in Peer Work" in text
    record = only_record()
    assert (record.kind, record.status, record.provider, record.day) == (
        kind,
        "submitted",
        "Recovery Academy",
        YESTERDAY,
    )
    assert record.hours == {"ethical_responsibility": 2.5, "advocacy": 1.25}
    stored = fetch(StoredFile, record.file_id)
    assert (stored.owner_id, stored.content_type, stored.filename) == (
        trainee.id,
        "image/jpeg",
        "photo.jpg",
    )
    events = events_of("outside_record", record.id)
    assert [(actor, action) for actor, action, _ in events] == [(trainee.id, "submitted")]
    assert "Ethics in Peer Work (Recovery Academy)" in events[0][2]
    assert events_of("stored_file", stored.id)[0][:2] == (trainee.id, "uploaded")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"provider": ""}, "provider", "Enter who gave the course."),
        ({"title": "x" * 201}, "title", "Please use at most 200 characters."),
        ({"day": ""}, "day", "Enter the date you completed the course."),
        (
            {"day": (datetime.now(UTC).date() + timedelta(days=2)).isoformat()},
            "day",
            "The date can't be in the future.",
        ),
        (
            {"hours_ethical_responsibility": ""},
            "hours_advocacy",
            "Enter the hours in at least one domain",
        ),
        (
            {"hours_ethical_responsibility": "1.1"},
            "hours_ethical_responsibility",
            "Please give hours in quarter hours",
        ),
        (
            {"hours_recovery_wellness": "-1"},
            "hours_recovery_wellness",
            "Enter between 0 and 40 hours.",
        ),
        (
            {"hours_ethical_responsibility": "41"},
            "hours_ethical_responsibility",
            "Enter between 0 and 40 hours.",
        ),
        (
            {"hours_ethical_responsibility": "30", "hours_advocacy": "10.25"},
            "hours_advocacy",
            "One record can hold at most 40 hours; this one has 40.25.",
        ),
        (
            {"hours_ethical_responsibility": "two"},
            "hours_ethical_responsibility",
            "Enter the hours as a number",
        ),
        # what Python's Decimal takes but a form must not (sNaN was a 500 under gunicorn)
        *(
            (
                {"hours_ethical_responsibility": typed},
                "hours_ethical_responsibility",
                "Enter the hours as a number",
            )
            for typed in ("sNaN", "NaN", "inf", "1_0", "\u0663", "1e1", "2.5.1")
        ),
        ({"provider": "   "}, "provider", "Enter who gave the course."),
        ({"certificate": None}, "certificate", "Choose the certificate of completion to upload."),
        (
            {"certificate": upload(b"", "")},
            "certificate",
            "Choose the certificate of completion to upload.",
        ),
    ],
)
def test_mistakes_are_named_beside_their_field_and_nothing_is_saved(
    client, team, changes, field, message
):
    as_(client, team["trainee"])
    response = post(
        client, "/outside/new/outside", record_form(**{"title": "Boundaries", **changes})
    )
    assert response.status_code == 400
    page = html_of(response)
    assert f'id="{field}-error">{message}' in page
    if "title" not in changes:
        assert 'value="Boundaries"' in page  # what was typed is kept
    assert count(OutsideRecord) == 0 and count(StoredFile) == 0


def test_a_chosen_file_must_be_chosen_again_after_another_mistake(client, team):
    as_(client, team["trainee"])
    response = post(client, "/outside/new/outside", record_form(provider=""))
    assert "Please choose the file again" in text_of(response)
    assert count(StoredFile) == 0


def test_the_trainee_is_told_how_many_outside_hours_their_track_counts(app, client, team):
    trainee = team["trainee"]
    use_track(app, training=TrainingRule(outside_max_hours=3))
    make_record(trainee, "approved", hours={"advocacy": 2}, title="Advocacy")
    make_record(trainee, "approved", hours={"ethical_responsibility": 2.5})
    make_record(trainee, "approved", kind="ce", hours={"advocacy": 10})  # CE: not training
    make_record(trainee, "submitted", hours={"advocacy": 10})  # not approved: does not count
    text = text_of(as_(client, trainee).get("/outside/"))
    assert "counts up to 3 hours of approved outside training toward its training hours" in text
    assert "Approved hours beyond that are kept on record but don't count." in text
    assert "You have 4.5 approved hours of outside training; 3 count." in text


def test_a_track_that_counts_no_outside_training_says_so(app, client, team):
    use_track(app, training=TrainingRule(outside_max_hours=0))
    text = text_of(as_(client, team["trainee"]).get("/outside/new/outside"))
    assert "doesn't count outside training toward its training hours" in text


def test_a_returned_record_is_corrected_and_sent_again_keeping_its_certificate(client, team):
    trainee = team["trainee"]
    record = make_record(trainee, "returned", lead_comment="The date on the certificate is 3 May.")
    as_(client, trainee)
    listing = text_of(client.get("/outside/"))
    assert "Returned to you (1)" in listing
    assert "Your program lead's comment: The date on the certificate is 3 May." in listing
    page = client.get(f"/outside/{record.id}/edit")
    assert 'value="2.5"' in html_of(page) and 'value="Recovery Academy"' in html_of(page)
    assert "Leave this empty to keep the one you sent." in text_of(page)
    form = record_form(day="2026-05-03", certificate=None, hours_ethical_responsibility="3")
    response = post(client, f"/outside/{record.id}/edit", form, follow_redirects=True)
    assert "Corrected and sent to your program lead again." in text_of(response)
    now = fetch(OutsideRecord, record.id)
    assert (now.status, str(now.day), now.hours, now.file_id) == (
        "submitted",
        "2026-05-03",
        {"ethical_responsibility": 3.0},
        record.file_id,
    )
    assert [e[1] for e in events_of("outside_record", record.id)] == ["resubmitted"]


def test_a_new_certificate_replaces_the_old_one_which_is_deleted(client, team):
    trainee = team["trainee"]
    record = make_record(trainee, "returned", lead_comment="Wrong certificate.")
    as_(client, trainee)
    form = record_form(certificate=upload(image_bytes("PNG"), "right.png"))
    post(client, f"/outside/{record.id}/edit", form)
    now = fetch(OutsideRecord, record.id)
    assert now.file_id != record.file_id and now.status == "submitted"
    assert fetch(StoredFile, record.file_id) is None
    assert fetch(StoredFile, now.file_id).filename == "right.png"
    assert events_of("stored_file", record.file_id)[-1][1] == "deleted"
    assert "(new certificate)" in events_of("outside_record", record.id)[-1][2]


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_only_a_returned_record_can_be_corrected(client, team, status):
    record = make_record(team["trainee"], status)
    as_(client, team["trainee"])
    response = post(
        client, f"/outside/{record.id}/edit", record_form(title="Changed"), follow_redirects=True
    )
    assert "Only a record your program lead returned to you can be corrected." in text_of(response)
    assert fetch(OutsideRecord, record.id).title == "Ethics in Peer Work"


@pytest.mark.parametrize("status", ["submitted", "returned"])
def test_a_record_not_yet_approved_can_be_withdrawn_with_its_certificate(client, team, status):
    trainee = team["trainee"]
    record = make_record(trainee, status)
    as_(client, trainee)
    response = post(client, f"/outside/{record.id}/withdraw", follow_redirects=True)
    assert "Withdrawn: the record and its certificate were deleted." in text_of(response)
    assert fetch(OutsideRecord, record.id) is None and fetch(StoredFile, record.file_id) is None
    assert events_of("outside_record", record.id)[-1][:2] == (trainee.id, "withdrawn")


def test_an_approved_record_is_locked(client, team):
    record = make_record(team["trainee"], "approved")
    as_(client, team["trainee"])
    response = post(client, f"/outside/{record.id}/withdraw", follow_redirects=True)
    assert "approved by your program lead a moment ago, so it stays on record" in text_of(response)
    assert fetch(OutsideRecord, record.id).status == "approved"
    page = text_of(client.get(f"/outside/{record.id}"))
    assert "Approved records are locked." in page and "Withdraw this record" not in page
