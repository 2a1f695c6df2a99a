"""A credential is never made for a certificate that ended without its bit showing: making a
holder's credential (their share page) and a lead revoking the certificate take turns, and the
served status list notices every credential added since it was read, even one whose certificate
had already ended. Real threads on a real database file (or TEST_DATABASE_URL)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from certificates.ob3 import proof, status_list
from tests.helpers import (
    RACE_TIMEOUT,
    in_app,
    make_certificate,
    make_user,
    race_app,
)
from training.certs import issuing
from training.extensions import db
from training.models import Certificate, OpenBadge, Role, User
from training.ob3 import credentials

LIST = "/credentials/status/1"
ROUNDS = 3


def _served_bit(app, index: int) -> bool:
    encoded = app.test_client().get(LIST).json["credentialSubject"]["encodedList"]
    return status_list.is_set(encoded, index)


def test_a_credential_added_after_the_list_was_read_shows_its_bit(app):
    """The list was read and cached; then a credential is stored for a certificate that had
    already ended (nothing else changed): the next request shows its bit."""
    certificate = make_certificate(make_user(Role.TRAINEE), code="ENDED0000000001")
    with in_app():
        badge_id = credentials.issue_for(db.session.get(Certificate, certificate.id)).id
        db.session.commit()
    with in_app():
        row = db.session.get(Certificate, certificate.id)
        row.revoked_at, row.revoke_category = datetime.now(UTC), "error"
        db.session.commit()
    with in_app():
        index = db.session.get(OpenBadge, badge_id).status_index
    assert _served_bit(app, index)  # read and cached, the revocation counted

    with in_app():  # a second credential of the ended certificate, stored as a race could
        late = credentials.issue_for(db.session.get(Certificate, certificate.id), "did:web:a.b")
        db.session.commit()
        late_index = late.status_index
    assert _served_bit(app, late_index)


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_making_a_credential_while_a_lead_revokes_never_leaves_a_good_one(
    racing, monkeypatch, round_
):
    """The holder's page makes the credential (slowly: signing takes a while) while a lead
    revokes the certificate: afterwards there is no credential, or the served list has its bit
    set. The list was read before the race, so a stale cache would show here too."""
    lead = make_user(Role.LEAD)
    holder = make_user(Role.TRAINEE)
    certificate = make_certificate(holder, code=f"RACE{round_:011d}")
    _served_bit(racing, 0)  # read (and cache) the list before the race
    real_sign = proof.sign

    def slow_sign(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return real_sign(*args, **kwargs)

    monkeypatch.setattr(proof, "sign", slow_sign)
    barrier = threading.Barrier(2, timeout=RACE_TIMEOUT)
    errors: list[str] = []

    def make() -> None:
        with racing.app_context():
            try:
                barrier.wait()
                credentials.credential_for(db.session.get(Certificate, certificate.id))
            except credentials.CredentialError:
                pass  # revoked first: nothing is made, as it should be
            except Exception as error:  # reported below
                errors.append(f"make: {type(error).__name__}: {error}")
            finally:
                db.session.remove()

    def revoke() -> None:
        with racing.app_context():
            try:
                barrier.wait()
                time.sleep(0.1)  # let the maker pass its first check
                issuing.revoke(
                    db.session.get(Certificate, certificate.id),
                    db.session.get(User, lead.id),
                    "error",
                    "Issued by mistake.",
                )
            except Exception as error:  # reported below
                errors.append(f"revoke: {type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=make), threading.Thread(target=revoke)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT)
    assert not errors, errors
    monkeypatch.setattr(proof, "sign", real_sign)
    with in_app():
        assert db.session.get(Certificate, certificate.id).revoked_at is not None
        made = list(
            db.session.scalars(select(OpenBadge).where(OpenBadge.certificate_id == certificate.id))
        )
        indices = [json.loads(b.credential)["credentialStatus"]["statusListIndex"] for b in made]
    for index in indices:
        assert _served_bit(racing, int(index)), "a revoked certificate's credential looks good"
