"""Checking a pasted credential: what an employer reads for a genuine one, and for every way one
can be wrong; any JSON at all gets an answer, never an error."""

import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.ob3 import status_list
from certificates.ob3.checking import (
    DATES,
    FORMAT,
    ISSUER,
    REVOCATION,
    SIGNATURE,
    Outcome,
    check_credential,
)
from certificates.ob3.reading import email_matches
from tests.certificates.ob3.samples import FACTS, KEY, LIST_URL, METHOD, facts, signed
from tests.certificates.ob3.samples import ISSUER as PROGRAM

NOW = datetime(2026, 6, 1, tzinfo=UTC)
KEYS = {METHOD: KEY.public_key()}


def revoked_by(*indexes):
    encoded = status_list.encode(set(indexes))

    def revoked(list_url: str, index: int) -> bool | None:
        return status_list.is_set(encoded, index) if list_url == LIST_URL else None

    return revoked


def check(credential, *, keys=KEYS, revoked=None, now=NOW) -> Outcome:
    return check_credential(
        credential,
        issuer_id=PROGRAM.id,
        public_keys=keys,
        revoked=revoked or revoked_by(),
        now=now,
    )


def verdicts(outcome: Outcome) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.ok, c.message) for c in outcome.checks}


def test_a_genuine_credential_passes_every_check_in_plain_words():
    outcome = check(signed())
    assert outcome.ok
    assert verdicts(outcome) == {
        FORMAT: (True, "It is an Open Badges 3.0 credential."),
        ISSUER: (True, "It was issued by Peer Support Training Program."),
        SIGNATURE: (
            True,
            "The signature matches: nothing in it was changed since the program signed it.",
        ),
        DATES: (True, "It is within its dates: valid from 9 March 2026 until 9 March 2028."),
        REVOCATION: (True, "It has not been revoked."),
    }
    assert (outcome.holder_name, outcome.achievement_name, outcome.issuer_name) == (
        "Riley Chen",
        "Recovery coach",
        "Peer Support Training Program",
    )
    assert (outcome.valid_from, outcome.valid_until) == (
        "2026-03-09T14:00:00Z",
        "2028-03-09T14:00:00Z",
    )
    # signed by the program, so the page may show the code and the criteria as its own words
    assert outcome.certificate_code == "6290-E2B5-E29Q-GSS"
    assert outcome.criteria_lines == tuple(FACTS.criteria.splitlines())
    assert not outcome.expired and not outcome.expired_only


@pytest.mark.parametrize(
    "alter",
    [
        lambda c: c["credentialSubject"].update(name="Someone Else"),
        lambda c: c.update(validUntil="2099-01-01T00:00:00Z"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Clinical supervisor"),
        lambda c: c["credentialStatus"].update(statusListIndex="7"),
        lambda c: c["evidence"][0].update(narrative="1,000 hours of everything"),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
    ],
)
def test_any_change_after_signing_breaks_the_signature(alter):
    altered = signed()
    alter(altered)
    outcome = check(altered)
    assert not outcome.ok
    assert verdicts(outcome)[SIGNATURE] == (
        False,
        "It was changed after the program signed it, or the program did not sign it. Do not "
        "rely on it.",
    )
    # nothing it says is shown as the program's words
    assert outcome.certificate_code is None and outcome.criteria_lines == ()


def test_a_credential_signed_with_a_key_the_program_does_not_publish_fails():
    stranger = Ed25519PrivateKey.generate()
    forged = signed(key=stranger, method="https://elsewhere.example/keys/1")
    ok, message = verdicts(check(forged))[SIGNATURE]
    assert not ok and "does not publish" in message
    # the right key's name, but signed by another key
    impostor = signed(key=stranger)
    ok, message = verdicts(check(impostor))[SIGNATURE]
    assert not ok and "the program did not sign it" in message


def test_a_credential_signed_before_a_key_rotation_still_passes():
    retired = Ed25519PrivateKey.generate()
    retired_method = "https://train.example.org/issuer/keys/fedcba9876543210"
    old = signed(key=retired, method=retired_method)
    keys = {**KEYS, retired_method: retired.public_key()}
    assert check(old, keys=keys).ok
    assert not check(old).ok  # once the program stopped publishing it, it would not


def test_an_unsigned_credential_says_so():
    unsigned = signed()
    del unsigned["proof"]
    ok, message = verdicts(check(unsigned))[SIGNATURE]
    assert not ok and "not signed" in message


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (
            datetime(2026, 3, 9, 13, 59, tzinfo=UTC),
            "It is not valid yet: it starts on 9 March 2026.",
        ),
        (datetime(2028, 3, 9, 14, 0, 1, tzinfo=UTC), "It expired on 9 March 2028."),
    ],
)
def test_outside_its_dates_it_fails_and_says_which_date(now, message):
    outcome = check(signed(), now=now)
    assert verdicts(outcome)[DATES] == (False, message)
    assert not outcome.ok
    assert verdicts(outcome)[SIGNATURE][0]  # the signature itself still holds


def test_a_genuine_credential_past_its_end_date_is_told_apart_from_an_untrustworthy_one():
    expired = check(signed(), now=datetime(2028, 3, 10, tzinfo=UTC))
    assert not expired.ok
    assert expired.expired and expired.expired_only
    assert [c.name for c in expired.checks if not c.ok] == [DATES]
    assert expired.certificate_code == "6290-E2B5-E29Q-GSS"
    # not yet valid is not "expired"
    early = check(signed(), now=datetime(2026, 3, 1, tzinfo=UTC))
    assert not early.expired and not early.expired_only
    # expired and withdrawn, or expired and altered: not only expired
    withdrawn = check(
        signed(), now=datetime(2028, 3, 10, tzinfo=UTC), revoked=revoked_by(FACTS.status_index)
    )
    assert withdrawn.expired and not withdrawn.expired_only
    altered = signed()
    altered["credentialSubject"]["name"] = "Someone Else"
    assert not check(altered, now=datetime(2028, 3, 10, tzinfo=UTC)).expired_only


def test_on_its_first_and_last_second_it_is_within_its_dates():
    assert check(signed(), now=FACTS.valid_from).ok
    assert check(signed(), now=FACTS.valid_until).ok


def test_a_withdrawn_credential_fails_without_suggesting_misconduct():
    # a renewed certificate's old credential is withdrawn the same way as a revoked one
    outcome = check(signed(), revoked=revoked_by(FACTS.status_index))
    assert not outcome.ok
    assert verdicts(outcome)[REVOCATION] == (
        False,
        "The program has withdrawn it: it was replaced by a newer certificate (for example "
        "when it was renewed), or it was revoked. Ask the holder for their current "
        "certificate code and check it at /verify.",
    )
    told = check_credential(
        signed(),
        issuer_id=PROGRAM.id,
        public_keys=KEYS,
        revoked=revoked_by(FACTS.status_index),
        now=NOW,
        code_check_url="https://train.example.org/verify",
    )
    assert verdicts(told)[REVOCATION][1].endswith("check it at https://train.example.org/verify.")
    # another holder's revocation does not touch this one
    assert check(signed(), revoked=revoked_by(FACTS.status_index + 1)).ok


def test_a_status_list_the_program_does_not_publish_cannot_vouch_for_it():
    other = signed(facts(status_list_url="https://elsewhere.example/status/1"))
    ok, message = verdicts(check(other))[REVOCATION]
    assert not ok and "not one this program publishes" in message


def test_a_status_lookup_that_fails_is_a_failing_check_not_an_error():
    def broken(list_url, index):
        raise OSError("database is down")

    ok, _ = verdicts(check(signed(), revoked=broken))[REVOCATION]
    assert not ok


def test_a_credential_from_another_issuer_fails():
    other = signed()
    other["issuer"]["id"] = "https://elsewhere.example/issuer"
    ok, message = verdicts(check(other))[ISSUER]
    assert not ok and "https://elsewhere.example/issuer" in message
    assert check(other).certificate_code is None


def test_an_issuer_without_a_name_is_still_named_in_plain_words():
    unnamed = signed()
    del unnamed["issuer"]["name"]
    assert verdicts(check(unnamed))[ISSUER] == (True, "It was issued by this program.")


def test_an_unknown_context_is_never_fetched_and_says_why():
    foreign = signed()
    foreign["@context"] = [*foreign["@context"], "https://evil.example/context.json"]
    outcome = check(foreign)
    ok, message = verdicts(outcome)[FORMAT]
    assert not ok
    assert message.startswith(
        "It is in a format this page cannot check (technical detail: unknown JSON-LD context"
    )
    assert "https://evil.example/context.json" in message
    assert not verdicts(outcome)[SIGNATURE][0]


def test_the_plain_reason_comes_first():
    bare = signed()
    del bare["@context"]
    assert verdicts(check(bare))[FORMAT] == (
        False,
        'This is not a credential we can check (it lacks the "@context" line every credential '
        "starts with).",
    )
    damaged = signed()
    damaged["credentialStatus"]["statusListIndex"] = "-1"
    assert verdicts(check(damaged))[REVOCATION] == (
        False,
        "Its revocation details are damaged, so whether it was withdrawn cannot be checked.",
    )


@pytest.mark.parametrize(
    ("change", "check_name"),
    [
        (lambda c: c.pop("@context"), FORMAT),
        (lambda c: c.update(type="VerifiableCredential"), FORMAT),
        (lambda c: c.update(credentialSubject=[c["credentialSubject"]]), FORMAT),
        (lambda c: c.update(issuer=None), ISSUER),
        (lambda c: c.update(validFrom="next Tuesday"), DATES),
        (lambda c: c.update(validUntil=20280309), DATES),
        (lambda c: c.pop("credentialStatus"), REVOCATION),
        (lambda c: c["credentialStatus"].update(statusListIndex="-1"), REVOCATION),
        (lambda c: c["credentialStatus"].update(statusListIndex="9" * 5000), REVOCATION),
        (lambda c: c.update(proof=[c["proof"], c["proof"]]), SIGNATURE),
        (lambda c: c["proof"].update(proofValue="not base58!"), SIGNATURE),
        (lambda c: c["proof"].update(verificationMethod={"no": "id"}), SIGNATURE),
        (lambda c: c["credentialSubject"].update(undefinedTerm="x"), SIGNATURE),
    ],
)
def test_malformed_credentials_fail_the_right_check_without_an_error(change, check_name):
    credential = signed()
    change(credential)
    outcome = check(credential)
    assert not outcome.ok
    ok, message = verdicts(outcome)[check_name]
    assert not ok and message.endswith(".")


@pytest.mark.parametrize("value", [None, 3, "text", [], [{"@context": []}], True])
def test_json_that_is_not_an_object_is_not_a_credential(value):
    outcome = check(value)
    assert not outcome.ok
    assert [(c.name, c.ok) for c in outcome.checks] == [(FORMAT, False)]
    assert outcome.holder_name is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_gets_an_answer_never_an_error(value):
    assert not check(value).ok


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(signed())), json_values)
def test_a_credential_with_any_field_replaced_by_any_json_gets_an_answer(field, value):
    credential = copy.deepcopy(signed())
    credential[field] = value
    outcome = check(credential)
    assert all(isinstance(c.message, str) and c.message for c in outcome.checks)


def test_a_credential_padded_with_thousands_of_objects_is_not_canonicalised():
    padded = signed()
    padded["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": str(i), "targetFramework": "x"} for i in range(5000)
    ]
    outcome = check(padded)
    assert verdicts(outcome)[FORMAT] == (
        False,
        "It is far larger than any credential this program issues: not checked.",
    )
    assert not verdicts(outcome)[SIGNATURE][0]


def test_an_email_address_is_matched_against_the_salted_hash_only():
    credential = signed()
    assert check(credential).genuine
    assert email_matches(credential, "Riley.Chen@example.com")
    assert email_matches(credential, "  riley.chen@EXAMPLE.com ")  # as anyone types it
    assert email_matches(credential, "riley.chen@example.org") is False
    # a holder named by a DID has no email to compare
    did = signed(facts(did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"))
    assert email_matches(did, "riley.chen@example.com") is None
    # whatever JSON comes in, an answer and never an error
    for odd in (None, [], {"credentialSubject": {"identifier": [{"salt": 3}, "x", None]}}):
        assert email_matches(odd, "riley.chen@example.com") is None


def test_genuine_means_issued_here_and_unchanged_whatever_the_dates():
    assert check(signed(), now=datetime(2030, 1, 1, tzinfo=UTC)).genuine
    altered = signed()
    altered["credentialSubject"]["name"] = "Someone Else"
    assert not check(altered).genuine
