"""Several leads revoking one certificate at the same moment, each with their own reason:
exactly one revocation, audited once, and the reason on the certificate is the one in that
event; every other lead is told who revoked it first, and nothing of theirs is kept. The
database decides (a conditional UPDATE, ``training.certs.transitions.revoke``): real requests
run in parallel threads against one app on a shared database, released together."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import as_user, fetch, in_app, make_user, post, race
from tests.training.certs import test_races
from tests.training.certs.test_races import _eligible_trainee, _issued
from training.extensions import db
from training.models import REVOCATION_CATEGORIES, AuditEvent, Certificate, Role

racing = test_races.racing  # the app on a database several connections share

ROUNDS = 3
LEADS = 4
CATEGORIES = ["misconduct", "error", "requirements", "request"]


def _revocations(certificate_id: int) -> list[tuple[int | None, str | None]]:
    with in_app():
        return [
            (e.actor_id, e.comment)
            for e in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "certificate",
                    AuditEvent.subject_id == certificate_id,
                    AuditEvent.action == "revoked",
                )
            )
        ]


def test_leads_revoking_one_certificate_at_once_revoke_it_once(racing):
    app = racing
    leads = [make_user(Role.LEAD, name=f"Lead {i}") for i in range(LEADS)]
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = _eligible_trainee(app, supervisor, n)
        certificate_id = _issued(app, leads[0], trainee)
        url = f"/certificates/{certificate_id}/revoke"
        outcomes = race(
            app,
            *(
                as_user(
                    lead,
                    lambda c, i=i, url=url: post(
                        c,
                        url,
                        {"category": CATEGORIES[i], "reason": f"Reason of Lead {i}."},
                        follow_redirects=True,
                    ),
                )
                for i, lead in enumerate(leads)
            ),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        won = [i for i, o in enumerate(outcomes) if "is revoked. Verification says so" in o]
        assert len(won) == 1, outcomes
        winner = won[0]
        # one event, by the lead who won, with their reason; the certificate keeps that reason
        told = f"{REVOCATION_CATEGORIES[CATEGORIES[winner]]}: Reason of Lead {winner}."
        assert _revocations(certificate_id) == [(leads[winner].id, told)]
        stored = fetch(Certificate, certificate_id)
        assert (stored.revoke_category, stored.revoke_reason, stored.revoked_by_id) == (
            CATEGORIES[winner],
            f"Reason of Lead {winner}.",
            leads[winner].id,
        )
        # every other lead is told who was first, and that nothing of theirs was kept
        for i, outcome in enumerate(outcomes):
            if i != winner:
                assert (
                    "Nothing was revoked: this certificate was already revoked a moment ago by "
                    f"Lead {winner}."
                ) in outcome, outcomes
