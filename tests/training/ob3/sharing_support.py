"""What the holder and verifier page tests share: a trainee with a certificate issued the real
way (so it carries its Open Badges credential), the people around them, and reading the
credential back."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assign, make_user, sign_in
from tests.training.certs.test_views import make_eligible, use_track
from training.models import Role, User


@dataclass
class Issued:
    lead: User
    supervisor: User
    trainee: User
    other_trainee: User
    certificate_id: int
    code: str  # as printed: 7K3QD-M9X2A-F4R8T


def issue_certificate(app: Flask, root: Path) -> Issued:
    """A trainee made eligible and issued a certificate by the lead (``issuing.issue``)."""
    from certificates.codes import format_code
    from training.certs import issuing
    from training.extensions import db
    from training.hours.services import track_for

    use_track(app, root)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Riley Chen", email="riley@example.org")
    other = make_user(Role.TRAINEE, name="Alex Other")
    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor)
    with app.app_context():
        holder = db.session.get(User, trainee.id)
        certificate = issuing.issue(holder, track_for(holder), db.session.get(User, lead.id))
        certificate_id, code = certificate.id, format_code(certificate.code)
    return Issued(lead, supervisor, trainee, other, certificate_id, code)


def credential_of(client: FlaskClient, issued: Issued, **query: str) -> dict:
    """The holder's credential, downloaded as JSON (the client must be allowed to)."""
    response = client.get(
        f"/certificates/{issued.certificate_id}/credential.json", query_string=query
    )
    assert response.status_code == 200, response.status_code
    return json.loads(response.data)


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def wallet_path(page_html: str) -> str:
    """The wallet link's path, as the share page shows it (an absolute public URL)."""
    match = re.search(r"http://127\.0\.0\.1:5000(/credentials/wallet/[A-Za-z0-9._-]+)", page_html)
    assert match, "no wallet link on the page"
    return match.group(1)


def revoke(app: Flask, issued: Issued) -> None:
    from training.certs import issuing
    from training.extensions import db
    from training.models import Certificate

    with app.app_context():
        certificate = db.session.get(Certificate, issued.certificate_id)
        issuing.revoke(certificate, db.session.get(User, issued.lead.id), "error", "By mistake.")
        db.session.commit()
