"""The competency domains that training and supervision hours count toward.

They follow the four domains of IC&RC's Peer Recovery credential, the most widely used model for
peer-recovery certification; course files and (later) certification tracks refer to them by id.
"""

DOMAINS: dict[str, str] = {
    "advocacy": "Advocacy",
    "mentoring_education": "Mentoring/Education",
    "recovery_wellness": "Recovery/Wellness Support",
    "ethical_responsibility": "Ethical Responsibility",
}


def domain_name(domain_id: str) -> str:
    """The display name of a domain id, or the id itself if it is unknown."""
    return DOMAINS.get(domain_id, domain_id)
