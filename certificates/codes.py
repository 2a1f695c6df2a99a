"""Certificate codes people can type: 14 random characters of Crockford's base32 alphabet (no I,
L, O or U to misread) and a check character, shown in groups of five: ``7K3QD-M9X2A-F4R8T``.

70 random bits make a code unguessable; the check character (Crockford's mod-37 symbol) catches a
mistyped or swapped character before any lookup, so a typo never lands on someone else's code.
"""

from __future__ import annotations

import secrets

import base32_crockford

BITS = 70
BODY_LENGTH = 14  # ceil(70 / 5)
LENGTH = BODY_LENGTH + 1


class CodeError(ValueError):
    """Not a well-formed certificate code; the message says what to check."""


def new_code() -> str:
    """A fresh random code (15 characters, no hyphens), typeable on any keyboard: codes whose
    check symbol would be one of Crockford's * ~ $ = are drawn again."""
    while True:
        body = base32_crockford.encode(secrets.randbits(BITS)).rjust(BODY_LENGTH, "0")
        check = _check_symbol(body)
        if check.isalnum():
            return body + check


def _check_symbol(body: str) -> str:
    return base32_crockford.encode(base32_crockford.decode(body), checksum=True)[-1]


def parse_code(text: str) -> str:
    """Normalise what someone typed (case, hyphens, spaces, O for 0, I or L for 1) and check it.

    Raises ``CodeError`` if it has the wrong length or its check character does not match.
    """
    cleaned = "".join(text.split()).replace("-", "").upper()
    if len(cleaned) != LENGTH:
        raise CodeError(f"A certificate code has {LENGTH} characters; this one has {len(cleaned)}.")
    try:
        body = base32_crockford.normalize(cleaned[:-1])
        check = base32_crockford.normalize(cleaned[-1]) if cleaned[-1] != "U" else "U"
    except ValueError:
        raise CodeError("A certificate code uses only letters and digits.") from None
    if _check_symbol(body) != check:
        raise CodeError("This code has a typing mistake: please check each character.")
    return body + check


def format_code(code: str) -> str:
    """Groups of five for reading aloud and printing: ``7K3QD-M9X2A-F4R8T``."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))
