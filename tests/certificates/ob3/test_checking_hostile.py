"""Checking a pasted credential that was reshaped on purpose: the same signed statements written
so that a reader of its JSON keys misses one (an end date moved out of sight), a credential
padded so that canonicalising it would keep the server busy, a status position outside any
list, and a retired key used again. Each gets a failing check in plain words."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.ob3 import credential, input_limits, proof, reading, status_list
from certificates.ob3.checking import DATES, FORMAT, REVOCATION, SIGNATURE, check_credential
from certificates.ob3.credential import Alignment
from tests.certificates.ob3.samples import FACTS, KEY, METHOD, SIGNED_AT, facts, signed
from tests.certificates.ob3.samples import ISSUER as PROGRAM
from tests.certificates.ob3.test_checking import check, revoked_by, verdicts

AFTER_IT_ENDED = FACTS.valid_until + timedelta(days=30)
VALID_UNTIL_IRI = "https://www.w3.org/2018/credentials#validUntil"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _nested(c: dict) -> None:
    c["@nest"] = {"validUntil": c.pop("validUntil")}


def _full_iri(c: dict) -> None:
    c[VALID_UNTIL_IRI] = {"@value": c.pop("validUntil"), "@type": XSD_DATETIME}


def _holder_name_by_iri(c: dict) -> None:
    subject = c["credentialSubject"]
    subject["https://schema.org/name"] = subject.pop("name")


def _evidence_nested(c: dict) -> None:
    evidence = c["evidence"][0]
    evidence["@nest"] = {"narrative": evidence.pop("narrative")}


@pytest.mark.parametrize("trick", [_nested, _full_iri])
def test_an_end_date_moved_out_of_sight_does_not_pass_an_expired_credential(trick):
    hidden = signed()
    trick(hidden)
    # the trick keeps what is signed the same: that is what makes it dangerous
    assert proof.canonical_nquads(hidden) == proof.canonical_nquads(signed())
    outcome = check(hidden, now=AFTER_IT_ENDED)
    assert not outcome.ok and not outcome.genuine
    ok, message = verdicts(outcome)[FORMAT]
    assert not ok
    assert message.startswith("It is written in an unusual way that this page does not accept")
    assert not verdicts(outcome)[SIGNATURE][0]  # never checked, so never "matches"
    assert not verdicts(outcome)[DATES][0]


def test_an_expired_credential_as_issued_fails_its_dates():
    outcome = check(signed(), now=AFTER_IT_ENDED)
    assert not outcome.ok and outcome.expired_only


@pytest.mark.parametrize("trick", [_holder_name_by_iri, _evidence_nested])
def test_other_fields_cannot_be_hidden_the_same_way(trick):
    hidden = signed()
    trick(hidden)
    outcome = check(hidden)
    assert not outcome.ok and not outcome.genuine
    assert not verdicts(outcome)[FORMAT][0]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["credentialSubject"].update({"@context": {"nm": "https://schema.org/name"}}),
        lambda c: c.update({"@id": c.pop("id")}),
        lambda c: c["credentialSubject"].update({"@included": []}),
        lambda c: c["issuer"].update({"ob:extra": "x"}),
    ],
)
def test_json_ld_keywords_and_prefixed_keys_are_refused_anywhere(change):
    reshaped = signed()
    change(reshaped)
    ok, message = verdicts(check(reshaped))[FORMAT]
    assert not ok and "unusual way" in message


def test_a_credential_without_an_end_date_is_not_accepted_as_ours():
    # every credential the program issues has both dates
    endless = signed()
    del endless["validUntil"]
    outcome = check(endless)
    assert not outcome.ok
    assert verdicts(outcome)[DATES] == (False, "It does not say until when it is valid.")


# --- size ----------------------------------------------------------------------------------------


def _never_canonicalised(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("canonicalised a credential that should have been refused first")

    monkeypatch.setattr(proof, "canonical_nquads", refuse)


@pytest.mark.parametrize(
    "pad",
    [
        lambda c: c["credentialSubject"].update(name=[f"Riley {i}" for i in range(5_000)]),
        lambda c: c.update(name=["x"] * 51),
        lambda c: c["credentialSubject"].update(
            name="R" * (input_limits.MAX_STRING_CHARACTERS + 1)
        ),
        lambda c: c.update(evidence=[c["evidence"][0]] + [{"type": ["Evidence"]}] * 60),
        lambda c: c.update(evidence=[{"type": ["Evidence"], "name": ["e"] * 45}] * 45),
        lambda c: c.update(description=_nested_objects(20)),
    ],
)
def test_a_padded_credential_is_refused_before_it_is_canonicalised(pad, monkeypatch):
    padded = signed()
    pad(padded)
    _never_canonicalised(monkeypatch)
    outcome = check(padded)
    ok, message = verdicts(outcome)[FORMAT]
    assert not ok
    assert message.startswith("It is far larger than any credential this program issues")
    assert not verdicts(outcome)[SIGNATURE][0]


def _nested_objects(levels: int) -> dict:
    deep: dict = {}
    for _ in range(levels):
        deep = {"a": deep}
    return deep


def test_hundreds_of_levels_of_nesting_are_measured_without_recursion(monkeypatch):
    padded = signed()
    padded["description"] = _nested_objects(100_000)
    _never_canonicalised(monkeypatch)
    assert not verdicts(check(padded))[FORMAT][0]


def test_the_largest_credential_the_program_could_issue_is_well_inside_the_limits():
    domains = tuple((f"Domain {i}: " + "practice of peer recovery " * 6, 12.75) for i in range(12))
    largest = facts(
        holder_name="Maria-Fernanda " + "de los Santos " * 12,
        track_title="Certified Peer Recovery Specialist, " + "advanced level " * 8,
        description="Awarded to trainees who complete the training. " * 30,
        criteria="\n".join(f"- Requirement {i}: " + "hours of training " * 12 for i in range(15)),
        alignments=tuple(
            Alignment(
                name=title,
                framework="IC&RC Peer Recovery (PR) performance domains",
                url="https://internationalcredentialing.org/icrc-credentials/pr",
                description="A training domain as IC&RC names it. " * 5,
                code=f"PR-{i}",
            )
            for i, (title, _) in enumerate(domains)
        ),
        hours_by_domain=domains,
        # a renewal's evidence: courses taken again, continuing education, attestations
        evidence_lines=tuple(
            f"Renewal step {i}: " + "continuing education in ethics " * 6 for i in range(15)
        ),
    )
    document = proof.sign(credential.build(largest), KEY, METHOD, SIGNED_AT)
    assert check(document).ok
    used = input_limits.measure(document)
    assert used.values * 3 <= input_limits.MAX_VALUES
    assert used.longest_list * 3 <= input_limits.MAX_LIST_ITEMS
    assert used.longest_string * 2 <= input_limits.MAX_STRING_CHARACTERS
    assert used.depth * 2 <= input_limits.MAX_DEPTH


# --- status position -----------------------------------------------------------------------------


def test_a_place_beyond_the_list_cannot_be_checked_and_says_so():
    beyond = signed(facts(status_index=status_list.LIST_BITS))
    asked: list[int] = []

    def revoked(list_url: str, index: int) -> bool | None:
        asked.append(index)
        return False  # as a careless lookup would answer

    outcome = check(beyond, revoked=revoked)
    assert verdicts(outcome)[REVOCATION] == (
        False,
        "Its place in the revocation list is out of range, so whether it was withdrawn cannot "
        "be checked.",
    )
    assert asked == []
    last = signed(facts(status_index=status_list.LIST_BITS - 1))
    assert check(last, revoked=revoked_by()).ok


# --- retired keys --------------------------------------------------------------------------------

RETIRED_METHOD = "https://train.example.org/issuer/keys/fedcba9876543210"
RETIRED_KEY = Ed25519PrivateKey.generate()
RETIRED_AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _signed_with_retired_key(created: datetime) -> dict:
    return proof.sign(credential.build(FACTS), RETIRED_KEY, RETIRED_METHOD, created)


def _check_with_retirement(document: dict, retired_at=None):
    return check_credential(
        document,
        issuer_id=PROGRAM.id,
        public_keys={METHOD: KEY.public_key(), RETIRED_METHOD: RETIRED_KEY.public_key()},
        revoked=revoked_by(),
        now=datetime(2026, 6, 1, tzinfo=UTC),
        retired_at={RETIRED_METHOD: RETIRED_AT} if retired_at is None else retired_at,
    )


def test_a_retired_key_cannot_sign_anything_new():
    minted = _signed_with_retired_key(RETIRED_AT + timedelta(seconds=1))
    outcome = _check_with_retirement(minted)
    assert not outcome.ok and not outcome.genuine
    assert verdicts(outcome)[SIGNATURE] == (
        False,
        "It was signed on 1 May 2026 with a key the program had retired on 1 May 2026; a "
        "retired key signs nothing new, so this signature cannot be trusted.",
    )
    assert outcome.certificate_code is None


def test_what_a_key_signed_before_it_was_retired_still_passes():
    assert _check_with_retirement(_signed_with_retired_key(RETIRED_AT)).ok
    assert _check_with_retirement(_signed_with_retired_key(RETIRED_AT - timedelta(days=60))).ok
    # keys in service have no retirement to compare with
    assert _check_with_retirement(signed(), retired_at={}).ok


def test_a_proof_time_that_cannot_be_read_fails_for_a_retired_key():
    minted = _signed_with_retired_key(RETIRED_AT - timedelta(days=1))
    for created in ("yesterday", 20260401, None):
        altered = copy.deepcopy(minted)
        altered["proof"]["created"] = created
        ok, message = verdicts(_check_with_retirement(altered))[SIGNATURE]
        assert not ok and message.endswith(".")


def test_the_dates_it_states_are_written_as_people_write_them():
    assert reading.readable_date("2028-03-09T14:00:00Z") == "9 March 2028"
    assert reading.readable_date("2028-03-09T23:30:00-05:00") == "10 March 2028"  # in UTC
    assert reading.readable_date("next Tuesday") == "next Tuesday"
    assert reading.readable_date(None) is None


def test_the_issuer_it_names_is_reported_only_when_it_is_not_this_program():
    assert check(signed()).foreign_issuer is None
    other = signed()
    other["issuer"]["id"] = "https://elsewhere.example/issuer"
    assert check(other).foreign_issuer == "https://elsewhere.example/issuer"
    bare = signed()
    bare["issuer"] = "https://elsewhere.example/issuer"
    assert check(bare).foreign_issuer == "https://elsewhere.example/issuer"
    bare["issuer"] = None
    assert check(bare).foreign_issuer is None
