"""Certificate codes: typeable, unguessable, and every single typo is caught before lookup."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.codes import LENGTH, CodeError, format_code, new_code, parse_code

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def test_codes_are_fifteen_typeable_characters_in_groups_of_five():
    code = new_code()
    assert len(code) == LENGTH == 15 and code.isalnum() and code == code.upper()
    assert not set(code[:-1]) & set("ILOU")
    assert [len(g) for g in format_code(code).split("-")] == [5, 5, 5]


def test_codes_do_not_repeat():
    assert len({new_code() for _ in range(5000)}) == 5000


@given(st.data())
def test_what_people_type_is_read_back(data):
    code = new_code()
    typed = format_code(code).lower().replace("0", "o").replace("1", "l")
    spaced = data.draw(st.sampled_from([typed, typed.replace("-", " "), f"  {code} "]))
    assert parse_code(spaced) == code


@given(position=st.integers(0, 14), replacement=st.sampled_from(ALPHABET))
def test_any_single_mistyped_character_is_caught(position, replacement):
    code = new_code()
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(CodeError, match=r"typing mistake|letters and digits"):
        parse_code(typo)


@given(position=st.integers(0, 13))
def test_swapping_two_neighbours_is_caught(position):
    code = new_code()
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(CodeError):
        parse_code(swapped)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "15 characters"),
        ("ABCDE-FGHJK", "15 characters"),
        ("ABCDE-FGHJK-MNPQRS", "15 characters"),
        ("ABCD!-FGHJK-MNPQR", "letters and digits"),
    ],
)
def test_malformed_codes_get_a_plain_message(text, message):
    with pytest.raises(CodeError, match=message):
        parse_code(text)
