"""Is a new password good enough? NIST SP 800-63B's rules: long enough, no composition rules
(no "one digit and one symbol"), and not one that attackers try first: common passwords,
words and names, repeats (``aaaaaaaaaa``), sequences (``1234567890``), keyboard rows
(``qwertyuiop``), or the person's own name or email address.

The guessing is zxcvbn's (Dropbox's estimator, with its lists of common passwords, words and
names). Plain Python: no Flask, so the forms, the account factory and the CLI share it.
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

#: zxcvbn's 0-4 score: 3 means at least 10^8 guesses, out of reach of online guessing and
#: costly offline against Argon2 hashes
MIN_SCORE = 3
#: NIST asks to allow at least 64 characters; this leaves room for long passphrases
MAX_LENGTH = 128
#: zxcvbn's work grows fast with length: it judges the first 72 characters (its own limit),
#: and a passphrase that is strong that far is strong
_CHECKED_LENGTH = 72

ADVICE = (
    "A passphrase of four or more unrelated words, with spaces if you like, "
    "is easy to remember and hard to guess."
)


def password_problem(
    password: str, minimum: int, personal: tuple[str, ...] = (), context: tuple[str, ...] = ()
) -> str | None:
    """Why ``password`` will not do, in plain words, or None if it is fine.

    ``personal``: the person's email address and name; ``context``: words of this site (the
    program's name), which attackers would try first too.
    """
    if len(password) < minimum:
        return f"Use at least {minimum} characters. {ADVICE}"
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    own = _personal_words(personal)
    if _squashed(password) in own:
        return f"Your password can't be your name or email address. {ADVICE}"
    result = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=[*own, *_words(context)])
    if result["score"] >= MIN_SCORE:
        return None
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reason = "It is too close to your name, your email address or this site's name."
    else:
        reason = result["feedback"]["warning"] or "It would be easy to guess."
    return f"Please choose a password that is harder to guess. {reason} {ADVICE}"


def _personal_words(personal: tuple[str, ...]) -> list[str]:
    """The email address, its part before the @, the name, and each word of the name."""
    words: list[str] = []
    for value in personal:
        value = (value or "").strip().lower()
        if not value:
            continue
        words += [value, _squashed(value), *_words((value,))]
        if "@" in value:
            words.append(value.split("@")[0])
    return [w for w in dict.fromkeys(words) if w]


def _words(values: tuple[str, ...]) -> list[str]:
    return [w for v in values for w in re.split(r"[\W_]+", v.lower()) if len(w) > 2]


def _squashed(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.lower())
