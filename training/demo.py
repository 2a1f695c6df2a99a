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
    ("riley@example.org", "Riley Chen", Role.TRAINEE, "demo-trainee-password"),
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
    _demo_eligible_trainee()
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


def _demo_eligible_trainee() -> None:
    """Riley has done everything the track asks, ready for a lead to issue the certificate."""
    import random
    from datetime import timedelta

    from certificates.hours import EntryFacts
    from training.certs import services as certs
    from training.hours import services as hours
    from training.models import AttemptStatus, QuizAttempt, utcnow

    riley = db.session.scalar(select(User).where(User.email == "riley@example.org"))
    sam = db.session.scalar(select(User).where(User.email == "supervisor@example.org"))
    lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    track = hours.default_track()
    if riley is None or track is None or hours.entries_of(riley):
        return
    hours.assign(lead, riley, sam)
    for course in content.library().courses:
        for module in course.modules:
            services.mark_complete(riley, course.id, module.id)
        ids = [q.id for q in course.quiz.questions][: course.quiz.questions_per_attempt]
        db.session.add(
            QuizAttempt(
                user_id=riley.id,
                course_id=course.id,
                content_version=course.version,
                seed=1,
                question_ids=ids,
                status=AttemptStatus.FINISHED,
                submitted_at=utcnow(),
                answers={q: sorted(course.quiz.question(q).answer) for q in ids},
                correct_ids=ids,
                correct_count=len(ids),
                score_percent=100.0,
                passed=True,
            )
        )
    db.session.commit()
    today = hours.today()
    plan = [(8 * 60, "supervised_practice", ("recovery_wellness", "mentoring_education"))] * 63
    for domain, needed in track.hours.supervision_by_domain.items():
        plan += [(60, "individual_supervision", (domain,))] * (needed // 60 + 1)
    ids = []
    rng = random.Random(7)
    for day, (minutes, kind, domains) in enumerate(plan, start=2):
        entry = hours.save_entry(
            riley,
            EntryFacts(
                today - timedelta(days=day),
                minutes,
                kind,
                rng.choice(["in_person", "video"]),
                domains,
                sam.id,
                "Peer support shifts at the recovery centre."
                if kind == "supervised_practice"
                else "Individual supervision on this domain.",
            ),
        )
        ids.append(entry.id)
    hours.submit(riley, ids)
    hours.approve(sam, ids)
    certs.sign_attestation(riley, track)
