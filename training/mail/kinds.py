"""The kinds of message the platform sends, who gets each, and which a person may turn off.

Required messages (security: password links; invitations) always go. Every other kind is
optional: a person turns it off on their notifications page or with the ``List-Unsubscribe``
link of a message of that kind."""

from __future__ import annotations

from dataclasses import dataclass

from training.models import Role


@dataclass(frozen=True)
class Kind:
    name: str
    #: how the notifications page names it: "… when …"
    label: str
    #: who it is sent to (the notifications page offers a person only their role's kinds)
    roles: tuple[Role, ...]
    required: bool = False


INVITATION = Kind("invitation", "Your invitation to set a password", tuple(Role), required=True)
PASSWORD_RESET = Kind(
    "password_reset", "A link to set a new password, when you ask for one", tuple(Role), True
)
SUPERVISOR_DIGEST = Kind(
    "supervisor_digest",
    "Hours and practice waiting for your sign-off or review",
    (Role.SUPERVISOR,),
)
HOURS_DECISION = Kind(
    "hours_decision", "Your hours entries are accepted or returned", (Role.TRAINEE,)
)
PRACTICE_DECISION = Kind(
    "practice_decision", "Your practice exercises are accepted or returned", (Role.TRAINEE,)
)
CERTIFICATE = Kind(
    "certificate", "A certificate of yours is issued, revoked or replaced", (Role.TRAINEE,)
)
RENEWAL_DUE = Kind(
    "renewal_due", "Your certificate is due for renewal (60, 30 and 7 days ahead)", (Role.TRAINEE,)
)
OUTSIDE_DECISION = Kind(
    "outside_decision",
    "Outside training and continuing education you sent is approved or returned",
    (Role.TRAINEE,),
)
LEAD_WEEKLY = Kind(
    "lead_weekly",
    "A weekly summary: trainees waiting for a certificate, certificates expiring",
    (Role.LEAD,),
)

#: a program lead checks that email works (the mail console's "Send me a test message")
TEST = Kind("test", "A test message you send yourself", (Role.LEAD,), required=True)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        INVITATION,
        PASSWORD_RESET,
        SUPERVISOR_DIGEST,
        HOURS_DECISION,
        PRACTICE_DECISION,
        CERTIFICATE,
        RENEWAL_DUE,
        OUTSIDE_DECISION,
        LEAD_WEEKLY,
        TEST,
    )
}


def optional_for(role: Role) -> list[Kind]:
    """The kinds a person in ``role`` may turn off, in the order the page lists them."""
    return [kind for kind in KINDS.values() if not kind.required and role in kind.roles]
