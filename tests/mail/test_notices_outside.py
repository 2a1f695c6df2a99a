"""A trainee hears by email when a program lead approves or returns their outside training or
continuing education: the message says which kind, links to the record, and names neither the
course nor its provider, nor the lead's comment."""

from __future__ import annotations

import pytest

from tests.helpers import make_user, post, sign_in
from tests.mail.test_notices import assert_not_in, assert_told, only_message, opt_out, outbox
from tests.training.outside.support import decision, make_record, only_record
from training.models import Role

TITLE = "Harm Reduction at Eastside Clinic"
PROVIDER = "Eastside Methadone Clinic"
COMMENT = "Please add the certificate's second page."


@pytest.fixture
def team(app):  # type: ignore[no-untyped-def]
    trainee = make_user(Role.TRAINEE, name="Tia Trainee")
    lead = make_user(Role.LEAD, name="Lee Lead")
    return trainee, lead


@pytest.mark.parametrize(
    ("kind", "what"), [("outside", "outside training"), ("ce", "continuing education")]
)
def test_an_approval_says_which_kind_and_links_to_the_record(client, team, kind, what):
    trainee, lead = team
    record = make_record(trainee, kind=kind, title=TITLE, provider=PROVIDER)
    sign_in(client, lead)
    post(client, f"/outside/{record.id}/approve", decision(record))
    assert only_record().status == "approved"
    message = only_message("outside_decision")
    subject = f"Your {what} record was approved"
    assert_told(message, trainee, "outside_decision", subject, f"/outside/{record.id}")
    assert f"Your program lead approved your {what} record." in message.text_body
    assert_not_in(message, TITLE, PROVIDER, "Eastside", "Harm Reduction", lead.name)


def test_a_return_is_told_without_the_comment(client, team):
    trainee, lead = team
    record = make_record(trainee, kind="ce", title=TITLE, provider=PROVIDER)
    sign_in(client, lead)
    post(client, f"/outside/{record.id}/return", decision(record, comment=COMMENT))
    assert only_record().status == "returned"
    message = only_message("outside_decision")
    subject = "Please take another look at your continuing education record"
    assert_told(message, trainee, "outside_decision", subject, f"/outside/{record.id}")
    assert "sent your continuing education record back to you with a comment" in (message.text_body)
    assert_not_in(message, "returned", "correct")
    assert_not_in(message, COMMENT, "second page", TITLE, PROVIDER)


def test_a_decision_that_changes_nothing_writes_nothing(client, team):
    trainee, lead = team
    record = make_record(trainee)
    sign_in(client, lead)
    post(client, f"/outside/{record.id}/return", decision(record, comment="  "))  # no comment
    assert only_record().status == "submitted" and outbox() == []
    post(client, f"/outside/{record.id}/approve", decision(record))
    post(client, f"/outside/{record.id}/approve", decision(record))  # already approved
    post(client, f"/outside/{record.id}/return", decision(record, comment=COMMENT))
    assert only_record().status == "approved"
    assert len(outbox("outside_decision")) == 1


def test_a_decision_on_a_page_older_than_the_record_writes_nothing(client, team):
    trainee, lead = team
    record = make_record(trainee)
    stale = decision(record, seen="2020-01-01T00:00:00.000000+00:00")
    sign_in(client, lead)
    post(client, f"/outside/{record.id}/approve", stale)
    assert only_record().status == "submitted" and outbox() == []


def test_a_trainee_who_turned_these_messages_off_gets_none(client, team):
    trainee, lead = team
    opt_out(trainee, "outside_decision")
    record = make_record(trainee)
    sign_in(client, lead)
    post(client, f"/outside/{record.id}/approve", decision(record))
    assert only_record().status == "approved" and outbox() == []
