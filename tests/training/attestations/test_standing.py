"""The pure rules (``certificates.signatures``): which typed names sign as the account's name,
and where a trainee stands with an attestation given their signatures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from certificates.signatures import (
    CHANGED,
    NOT_SIGNED,
    SIGN_AGAIN,
    SIGNED,
    Signed,
    same_name,
    standing,
)
from certificates.tracks import Attestation

ETHICS = Attestation("Code of ethics", "I agree.", "Be kind.")
OLD = Attestation("Code of ethics", "I agree.", "Be nice.")
DAY = datetime(2026, 5, 3, 10, 0, tzinfo=UTC)

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
spaces = st.text(" \t\u00a0", max_size=3)


def test_the_account_name_signs_in_any_case_and_spacing():
    assert same_name("Riley Chen", "Riley Chen")
    assert same_name("  riley   CHEN ", "Riley Chen")
    assert same_name("ÉLODIE Ngata", "élodie ngata")


def test_another_name_does_not_sign():
    assert not same_name("Riley", "Riley Chen")
    assert not same_name("Rily Chen", "Riley Chen")
    assert not same_name("RileyChen", "Riley Chen")
    assert not same_name("", "Riley Chen")
    assert not same_name("", "   ")  # an empty name never signs, even an empty account name


@given(names, spaces, spaces)
def test_any_name_signs_as_itself_whatever_the_case_and_surrounding_spaces(name, before, after):
    if name.split():
        assert same_name(before + name + after, name)
        assert same_name(name.casefold(), name)
        assert same_name(before + "  ".join(name.split()), name)


@given(names, names)
def test_two_names_sign_for_each_other_exactly_when_they_compare_equal(a, b):
    assert same_name(a, b) == same_name(b, a)


def test_never_signed():
    assert standing(ETHICS, []).status == NOT_SIGNED


def test_the_current_text_signed():
    state = standing(ETHICS, [Signed(ETHICS.version, DAY)])
    assert (state.status, state.signed_at, state.needs_signing) == (SIGNED, DAY, False)


def test_only_an_older_text_signed_means_the_text_changed():
    state = standing(ETHICS, [Signed(OLD.version, DAY)])
    assert (state.status, state.earlier_signed_at, state.needs_signing) == (CHANGED, DAY, True)


def test_renewing_asks_for_a_signature_after_the_certificate_was_issued():
    issued = DAY + timedelta(days=1)
    before = [Signed(ETHICS.version, DAY)]
    assert standing(ETHICS, before, renewing_since=issued).status == SIGN_AGAIN
    again = [*before, Signed(ETHICS.version, issued + timedelta(days=700))]
    state = standing(ETHICS, again, renewing_since=issued)
    assert state.status == SIGNED and state.signed_at == issued + timedelta(days=700)


def test_renewing_with_a_changed_text_says_the_text_changed():
    state = standing(ETHICS, [Signed(OLD.version, DAY)], renewing_since=DAY + timedelta(days=1))
    assert state.status == CHANGED
