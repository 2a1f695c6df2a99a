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
