"""The audit log names whose hours entry, certificate or other record an event is about (never a
database id), found in one query for the page; and a search by a person's name finds the events
about their records too."""

from __future__ import annotations

import re

import pytest

from tests.helpers import (
    html_of,
    make_certificate,
    make_cohort,
    make_entry,
    make_user,
    save,
    sign_in,
    text_of,
)
from tests.training.lead.test_cohorts import counting_queries
from training.models import AuditEvent, Role


@pytest.fixture
def people(client):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    riley = make_user(Role.TRAINEE, name="Riley Chen")
    sam = make_user(Role.SUPERVISOR, name="Sam Okafor")
    sign_in(client, lead)
    return lead, riley, sam


def _about(html: str) -> list[str]:
    cells = re.findall(r'<td data-label="About">(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_events_name_the_person_whose_hours_or_certificate_they_are_about(client, people):
    _lead, riley, sam = people
    entry = make_entry(riley, sam, "approved")
    certificate = make_certificate(riley)
    cohort = make_cohort()
    for subject_type, subject_id, action in (
        ("hours_entry", entry.id, "approved"),
        ("certificate", certificate.id, "issued"),
        ("cohort", cohort.id, "created"),
        ("hours_entry", 999_999, "deleted"),
    ):
        save(AuditEvent(actor_id=sam.id, subject_type=subject_type, subject_id=subject_id,
                        action=action))  # fmt: skip
    html = html_of(client.get("/lead/audit"))
    assert _about(html) == [
        "Hours entry (since deleted)",
        "A cohort",
        "Riley Chen's certificate",
        "Riley Chen's hours entry",
    ]
    assert f'href="/hours/{entry.id}">Riley Chen\'s hours entry' in html
    assert f'href="/lead/people/{riley.id}#certificate-{certificate.id}"' in html
    assert f"Hours entry {entry.id}" not in html and "Number" not in text_of(
        client.get("/lead/audit")
    )
    assert 'name="id"' not in html  # no box asks for a database id


def test_a_search_by_name_finds_the_events_about_their_records(client, people):
    _lead, riley, sam = people
    other = make_user(Role.TRAINEE, name="Lou Bell")
    mine, theirs = make_entry(riley, sam, "approved"), make_entry(other, sam, "approved")
    certificate = make_certificate(riley)
    for subject_type, subject_id, comment in (
        ("hours_entry", mine.id, "Riley's entry"),
        ("hours_entry", theirs.id, "Lou's entry"),
        ("certificate", certificate.id, "Riley's certificate"),
    ):
        save(AuditEvent(actor_id=sam.id, subject_type=subject_type, subject_id=subject_id,
                        action="approved", comment=comment))  # fmt: skip
    found = text_of(client.get("/lead/audit", query_string={"person": "riley"}))
    assert "Riley's entry" in found and "Riley's certificate" in found
    assert "Lou's entry" not in found and "2 events." in found
    by_email = text_of(client.get("/lead/audit", query_string={"person": other.email.upper()}))
    assert "Lou's entry" in by_email and "Riley's" not in by_email


@pytest.mark.parametrize(("people_listed", "records_listed"), [(0, 2000), (100, 0), (100, 2000)])
def test_however_the_search_is_run_it_finds_the_same_events(
    client, people, monkeypatch, people_listed, records_listed
):
    """Many people named (a subquery), or few with many records (a subquery per kind of
    record), or few with few (their records listed): the same events."""
    from training.lead import audit_subjects, records

    monkeypatch.setattr(records, "PEOPLE_LOOKED_UP", people_listed)
    monkeypatch.setattr(audit_subjects, "RECORDS_LOOKED_UP", records_listed)
    _, riley, sam = people
    entry = make_entry(riley, sam, "approved")
    other = make_entry(make_user(name="Lou Bell"), sam, "approved")
    for subject_id, comment in ((entry.id, "Riley's entry"), (other.id, "Lou's entry")):
        save(AuditEvent(actor_id=sam.id, subject_type="hours_entry", subject_id=subject_id,
                        action="approved", comment=comment))  # fmt: skip
    found = text_of(client.get("/lead/audit?person=chen"))
    assert "Riley's entry" in found and "Lou's entry" not in found


def test_a_link_to_one_records_history_says_so_with_a_way_out(client, people):
    _lead, riley, sam = people
    entry = make_entry(riley, sam, "approved")
    save(AuditEvent(actor_id=sam.id, subject_type="hours_entry", subject_id=entry.id,
                    action="approved"))  # fmt: skip
    response = client.get(f"/lead/audit?subject=hours_entry&id={entry.id}")
    page = text_of(response)
    assert "Showing the history of one record: Riley Chen's hours entry." in page
    assert 'href="/lead/audit?subject=hours_entry">Show every event' in html_of(response)


def test_names_are_found_in_a_fixed_number_of_queries(app, client, people):
    lead, _riley, sam = people

    def add(n):
        for _ in range(n):
            trainee = make_user()
            entry = make_entry(trainee, sam, "approved")
            certificate = make_certificate(trainee)
            save(
                AuditEvent(actor_id=sam.id, subject_type="hours_entry", subject_id=entry.id,
                           action="approved"),
                AuditEvent(actor_id=lead.id, subject_type="certificate",
                           subject_id=certificate.id, action="issued"),
                AuditEvent(actor_id=lead.id, subject_type="user", subject_id=trainee.id,
                           action="created"),
            )  # fmt: skip

    add(1)
    client.get("/lead/audit")
    with counting_queries(app) as few:
        client.get("/lead/audit")
    add(10)
    with counting_queries(app) as many:
        assert "Person" in text_of(client.get("/lead/audit"))
    assert len(many) == len(few)
