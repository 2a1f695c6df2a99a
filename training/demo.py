"""Demo data: a lead, a supervisor and trainees at different points, safe to load twice."""

from __future__ import annotations

from sqlalchemy import select

from training import content
from training.accounts import create_account
from training.extensions import db
from training.learning import services
from training.models import HoursEntry, Role, User

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
    _demo_supervision()
    lines = [f"Demo data ready ({created} account(s) created). Sign in with:"]
    for email, _name, role, password in DEMO_PEOPLE:
        lines.append(f"  {role.label:<13} {email:<24} password: {password}")
    return lines


def _demo_supervision() -> None:
    """Sam supervises both trainees; Jordan has hours in every state (loaded once)."""
    from datetime import timedelta

    from certificates.hours import EntryFacts
    from training.hours import services as hours

    people = {u.email: u for u in db.session.scalars(select(User))}
    lead, sam = people["lead@example.org"], people["supervisor@example.org"]
    alex, jordan = people["trainee@example.org"], people["jordan@example.org"]
    if not sam.credential:
        sam.credential = "Certified Peer Recovery Specialist, licence CPRS-10442"
        db.session.commit()
    for trainee in (alex, jordan):
        hours.assign(lead, trainee, sam)
    if db.session.scalar(select(HoursEntry).where(HoursEntry.trainee_id == jordan.id)):
        return
    today = hours.today()
    plan = [
        (
            12,
            60,
            "individual_supervision",
            ("ethical_responsibility",),
            "approve",
            "Talked through a dual relationship: J.M. attends my home group. Agreed a plan.",
        ),
        (
            10,
            240,
            "supervised_practice",
            ("recovery_wellness", "mentoring_education"),
            "approve",
            "Drop-in hours at the recovery centre; recovery planning with A.B. and K.T.",
        ),
        (
            6,
            90,
            "group_supervision",
            ("advocacy",),
            "return",
            "Group supervision on advocating with housing services.",
        ),
        (
            3,
            180,
            "supervised_practice",
            ("recovery_wellness",),
            "submit",
            "Phone check-ins and a warm hand-off to a treatment provider for R.S.",
        ),
        (
            1,
            45,
            "individual_supervision",
            ("mentoring_education",),
            None,
            "Reviewed how I share my own story; too long last week.",
        ),
    ]
    for days_ago, minutes, kind, domains, action, notes in plan:
        entry = hours.save_entry(
            jordan,
            EntryFacts(
                today - timedelta(days=days_ago), minutes, kind, "in_person", domains, sam.id, notes
            ),
        )
        if action:
            hours.submit(jordan, [entry.id])
        if action == "approve":
            hours.approve(sam, [entry.id])
        elif action == "return":
            hours.return_entry(
                sam,
                entry.id,
                "Please add which domain topics you covered; the group also discussed ethics.",
            )
