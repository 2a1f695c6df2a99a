"""Demo data: a lead, a supervisor and trainees at different points, safe to load twice."""

from __future__ import annotations

from sqlalchemy import select

from training import content
from training.accounts import create_account
from training.extensions import db
from training.learning import services
from training.models import Role, User

DEMO_PEOPLE = [
    ("lead@example.org", "Morgan Reyes", Role.LEAD, "demo-lead-password"),
    ("supervisor@example.org", "Sam Okafor", Role.SUPERVISOR, "demo-supervisor-password"),
    ("trainee@example.org", "Alex Rivera", Role.TRAINEE, "demo-trainee-password"),
    ("jordan@example.org", "Jordan Lee", Role.TRAINEE, "demo-trainee-password"),
]


def load_demo() -> list[str]:
    """Create what is missing; return the lines to print (the logins)."""
    created = 0
    for email, name, role, password in DEMO_PEOPLE:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            create_account(email, name, role, password)
            created += 1
    # Jordan has read the first module of the first course, so progress shows.
    jordan = db.session.scalar(select(User).where(User.email == "jordan@example.org"))
    courses = content.library().courses
    if jordan is not None and courses:
        services.mark_complete(jordan, courses[0].id, courses[0].modules[0].id)
    lines = [f"Demo data ready ({created} account(s) created). Sign in with:"]
    for email, _name, role, password in DEMO_PEOPLE:
        lines.append(f"  {role.label:<13} {email:<24} password: {password}")
    return lines
