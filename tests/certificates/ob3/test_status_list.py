"""The revocation list: a verifier reads each credential's bit exactly as it was set, by the
W3C Bitstring Status List rules (gzip, base64url, position 0 the leftmost bit)."""

import base64
import gzip
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.ob3 import status_list
from certificates.ob3.contexts import CREDENTIALS_V2

LIST_URL = "https://train.example.org/credentials/status/1"
ISSUER = "https://train.example.org/issuer"
positions = st.integers(min_value=0, max_value=status_list.LIST_BITS - 1)


@given(st.sets(positions, max_size=40), positions)
def test_every_set_position_reads_back_set_and_no_other(set_bits, probe):
    encoded = status_list.encode(set_bits)
    for index in set_bits:
        assert status_list.is_set(encoded, index)
    assert status_list.is_set(encoded, probe) == (probe in set_bits)


def test_position_zero_is_the_leftmost_bit_of_the_first_byte_and_the_text_is_gzipped_base64url():
    encoded = status_list.encode({0, 9}, size=16)
    assert encoded.startswith("u") and "=" not in encoded
    text = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    assert raw == bytes([0b1000_0000, 0b0100_0000])


def test_an_empty_list_is_the_specification_minimum_long_and_always_the_same_text():
    encoded = status_list.encode(set())
    assert len(status_list.decode(encoded)) * 8 == 131_072
    assert status_list.encode(set()) == encoded  # no timestamp in the gzip header
    assert not status_list.is_set(encoded, status_list.LIST_BITS - 1)


@pytest.mark.parametrize("index", [-1, status_list.LIST_BITS])
def test_a_position_outside_the_list_is_refused_when_encoding(index):
    with pytest.raises(ValueError, match="outside"):
        status_list.encode({index})


def test_reading_past_the_end_says_so():
    with pytest.raises(ValueError, match="beyond the end"):
        status_list.is_set(status_list.encode(set(), size=8), 8)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("H4sIAAAAAAAA", "expected form"),  # no multibase letter
        ("u!!!not-base64", "base64url"),
        ("u" + base64.urlsafe_b64encode(b"plain, not gzip").decode().rstrip("="), "gzip"),
        (
            "u" + base64.urlsafe_b64encode(gzip.compress(b"\x00" * 64, mtime=0)[:20]).decode(),
            "cut short",
        ),
    ],
)
def test_a_malformed_list_is_a_value_error_in_plain_words(encoded, reason):
    with pytest.raises(ValueError, match=reason):
        status_list.is_set(encoded, 0)


def test_a_list_that_unzips_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(status_list, "MAX_LIST_BYTES", 1024)
    with pytest.raises(ValueError, match="too long"):
        status_list.is_set(status_list.encode(set(), size=8 * 4096), 0)


@given(st.randoms(use_true_random=False))
def test_random_positions_stay_in_the_list(rng):
    assert 0 <= status_list.random_index(rng) < status_list.LIST_BITS


def test_positions_come_from_secrets_by_default(monkeypatch):
    asked = []

    def randbelow(n):
        asked.append(n)
        return 4242

    monkeypatch.setattr(status_list.secrets, "randbelow", randbelow)
    assert status_list.random_index() == 4242
    assert asked == [status_list.LIST_BITS]


def test_random_positions_spread_over_the_whole_list():
    picks = [status_list.random_index(random.Random(seed)) for seed in range(200)]
    assert len(set(picks)) > 190
    assert min(picks) < status_list.LIST_BITS // 4 and max(picks) > status_list.LIST_BITS * 3 // 4


def test_an_entry_names_the_list_and_the_position_as_text():
    assert status_list.entry(LIST_URL, 94567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_the_list_credential_carries_the_bits_for_revocation_in_utc():
    encoded = status_list.encode({7})
    valid_from = datetime(2026, 5, 1, 12, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    found = status_list.list_credential(LIST_URL, ISSUER, encoded, valid_from)
    assert found == {
        "@context": [CREDENTIALS_V2],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-05-01T10:00:30Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    assert status_list.is_set(found["credentialSubject"]["encodedList"], 7)


def test_a_date_without_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        status_list.list_credential(LIST_URL, ISSUER, "u", datetime(2026, 5, 1))
    assert status_list.utc_text(datetime(2026, 5, 1, tzinfo=UTC)) == "2026-05-01T00:00:00Z"
