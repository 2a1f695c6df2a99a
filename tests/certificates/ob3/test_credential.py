"""The certificate as an Open Badges 3.0 credential: what a wallet, an employer and a standard
verifier read in it, and that Digital Bazaar's verifier accepts it as we sign it."""

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from certificates.ob3 import credential, proof
from certificates.ob3.contexts import CREDENTIAL_CONTEXT
from certificates.ob3.credential import Alignment
from tests.certificates.ob3.samples import (
    FACTS,
    ISSUER,
    LIST_URL,
    facts,
    issuer_documents,
    signed,
    signed_list,
)
from tests.ob3_independent import independent_verify


def test_the_credential_is_an_open_badge_credential_on_vc_2_0():
    built = credential.build(FACTS)
    assert built["@context"] == CREDENTIAL_CONTEXT
    assert built["id"] == FACTS.credential_id
    assert built["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # a wallet lists it by this name: what it is, then the track
    assert built["name"] == "Training certificate: Recovery coach"
    assert built["issuer"] == {
        "id": ISSUER.id,
        "type": ["Profile"],
        "name": "Peer Support Training Program",
        "url": "https://train.example.org/",
        "email": "certificates@train.example.org",
    }
    assert built["validFrom"] == "2026-03-09T14:00:00Z"
    assert built["validUntil"] == "2028-03-09T14:00:00Z"
    assert built["credentialStatus"] == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_dates_are_written_in_utc_to_the_second():
    local = timezone(timedelta(hours=-5))
    built = credential.build(
        facts(
            valid_from=datetime(2026, 3, 9, 9, 0, 0, 999, tzinfo=local),
            valid_until=datetime(2028, 3, 9, 23, 30, tzinfo=local),
        )
    )
    assert (built["validFrom"], built["validUntil"]) == (
        "2026-03-09T14:00:00Z",
        "2028-03-10T04:30:00Z",
    )
    with pytest.raises(ValueError, match="time zone"):
        credential.build(facts(valid_from=datetime(2026, 3, 9)))


def test_the_achievement_says_what_is_certified_its_criteria_image_and_alignment():
    achievement = credential.build(FACTS)["credentialSubject"]["achievement"]
    assert achievement["id"] == FACTS.achievement_id
    assert achievement["type"] == ["Achievement"]
    # the program's own training certificate, not a board's certification
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"] == "Recovery coach"
    assert achievement["description"] == FACTS.description
    assert achievement["criteria"] == {"narrative": FACTS.criteria}
    assert achievement["image"] == {
        "id": FACTS.image_url,
        "type": "Image",
        "caption": "Badge: Recovery coach",
    }
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Shares lived experience of recovery",
            "targetFramework": "SAMHSA Core Competencies for Peer Workers",
            "targetUrl": FACTS.alignments[0].url,
            "targetCode": "C-3",
        },
        {
            "type": ["Alignment"],
            "targetName": "Ethical Responsibility",
            "targetFramework": "IC&RC Peer Recovery (PR) performance domains",
            "targetUrl": "https://internationalcredentialing.org/icrc-credentials/pr",
            "targetDescription": "A training domain as IC&RC names it.",
        },
    ]
    assert achievement["creator"]["id"] == ISSUER.id


def test_an_alignment_without_the_frameworks_address_is_refused():
    # Open Badges 3.0 asks every alignment for a targetUrl
    nameless = Alignment(name="Advocacy", framework="IC&RC Peer Recovery (PR) performance domains")
    with pytest.raises(ValueError, match="public address"):
        credential.build(facts(alignments=(nameless,)))


def test_the_achievement_served_alone_is_the_one_in_every_credential():
    alone = credential.achievement(**_args())
    other_holder = facts(holder_name="Sam Okafor", email="sam@example.com", status_index=7)
    assert credential.build(other_holder)["credentialSubject"]["achievement"] == alone
    no_alignment = credential.achievement(**{**_args(), "alignments": ()})
    assert "alignment" not in no_alignment


def _args():
    return {
        "achievement_id": FACTS.achievement_id,
        "issuer": ISSUER,
        "track_title": FACTS.track_title,
        "description": FACTS.description,
        "criteria": FACTS.criteria,
        "alignments": FACTS.alignments,
        "image_url": FACTS.image_url,
    }


def test_the_evidence_links_the_verification_page_and_says_what_was_completed():
    (evidence,) = credential.build(FACTS)["evidence"]
    assert evidence["id"] == FACTS.evidence_url
    assert evidence["type"] == ["Evidence"]
    assert evidence["name"] == (
        "Certificate 6290-E2B5-E29Q-GSS: public verification page (shows whether it is still "
        "valid, and the training transcript)"
    )
    # the same sentences as the PDF and the verification page, one a line
    assert evidence["narrative"].splitlines() == [
        "Certificate code: 6290-E2B5-E29Q-GSS.",
        "",
        *[f"- {line}" for line in FACTS.evidence_lines],
    ]


def test_without_sentences_the_evidence_gives_the_hours_in_words():
    (evidence,) = credential.build(facts(evidence_lines=()))["evidence"]
    narrative = evidence["narrative"]
    assert narrative.splitlines()[0] == "Certificate code: 6290-E2B5-E29Q-GSS."
    for line in [
        "- Ethics: 6 hours",
        "- Advocacy: 10.5 hours",
        "- Wellness & recovery: 43.75 hours",
        "- Total: 60.25 hours",
        "Supervised peer work approved by a supervisor: 200 hours.",
        "Supervision received: 10 hours.",
    ]:
        assert line in narrative.splitlines()


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (1.0, "1 hour"),
        (0.25, "0.25 hours"),
        (12.5, "12.5 hours"),
        (1200.0, "1,200 hours"),
        (0, "0 hours"),
    ],
)
def test_hours_read_as_a_person_writes_them(hours, text):
    assert credential.hours_text(hours) == text


def test_the_holder_is_named_and_their_email_only_hashed_with_a_salt():
    subject = credential.build(FACTS)["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == "Riley Chen"
    assert "id" not in subject
    (identity,) = subject["identifier"]
    expected = hashlib.sha256(b"riley.chen@example.com" + FACTS.salt.encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": FACTS.salt,
    }
    text = json.dumps(credential.build(FACTS)).lower()
    assert "riley.chen@example.com" not in text and "example.com" not in text
    # only the name and the hashed address: nothing else about the holder
    assert set(subject) == {"type", "name", "identifier", "achievement"}


def test_an_address_hashes_the_same_however_it_was_typed_but_not_with_another_salt():
    salt = FACTS.salt
    assert credential.identity_hash("  Riley.Chen@Example.COM ", salt) == credential.identity_hash(
        "riley.chen@example.com", salt
    )
    assert credential.identity_hash(
        "riley.chen@example.com", "00" * 16
    ) != credential.identity_hash("riley.chen@example.com", salt)


def test_a_holder_who_gave_a_did_is_named_by_it_and_no_email_is_hashed():
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    subject = credential.build(facts(did=did))["credentialSubject"]
    assert subject["id"] == did
    assert "identifier" not in subject


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"did": "https://example.com/me"}, "DID"),
        ({"did": "did:example: spaced"}, "DID"),
        ({"email": None}, "email address or a DID"),
        ({"email": "   "}, "email address or a DID"),
        ({"salt": ""}, "salt"),
    ],
)
def test_a_credential_that_would_not_name_its_holder_properly_is_refused(changes, reason):
    with pytest.raises(ValueError, match=reason):
        credential.build(facts(**changes))


def test_every_field_is_defined_by_the_contexts_so_all_of_it_is_signed():
    # canonicalisation refuses a term neither VC 2.0 nor OB 3.0 defines
    nquads = proof.canonical_nquads(credential.build(FACTS))
    for value in [
        "Riley Chen",
        "Certificate",
        "SAMHSA Core Competencies",
        "A training domain as IC&RC names it.",
        "43.75",
        "94567",
    ]:
        assert value in nquads
    with_did = proof.canonical_nquads(credential.build(facts(did="did:example:123")))
    assert "<did:example:123>" in with_did


# The independent verifier (Digital Bazaar's @digitalbazaar/vc in Node) --------------------


@pytest.mark.slow
def test_a_signed_credential_verifies_with_an_independent_implementation():
    documents = {**issuer_documents(), LIST_URL: signed_list()}
    answer = independent_verify(signed(), documents, now="2026-06-01T00:00:00Z")
    assert answer["verified"], answer["errors"]
    assert answer["statusResult"]["verified"]


@pytest.mark.slow
def test_a_did_holders_credential_verifies_independently_too():
    documents = {**issuer_documents(), LIST_URL: signed_list()}
    badge = facts(did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    answer = independent_verify(signed(badge), documents, now="2026-06-01T00:00:00Z")
    assert answer["verified"], answer["errors"]


@pytest.mark.slow
def test_the_independent_verifier_refuses_an_altered_or_revoked_credential():
    documents = {**issuer_documents(), LIST_URL: signed_list()}
    altered = signed()
    altered["credentialSubject"]["achievement"]["criteria"]["narrative"] = "Nothing at all."
    answer = independent_verify(altered, documents, now="2026-06-01T00:00:00Z")
    assert not answer["verified"]
    revoked = {**documents, LIST_URL: signed_list({FACTS.status_index})}
    answer = independent_verify(signed(), revoked, now="2026-06-01T00:00:00Z")
    assert not answer["verified"]
    assert any("revoked" in error for error in answer["errors"]), answer["errors"]
