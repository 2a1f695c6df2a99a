"""Every certificate carries an Open Badges 3.0 credential, issued with it in one transaction:
signed so that our own check accepts it, naming the holder only by a salted hash of their email
(or a DID they give), with a random place in the revocation list; replaced or revoked
certificates' credentials are revoked with them, and never handed out again."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from certificates.codes import format_code
from certificates.ob3 import checking, proof
from certificates.ob3.credential import identity_hash
from tests.helpers import (
    RACE_TIMEOUT,
    count,
    in_app,
    make_certificate,
    make_user,
    race_app,
)
from tests.training.ob3.credential_support import (
    badges_of,
    credential_of,
    issue_through_the_app,
    reissue_through_the_app,
    revoke_through_the_app,
)
from training.extensions import db
from training.models import Certificate, OpenBadge, Role
from training.ob3 import credentials, signing_keys, status


def _check(credential: dict) -> checking.Outcome:
    return checking.check_credential(
        credential,
        issuer_id="http://127.0.0.1:5000/issuer",
        public_keys=signing_keys.public_keys(),
        revoked=status.revoked,
        now=datetime.now(UTC),
    )


def test_an_issued_certificate_carries_a_signed_credential(app, people):
    lead, _, trainee = people
    certificate = issue_through_the_app(app, lead, trainee)
    (badge,) = badges_of(certificate.id)
    credential = json.loads(badge.credential)

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    assert subject["name"] == "Riley Chen"
    assert subject["achievement"]["name"] == certificate.track_title
    assert credential["validUntil"] == f"{certificate.expires_on.isoformat()}T23:59:59Z"
    # the holder is named by a salted hash of their address, never by the address itself
    (identity,) = subject["identifier"]
    assert identity["identityHash"] == identity_hash("riley@example.org", badge.salt)
    assert "riley@example.org" not in badge.credential
    # signed with the key the certificate was signed with, which the issuer publishes
    assert badge.key_id == certificate.key_id
    assert credential["proof"]["verificationMethod"].endswith(f"/issuer/keys/{badge.key_id}")
    assert credential["credentialStatus"]["statusListIndex"] == str(badge.status_index)
    with in_app():
        key = signing_keys.public_keys()[credential["proof"]["verificationMethod"]]
        proof.verify(credential, key)
        outcome = _check(credential)
    assert outcome.ok, outcome.checks


def test_the_evidence_says_what_the_holder_completed(app, people):
    lead, _, trainee = people
    certificate = issue_through_the_app(app, lead, trainee)
    (evidence,) = credential_of(certificate.id)["evidence"]
    assert evidence["id"] == f"http://127.0.0.1:5000/verify/{format_code(certificate.code)}"
    # the certificate's own sentences (``certificates.transcript.sentences_of``), one a line
    lines = evidence["narrative"].splitlines()
    assert "- 1.5 hours of training (Mentoring/Education 1.5)." in lines
    assert "- 2 hours of supervised practice, signed off by the program's supervisors." in lines


def test_an_altered_credential_fails_our_check(app, people):
    lead, _, trainee = people
    credential = credential_of(issue_through_the_app(app, lead, trainee).id)
    credential["credentialSubject"]["name"] = "Someone Else"
    with in_app():
        outcome = _check(credential)
    assert not outcome.ok
    assert [c.name for c in outcome.checks if not c.ok] == ["Signature"]


def test_a_reissue_revokes_the_old_credential_and_issues_a_new_one(app, people):
    lead, _, trainee = people
    old = issue_through_the_app(app, lead, trainee)
    new_id = reissue_through_the_app(app, lead, old.id, "Riley Chen-Park")
    old_credential, new_credential = credential_of(old.id), credential_of(new_id)
    assert new_credential["credentialSubject"]["name"] == "Riley Chen-Park"
    with in_app():
        assert status.revoked(*_place(old_credential)) is True
        assert status.revoked(*_place(new_credential)) is False
        assert not _check(old_credential).ok
        assert _check(new_credential).ok


def test_revoking_a_certificate_revokes_its_credential(app, people):
    lead, _, trainee = people
    certificate = issue_through_the_app(app, lead, trainee)
    credential = credential_of(certificate.id)
    revoke_through_the_app(app, lead, certificate.id)
    with in_app():
        outcome = _check(credential)
        assert status.revoked(*_place(credential)) is True
    assert [c.name for c in outcome.checks if not c.ok] == ["Revocation"]


def _place(credential: dict) -> tuple[str, int]:
    entry = credential["credentialStatus"]
    return entry["statusListCredential"], int(entry["statusListIndex"])


def test_status_places_are_random_and_never_shared(app):
    holders = [make_user(Role.TRAINEE) for _ in range(50)]
    certificates = [make_certificate(holder, code=f"C{holder.id:014d}") for holder in holders]
    with in_app():
        indices = [
            credentials.credential_for(db.session.get(Certificate, c.id)).status_index
            for c in certificates
        ]
    assert len(set(indices)) == 50
    steps = [b - a for a, b in itertools.pairwise(indices)]
    assert indices != sorted(indices) and indices != sorted(indices, reverse=True)
    assert len(set(steps)) > 40  # no fixed stride: nothing says when each was issued


def test_a_certificate_issued_before_credentials_gets_one_when_asked(app):
    holder = make_user(Role.TRAINEE, email="sam@example.org")
    certificate = make_certificate(holder)
    with in_app():
        first = credentials.credential_for(db.session.get(Certificate, certificate.id))
        again = credentials.credential_for(db.session.get(Certificate, certificate.id))
        assert first.id == again.id
        bound = credentials.credential_for(
            db.session.get(Certificate, certificate.id), did="did:web:sam.example.org"
        )
        assert bound.id != first.id
        subject = json.loads(bound.credential)["credentialSubject"]
        assert subject["id"] == "did:web:sam.example.org" and "identifier" not in subject
    assert count(OpenBadge) == 2


@pytest.mark.parametrize("ended", ["revoked", "replaced"])
def test_no_credential_is_handed_out_for_a_certificate_that_ended(app, ended):
    holder = make_user(Role.TRAINEE)
    newer = make_certificate(holder, code="NEWER0000000001")
    fields = (
        {"revoked_at": datetime.now(UTC), "revoke_category": "error"}
        if ended == "revoked"
        else {"superseded_at": datetime.now(UTC), "replaced_by_id": newer.id}
    )
    certificate = make_certificate(holder, **fields)
    with in_app(), pytest.raises(credentials.CredentialError) as refused:
        credentials.credential_for(db.session.get(Certificate, certificate.id))
    assert ("revoked" if ended == "revoked" else "replaced by a newer one") in str(refused.value)
    assert count(OpenBadge) == 0


def test_a_malformed_did_is_refused_in_plain_words(app):
    certificate = make_certificate(make_user(Role.TRAINEE))
    with (
        in_app(),
        pytest.raises(credentials.CredentialError, match="starts with “did:key:” or “did:web:”"),
    ):
        credentials.credential_for(db.session.get(Certificate, certificate.id), did="not a did")


def test_two_requests_at_once_get_one_credential(tmp_path):
    """Real threads on a database that several connections share: both ask for the
    credential of a certificate that has none yet; one is made, and both get it."""
    with race_app(tmp_path) as app:
        for _ in range(3):
            certificate = make_certificate(make_user(Role.TRAINEE), code=_code())
            barrier = threading.Barrier(2, timeout=RACE_TIMEOUT)
            got: list[object] = [None, None]

            def ask(i: int, certificate_id: int, barrier=barrier, got=got) -> None:
                with app.app_context():
                    try:
                        barrier.wait()
                        certificate = db.session.get(Certificate, certificate_id)
                        got[i] = credentials.credential_for(certificate).id
                    except Exception as error:  # reported below, with the other's outcome
                        got[i] = error
                    finally:
                        db.session.remove()

            threads = [threading.Thread(target=ask, args=(i, certificate.id)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(RACE_TIMEOUT)
            assert all(isinstance(g, int) for g in got), got
            assert got[0] == got[1], got
            with in_app():
                made = db.session.scalar(
                    select(func.count())
                    .select_from(OpenBadge)
                    .where(OpenBadge.certificate_id == certificate.id)
                )
            assert made == 1


_codes = iter(range(1, 1000))


def _code() -> str:
    return f"RACE{next(_codes):011d}"
