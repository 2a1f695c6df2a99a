"""The certificates register and the audit log: for leads only, filterable."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import make_certificate, make_entry, make_user, post, save, sign_in, text_of
from training.models import AuditEvent, Role


def certificate(holder, name, expires_in_days=400, **fields):
    return make_certificate(
        holder, holder_name=name, issued_days_ago=0, expires_in_days=expires_in_days, **fields
    )


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
@pytest.mark.parametrize("url", ["/lead/certificates", "/lead/audit"])
def test_only_leads_see_records(client, role, url):
    sign_in(client, make_user(role))
    assert client.get(url).status_code == 403


def test_the_register_filters_by_status_and_name(client):
    sign_in(client, make_user(Role.LEAD))
    certificate(make_user(), "Valid Vera")
    certificate(make_user(), "Expiring Eli", expires_in_days=30)
    certificate(make_user(), "Expired Ed", expires_in_days=-1)
    certificate(
        make_user(),
        "Revoked Rae",
        revoked_at=datetime.now(UTC),
        revoke_category="error",
        revoke_reason="typo",
    )
    everything = text_of(client.get("/lead/certificates"))
    assert "4 certificates" in everything
    for status, name in [
        ("valid", "Valid Vera"),
        ("expiring", "Expiring Eli"),
        ("expired", "Expired Ed"),
        ("revoked", "Revoked Rae"),
    ]:
        page = text_of(client.get(f"/lead/certificates?status={status}"))
        assert name in page, status
    assert "Valid Vera" not in text_of(client.get("/lead/certificates?status=revoked"))
    assert "1 certificate." in text_of(client.get("/lead/certificates?q=vera"))
    assert "Re-issue" in everything and "Revoke" in everything


def test_the_audit_log_filters_by_person_subject_and_date(client):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    sign_in(client, lead)
    trainee = make_user(Role.TRAINEE, name="Alex Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    from tests.helpers import assign

    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="submitted")
    sign_in(client, supervisor)
    post(client, "/supervise/approve", {"entry": str(entry.id), "attest": "yes"})
    save(
        AuditEvent(
            actor_id=lead.id,
            subject_type="cohort",
            subject_id=1,
            action="created",
            comment="Spring",
            at=datetime.now(UTC) - timedelta(days=10),
        )
    )
    sign_in(client, lead)
    page = text_of(client.get("/lead/audit"))
    assert "Approved (submitted → approved)" in page and "Sam Supervisor" in page
    assert "Approved" in text_of(client.get("/lead/audit?person=sam"))
    assert "Approved" not in text_of(client.get("/lead/audit?person=morgan"))
    assert "2 events" not in text_of(client.get(f"/lead/audit?subject=hours_entry&id={entry.id}"))
    assert "1 event." in text_of(client.get(f"/lead/audit?subject=hours_entry&id={entry.id}"))
    today = datetime.now(UTC).date()
    recent = text_of(client.get(f"/lead/audit?from={today - timedelta(days=1)}"))
    assert "Spring" not in recent and "Approved" in recent
    older = text_of(client.get(f"/lead/audit?to={today - timedelta(days=5)}"))
    assert "Spring" in older and "Approved" not in older


@pytest.mark.parametrize("typed", ["%", "_"])
def test_a_search_for_percent_or_underscore_finds_only_that_character(client, typed):
    """In the audit log's person filter and the register's name search, "%" and "_" are the
    characters a lead typed, not SQL wildcards that match everyone."""
    lead = make_user(Role.LEAD, name="Morgan Lead")
    odd = make_user(Role.SUPERVISOR, name="Dana 100% Sure", email="dana_sure@example.org")
    plain = make_user(Role.SUPERVISOR, name="Sam Plain", email="sam@example.org")
    for actor in (odd, plain):
        save(AuditEvent(actor_id=actor.id, subject_type="cohort", subject_id=1,
                        action="created", comment=f"By {actor.name}"))  # fmt: skip
    certificate(odd, "Ana 50% Lee_Smith")
    certificate(plain, "Bo Plain")
    sign_in(client, lead)
    found = text_of(client.get("/lead/audit", query_string={"person": typed}))
    assert "By Dana 100% Sure" in found and "By Sam Plain" not in found
    register = text_of(client.get("/lead/certificates", query_string={"q": typed}))
    assert "Ana 50% Lee_Smith" in register and "Bo Plain" not in register


@pytest.mark.parametrize("looked_up", [1, 100])
def test_a_person_search_finds_the_events_by_and_about_everyone_it_names(
    client, monkeypatch, looked_up
):
    """Whether the people named are few (looked up first, then their events in the indexes)
    or many (their events found by reading the log in order), the page is the same."""
    from training.lead import records

    monkeypatch.setattr(records, "PEOPLE_LOOKED_UP", looked_up)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    kim, kip, other = (make_user(name=n) for n in ("Kim Ames", "Kip Ames", "Lou Bell"))
    for actor, subject in ((lead, kim), (kip, kip), (other, other), (lead, other)):
        save(AuditEvent(actor_id=actor.id, subject_type="user", subject_id=subject.id,
                        action="role changed", comment=f"{actor.name} on {subject.name}"))  # fmt: skip
    sign_in(client, lead)
    found = text_of(client.get("/lead/audit", query_string={"person": "AMES"}))
    assert "Morgan Lead on Kim Ames" in found and "Kip Ames on Kip Ames" in found
    assert "Lou Bell on" not in found and "Morgan Lead on Lou Bell" not in found
    assert "2 events." in found
    assert "0 events." in text_of(client.get("/lead/audit?person=nobody"))


def test_register_and_audit_log_run_a_fixed_number_of_queries(app, client):
    from tests.training.lead.test_cohorts import counting_queries

    lead = make_user(Role.LEAD)
    sign_in(client, lead)

    def add(n):
        for _ in range(n):
            holder = make_user()
            certificate(holder, holder.name)
            save(
                AuditEvent(
                    actor_id=holder.id, subject_type="user", subject_id=holder.id, action="created"
                )
            )

    add(2)
    client.get("/lead/certificates")
    with counting_queries(app) as few_register:
        client.get("/lead/certificates")
    with counting_queries(app) as few_audit:
        client.get("/lead/audit")
    add(30)
    with counting_queries(app) as many_register:
        assert "32 certificates" in text_of(client.get("/lead/certificates"))
    with counting_queries(app) as many_audit:
        assert "32 events" in text_of(client.get("/lead/audit"))
    assert len(many_register) == len(few_register) and len(many_audit) == len(few_audit)
