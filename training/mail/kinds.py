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
    #: what it tells, finishing "Email me when …" (the notifications page lists them under it;
    #: the unsubscribe page asks "Stop emails when …?"): lower-case, short, no numbers that a
    #: setting could change
    label: str
    #: who it is sent to (the notifications page offers a person only their role's kinds)
    roles: tuple[Role, ...]
    required: bool = False


INVITATION = Kind("invitation", "I am invited to set up my account", tuple(Role), required=True)
PASSWORD_RESET = Kind(
    "password_reset", "I ask for a link to set a new password", tuple(Role), required=True
)
SUPERVISOR_DIGEST = Kind(
    "supervisor_digest",
    "hours or practice are waiting for my sign-off or review",
    (Role.SUPERVISOR,),
)
HOURS_DECISION = Kind("hours_decision", "my hours are signed off or sent back", (Role.TRAINEE,))
PRACTICE_DECISION = Kind(
    "practice_decision", "my practice is accepted or needs another try", (Role.TRAINEE,)
)
CERTIFICATE = Kind(
    "certificate",
    "my certificate is issued, renewed, re-issued or no longer active",
    (Role.TRAINEE,),
)
RENEWAL_DUE = Kind(
    "renewal_due", "it is time to renew my certificate, as its expiry nears", (Role.TRAINEE,)
)
OUTSIDE_DECISION = Kind(
    "outside_decision",
    "my outside training or continuing education is approved or sent back",
    (Role.TRAINEE,),
)
LEAD_WEEKLY = Kind(
    "lead_weekly",
    "my weekly summary is ready (certificates to issue, renewals due, mail problems)",
    (Role.LEAD,),
)

#: a program lead checks that email works (the mail console's "Send me a test message")
TEST = Kind("test", "I send myself a test message", (Role.LEAD,), required=True)

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
