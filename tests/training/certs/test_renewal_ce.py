"""Renewal by continuing education through the app: the reminder on the certificate page and the
home page from the track's earliest reminder day, CE approved by a lead counting toward it (and
nothing else), renewal only once the CE is there, the renewed certificate naming the CE that
renewed it, and the leads' "Renewals due" page and CSV."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates.codes import format_code
from certificates.rulebook import ContinuingEducation
from certificates.tracks import Renewal
from tests.helpers import count, in_app, make_certificate, make_user, post, sign_in, text_of
from tests.helpers import use_track as give_track
from tests.training.certs.test_transcript_views import _pdf_pages
from tests.training.certs.test_views import issue, make_eligible, only_certificate
from tests.training.outside.support import make_record
from training.extensions import db
from training.models import AuditEvent, Certificate, Role

TODAY = datetime.now(UTC).date()
CE = ContinuingEducation(hours=20, by_domain={"ethical_responsibility": 6}, reminder_days=(90, 30))


def long(day) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def holder(app, client, setup):
    """A trainee holding a certificate issued today, on a track that renews by 20 hours of CE
    (6 in ethics) and nothing else."""
    lead, supervisor, trainee = setup
    give_track(
        app,
        renewal=Renewal(
            description="Twenty hours of continuing education.", continuing_education=CE
        ),
    )
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    return lead, supervisor, trainee, only_certificate()


def expires_in(cert, days):
    with in_app():
        db.session.get(Certificate, cert.id).expires_on = TODAY + timedelta(days=days)
        db.session.commit()
    return TODAY + timedelta(days=days)


def pages_of(app, trainee):
    client = app.test_client()
    sign_in(client, trainee)
    return text_of(client.get("/certificate/")), text_of(client.get("/learn/"))


def test_the_reminder_starts_on_the_tracks_earliest_reminder_day(app, holder):
    _, _, trainee, cert = holder
    expires_in(cert, 91)
    mine, home = pages_of(app, trainee)
    assert "continuing-education hours" not in mine and "continuing-education hours" not in home
    assert "Renew my certificate" not in mine
    day = expires_in(cert, 90)
    mine, home = pages_of(app, trainee)
    reminder = (
        f"Your certificate expires on {long(day)}. You have 0 of 20 continuing-education hours "
        "(0 of 6 in Ethical Responsibility)."
    )
    assert reminder in mine and reminder in home
    assert "Your certificate expires in 90 days" in mine
    assert "20 more continuing-education hours (approved by your program lead)" in mine


def test_only_ce_a_lead_approved_dated_since_the_issue_counts_each_course_once(app, holder):
    _, _, trainee, cert = holder
    expires_in(cert, 30)
    hours = {"advocacy": 6, "ethical_responsibility": 2}
    make_record(trainee, "approved", kind="ce", hours=hours, day=TODAY, title="Ethics update")
    make_record(trainee, "approved", kind="ce", hours=hours, day=TODAY, title="ethics  UPDATE")
    make_record(trainee, "submitted", kind="ce", hours={"advocacy": 10}, day=TODAY, title="B")
    make_record(trainee, "returned", kind="ce", hours={"advocacy": 10}, day=TODAY, title="C")
    make_record(trainee, "approved", kind="outside", hours={"advocacy": 10}, day=TODAY)
    yesterday = TODAY - timedelta(days=1)  # before the certificate was issued
    make_record(trainee, "approved", kind="ce", hours={"advocacy": 10}, day=yesterday, title="D")
    mine, _ = pages_of(app, trainee)
    assert "You have 8 of 20 continuing-education hours (2 of 6 in Ethical Responsibility)." in mine


def test_renewal_needs_the_ce_and_then_issues_a_new_certificate(app, client, holder):
    _, _, trainee, cert = holder
    expires_in(cert, 30)
    own = app.test_client()
    sign_in(own, trainee)
    refused = post(own, f"/certificate/{cert.id}/renew", follow_redirects=True)
    assert "Renewal needs: 20 more continuing-education hours" in text_of(refused)
    assert count(Certificate) == 1
    make_record(trainee, "approved", kind="ce", hours={"ethical_responsibility": 6}, day=TODAY)
    make_record(trainee, "approved", kind="ce", hours={"advocacy": 13.75}, day=TODAY, title="A")
    page = text_of(own.get("/certificate/"))
    assert "0.25 more continuing-education hours" in page and "Renew my certificate" not in page
    make_record(trainee, "approved", kind="ce", hours={"advocacy": 0.25}, day=TODAY, title="B")
    assert "Renew my certificate" in text_of(own.get("/certificate/"))
    done = post(own, f"/certificate/{cert.id}/renew", follow_redirects=True)
    assert "Renewed. Your new certificate" in text_of(done)
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != cert.id)).one()
        assert new.kind == "renewal" and new.expires_on > cert.expires_on
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"renewed", "replaced"} <= actions


def _renewed_with_ce(app, trainee, cert):
    """Renew ``cert`` once the CE is there (some of it not counted): the renewal."""
    expires_in(cert, 30)
    ethics = {"ethical_responsibility": 6}
    make_record(trainee, "approved", kind="ce", hours=ethics, day=TODAY, title="Ethics update")
    make_record(trainee, "approved", kind="ce", hours=ethics, day=TODAY, title="ethics  UPDATE")
    make_record(
        trainee,
        "approved",
        kind="ce",
        hours={"advocacy": 14},
        day=TODAY,
        title="Advocacy today",
        provider="State College",
    )
    make_record(trainee, "submitted", kind="ce", hours={"advocacy": 9}, title="Not approved yet")
    before = TODAY - timedelta(days=1)
    make_record(
        trainee, "approved", kind="ce", hours={"advocacy": 9}, day=before, title="Too early"
    )
    own = app.test_client()
    sign_in(own, trainee)
    assert "Renewed." in text_of(post(own, f"/certificate/{cert.id}/renew", follow_redirects=True))
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != cert.id)).one()
        db.session.expunge(new)
    return new


COUNTED_CE = [
    {
        "kind": "ce",
        "on": TODAY.isoformat(),
        "title": "Advocacy today",
        "hours": {"advocacy": 14.0},
        "provider": "State College",
    },
    {
        "kind": "ce",
        "on": TODAY.isoformat(),
        "title": "Ethics update",
        "hours": {"ethical_responsibility": 6.0},
        "provider": "Recovery Academy",
    },
]
RENEWED_WITH = (
    "Renewed with 20 hours of continuing education (Advocacy 14, Ethical Responsibility 6)."
)


def test_a_renewed_certificate_names_the_ce_that_renewed_it(app, holder, tmp_path):
    _, _, trainee, cert = holder
    new = _renewed_with_ce(app, trainee, cert)
    payload = json.loads(new.payload)
    assert payload["certifies"]["continuing_education"] == {
        "advocacy": 14.0,
        "ethical_responsibility": 6.0,
    }
    assert [line for line in json.loads(new.transcript) if line["kind"] == "ce"] == COUNTED_CE
    visitor = app.test_client()
    code = format_code(new.code)
    page = text_of(visitor.get(f"/verify/{code}"))
    assert (
        "Continuing education 20 hours counted for this renewal (Advocacy 14, Ethical "
        "Responsibility 6)"
    ) in page
    assert RENEWED_WITH in visitor.get(f"/verify/{code}.json").json["certifies"]
    transcript = text_of(visitor.get(f"/verify/{code}/transcript"))
    assert "Continuing education counted for this renewal" in transcript
    assert "Advocacy today State College Advocacy 14 14" in transcript
    assert "Ethics update Recovery Academy Ethical Responsibility 6 6" in transcript
    assert "Continuing-education hours counted: 20." in transcript
    for not_counted in ("ethics UPDATE", "Not approved yet", "Too early"):
        assert not_counted not in transcript
    first, second = _pdf_pages(app, new, tmp_path)
    assert RENEWED_WITH in first
    assert "Continuing education counted for this renewal" in second
    assert "Advocacy today State College Advocacy 14 14" in second


def test_a_first_certificate_names_no_ce(app, holder):
    _, _, _, cert = holder
    assert "continuing_education" not in json.loads(cert.payload)["certifies"]
    assert "Continuing education" not in text_of(app.test_client().get(f"/verify/{cert.code}"))


def test_a_reissued_renewal_still_names_the_ce_that_renewed_it(app, client, holder):
    lead, _, trainee, cert = holder
    renewal = _renewed_with_ce(app, trainee, cert)
    sign_in(client, lead)
    for name in ("Riley Chen-Okafor", "Riley Okafor"):  # corrected twice
        current = only_current()
        post(client, f"/certificates/{current.id}/reissue", {"holder_name": name})
    latest = only_current()
    assert latest.id != renewal.id and latest.kind == "reissue"
    assert json.loads(latest.payload)["certifies"]["continuing_education"] == {
        "advocacy": 14.0,
        "ethical_responsibility": 6.0,
    }
    assert [x for x in json.loads(latest.transcript) if x["kind"] == "ce"] == COUNTED_CE


def only_current():
    with in_app():
        current = db.session.scalars(
            select(Certificate).where(
                Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)
            )
        ).one()
        db.session.expunge(current)
        return current


def test_a_track_without_ce_keeps_its_old_reminder_and_renewal(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    cert = only_certificate()
    expires_in(cert, 61)  # the program's setting (60 days) decides
    mine, _ = pages_of(app, trainee)
    assert "Your certificate expires in" not in mine
    expires_in(cert, 60)
    mine, _ = pages_of(app, trainee)
    assert "Your certificate expires in 60 days" in mine
    assert "continuing-education" not in mine


# --- the leads' page ---------------------------------------------------------------------------


@pytest.fixture
def due(app, holder):
    lead, _, trainee, cert = holder
    expires_in(cert, 45)
    make_record(trainee, "approved", kind="ce", hours={"ethical_responsibility": 2}, day=TODAY)
    later = make_certificate(
        make_user(name="Later Lee"), code="LATER0000000001", expires_in_days=91
    )
    soon = make_certificate(make_user(name="Soon Sam"), code="SOON00000000001", expires_in_days=3)
    gone = make_certificate(
        make_user(name="Revoked Ray"), code="REVOKED00000001", expires_in_days=5
    )
    with in_app():
        db.session.get(Certificate, gone.id).revoked_at = datetime.now(UTC)
        db.session.commit()
    return lead, later, soon


def test_leads_see_certificates_due_with_each_holders_ce(app, client, due):
    lead, _, _ = due
    sign_in(client, lead)
    page = text_of(client.get("/lead/renewals-due"))
    assert "2 certificates due for renewal." in page
    assert page.index("Soon Sam") < page.index("Riley Chen")  # soonest first
    assert "Later Lee" not in page and "Revoked Ray" not in page
    assert "in 45 days" in page
    assert "2 of 20 continuing-education hours (2 of 6 in Ethical Responsibility)" in page


def test_the_renewals_due_csv(app, client, due):
    lead, _, _ = due
    sign_in(client, lead)
    response = client.get("/lead/renewals-due.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Holder",
        "Email",
        "Track",
        "Certificate code",
        "Expires on",
        "Days left",
        "CE hours",
        "CE hours needed",
        "CE by domain",
        "CE done",
    ]
    riley = next(row for row in rows if row[0] == "Riley Chen")
    assert riley[4:] == [
        (TODAY + timedelta(days=45)).isoformat(),
        "45",
        "2",
        "20",
        "'2 of 6 in Ethical Responsibility",  # neutralised: it starts like a number
        "no",
    ]
    assert [row[0] for row in rows[1:]] == ["Soon Sam", "Riley Chen"]


def test_the_renewals_due_page_is_a_page_at_a_time(app, client, due, monkeypatch):
    from training.certs import renewals

    monkeypatch.setattr(renewals, "PAGE_SIZE", 1)
    lead, _, _ = due
    sign_in(client, lead)
    first = text_of(client.get("/lead/renewals-due"))
    second = text_of(client.get("/lead/renewals-due?page=2"))
    assert "Soon Sam" in first and "Riley Chen" not in first and "Page 1 of 2" in first
    assert "Riley Chen" in second and "Soon Sam" not in second
    assert "Riley Chen" in text_of(client.get("/lead/renewals-due?page=99"))


@pytest.mark.parametrize("url", ["/lead/renewals-due", "/lead/renewals-due.csv"])
def test_only_leads_see_renewals_due(app, due, url, setup):
    _, supervisor, trainee = setup
    visitor = app.test_client()
    assert "/login" in visitor.get(url).headers["Location"]
    for person in (trainee, supervisor, make_user(Role.SUPERVISOR)):
        sign_in(visitor, person)
        assert visitor.get(url).status_code == 403
