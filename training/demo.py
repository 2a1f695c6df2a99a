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
    ("taylor@example.org", "Taylor Brooks", Role.TRAINEE, "demo-trainee-password"),
    ("casey@example.org", "Casey Nguyen", Role.TRAINEE, "demo-trainee-password"),
    ("jamie@example.org", "Jamie Ortiz", Role.TRAINEE, "demo-trainee-password"),
]

#: what each demo trainee shows (printed with the logins)
STAGES = {
    "trainee@example.org": "just started",
    "jordan@example.org": "mid-way: hours and a practice response waiting, one entry returned",
    "riley@example.org": "eligible: a lead can issue the certificate",
    "taylor@example.org": "certified",
    "casey@example.org": "certificate revoked",
    "jamie@example.org": "certificate expiring within 60 days",
}


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
    sam = db.session.scalar(select(User).where(User.email == "supervisor@example.org"))
    if jordan is not None and sam is not None:
        _demo_practice(jordan, sam, accept=False)  # one response waits in Sam's queue
    for email in (
        "riley@example.org",
        "taylor@example.org",
        "casey@example.org",
        "jamie@example.org",
    ):
        _demo_eligible_trainee(email)
    certificate_note = _demo_certificates()
    _demo_cohort()
    lines = [f"Demo data ready ({created} account(s) created). Sign in with:"]
    for email, _name, role, password in DEMO_PEOPLE:
        stage = f"  ({STAGES[email]})" if email in STAGES else ""
        lines.append(f"  {role.label:<13} {email:<24} password: {password}{stage}")
    if certificate_note:
        lines.append(certificate_note)
    return lines


def _demo_supervision() -> None:
    """Sam supervises both trainees; Jordan has hours in every state (loaded once)."""
    from datetime import timedelta

    from certificates.hours import EntryFacts
    from training.hours import services as hours
    from training.hours import signoffs

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
            signoffs.approve(sam, [entry.id])
        elif action == "return":
            signoffs.return_entry(
                sam,
                entry.id,
                "Please add which domain topics you covered; the group also discussed ethics.",
            )


def _demo_eligible_trainee(email: str) -> None:
    """A trainee who has done everything the track asks."""
    import random
    from datetime import timedelta

    from certificates.hours import EntryFacts
    from training.certs import services as certs
    from training.hours import services as hours
    from training.hours import signoffs
    from training.learning import quiz_tallies
    from training.models import AttemptStatus, QuizAttempt, utcnow

    riley = db.session.scalar(select(User).where(User.email == email))
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
        quiz_tallies.count_graded(riley.id, course.id, True, ids, ids)  # as grading would
    db.session.commit()
    _demo_practice(riley, sam, accept=True)
    today = hours.today()
    plan = [(12 * 60, "supervised_practice", ("recovery_wellness", "mentoring_education"))] * 42
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
    signoffs.approve(sam, ids)
    certs.sign_attestation(riley, track)


def _demo_practice(trainee: User, supervisor: User, accept: bool) -> None:
    """Practice responses: every exercise accepted by ``supervisor`` (``accept``), else one
    response to the first exercise, waiting for them. Nothing is added twice."""
    from training.practice import services as practice
    from training.practice.models import PracticeResponse

    if db.session.scalar(
        select(PracticeResponse.id).where(PracticeResponse.trainee_id == trainee.id).limit(1)
    ):
        return
    for course in content.library().courses:
        for exercise in course.exercises:
            response = practice.submit(
                trainee,
                course,
                exercise,
                "It sounds like this has been a lot to carry on your own. Have I got that right?",
            )
            if not accept:
                return
            practice.review(
                supervisor,
                response,
                practice.ACCEPT,
                {str(i): True for i in range(len(exercise.criteria))},
                "Meets every point. Well done.",
                len(exercise.criteria),
            )


def _demo_certificates() -> str:
    """Taylor is certified, Casey's certificate was revoked, Jamie's expires within 60 days."""
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    from training.certs import issuing as certs
    from training.certs import keys
    from training.hours import services as hours
    from training.models import Certificate, utcnow

    track = hours.default_track()
    people = {u.email: u for u in db.session.scalars(select(User))}
    lead = people["lead@example.org"]
    if track is None or db.session.scalar(select(Certificate).limit(1)) is not None:
        return ""
    try:
        keys.private_key()
    except keys.NoSigningKey:
        return "(No certificate signing key configured: the demo certificates were not issued.)"
    certs.issue(people["taylor@example.org"], track, lead)
    casey = certs.issue(people["casey@example.org"], track, lead)
    certs.revoke(
        casey, lead, "misconduct", "Demo: a boundary violation confirmed by the review panel."
    )
    # Jamie's certificate was issued long enough ago to expire within 60 days.
    issued_on = utcnow().date() - relativedelta(months=track.validity_months) + timedelta(days=40)
    certs.issue(people["jamie@example.org"], track, lead, issued_on=issued_on)
    return ""


def _demo_cohort() -> None:
    from datetime import timedelta

    from training.hours import services as hours
    from training.models import Cohort

    if db.session.scalar(select(Cohort).where(Cohort.name == "Spring 2026")) is not None:
        return
    cohort = Cohort(
        name="Spring 2026",
        start_date=hours.today() - timedelta(days=240),
        track_id=(hours.default_track().id if hours.default_track() else "peer-recovery"),
    )
    db.session.add(cohort)
    db.session.flush()
    for user in db.session.scalars(select(User).where(User.role == Role.TRAINEE)):
        user.cohort_id = cohort.id
    db.session.commit()
