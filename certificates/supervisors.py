"""Who may sign off a track's hours: a supervisor's recorded credential must name one of the
credentials the track accepts (``[supervisors]``, ``certificates.rulebook.SupervisorRule``).

A credential is named as whole words, in any case: "CPRS #1234" names "CPRS", "NOTCPRS" does
not, and "Licensed Clinical Social Worker (LCSW)" names "LCSW" (and "licensed clinical social
worker", however it is spaced). A track that lists none lets any assigned supervisor sign off.
"""

from __future__ import annotations

import re

from certificates.rulebook import SupervisorRule


def _accepted(rule: SupervisorRule) -> list[str]:
    return [c.strip() for c in rule.credentials if c.strip()]


def _pattern(credential: str) -> re.Pattern[str]:
    words = (re.escape(word) for word in credential.split())
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def qualifies(rule: SupervisorRule, credential_text: str | None) -> bool:
    """Does a supervisor with this recorded credential qualify to sign off under ``rule``?"""
    accepted = _accepted(rule)
    if not accepted:
        return True
    text = credential_text or ""
    return any(_pattern(credential).search(text) for credential in accepted)


def accepted_text(rule: SupervisorRule) -> str:
    """The accepted credentials in words: "CPRS", "CPRS or LCSW", "CPRS, CPS or LCSW"."""
    accepted = _accepted(rule)
    if len(accepted) <= 1:
        return "".join(accepted)
    return f"{', '.join(accepted[:-1])} or {accepted[-1]}"


def why_not(rule: SupervisorRule, credential: str | None) -> str:
    """Why a supervisor with this credential may not sign off, in plain words; empty when they
    may."""
    if qualifies(rule, credential):
        return ""
    recorded = (credential or "").strip()
    held = (
        f"Your recorded credential is “{recorded}”."
        if recorded
        else "No credential is recorded for you."
    )
    description = f" ({rule.description.strip()})" if rule.description.strip() else ""
    return (
        "Only supervisors holding one of these credentials may sign off hours on this track: "
        f"{accepted_text(rule)}{description}. {held} If you hold one of them, ask your program "
        "lead to update your credential."
    )
