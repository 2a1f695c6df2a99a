"""Demo data: a lead, a supervisor and trainees at different points, safe to load twice. The
second track's cohort, which shows the rest of the rulebook, is in ``training.demo_rulebook``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from training import content
from training.accounts import create_account
from training.extensions import db
from training.learning import services
from training.models import HoursEntry, Role, User

# the second track's cohort: its people are listed with the rest, so they print together
RULEBOOK_PEOPLE = [
    ("priya@example.org", "Priya Shah", Role.SUPERVISOR, "demo-supervisor-password"),
    ("chris@example.org", "Chris Dunn", Role.SUPERVISOR, "demo-supervisor-password"),
    ("dana@example.org", "Dana Whitfield", Role.TRAINEE, "demo-trainee-password"),
    ("eli@example.org", "Eli Moreno", Role.TRAINEE, "demo-trainee-password"),
    ("frankie@example.org", "Frankie Osei", Role.TRAINEE, "demo-trainee-password"),
]
RULEBOOK_STAGES = {
    "priya@example.org": "an LCSW: supervises the Recovery Coach cohort",
    "chris@example.org": "a CPS: may not sign off on the Recovery Coach track",
    "dana@example.org": "Recovery Coach, certified: events, outside training, exam, evaluation, CE",
    "eli@example.org": "Recovery Coach, part-way: a returned course, a draft evaluation",
    "frankie@example.org": "Recovery Coach, at the start: outside training waiting for the lead",
}

if TYPE_CHECKING:
    from certificates.tracks import Track

DEMO_PEOPLE = [
    ("lead@example.org", "Morgan Reyes", Role.LEAD, "demo-lead-password"),
    ("supervisor@example.org", "Sam Okafor", Role.SUPERVISOR, "demo-supervisor-password"),
    ("trainee@example.org", "Alex Rivera", Role.TRAINEE, "demo-trainee-password"),
    ("jordan@example.org", "Jordan Lee", Role.TRAINEE, "demo-trainee-password"),
    ("riley@example.org", "Riley Chen", Role.TRAINEE, "demo-trainee-password"),
    ("taylor@example.org", "Taylor Brooks", Role.TRAINEE, "demo-trainee-password"),
    ("casey@example.org", "Casey Nguyen", Role.TRAINEE, "demo-trainee-password"),
    ("jamie@example.org", "Jamie Ortiz", Role.TRAINEE, "demo-trainee-password"),
    *RULEBOOK_PEOPLE,  # the Recovery Coach cohort and its supervisors
]

#: what each demo trainee shows (printed with the logins)
STAGES = {
    "trainee@example.org": "just started",
    "jordan@example.org": "mid-way: hours and a practice response waiting, one entry returned",
    "riley@example.org": "eligible: a lead can issue the certificate",
    "taylor@example.org": "certified",
    "casey@example.org": "certificate revoked",
    "jamie@example.org": "certificate expiring within 60 days",
    **RULEBOOK_STAGES,
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
        practice_responses(jordan, sam, accept=False)  # one response waits in Sam's queue
    for email in (
        "riley@example.org",
        "taylor@example.org",
        "casey@example.org",
        "jamie@example.org",
    ):
        _demo_eligible_trainee(email)
    certificate_note = _demo_certificates()
    _demo_cohort()
    from training.demo_rulebook import load_rulebook_demo

    notes = [certificate_note, *load_rulebook_demo()]
    lines = [f"Demo data ready ({created} account(s) created). Sign in with:"]
    for email, _name, role, password in DEMO_PEOPLE:
        stage = f"  ({STAGES[email]})" if email in STAGES else ""
        lines.append(f"  {role.label:<13} {email:<24} password: {password}{stage}")
    lines += [note for note in notes if note]
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
    """A trainee who has done everything the track asks: every course, its practice hours (all
    in direct service), supervision in every domain and for the practice done, the code of
    ethics signed, and the final exam passed if the track has one."""
    riley = db.session.scalar(select(User).where(User.email == email))
    sam = db.session.scalar(select(User).where(User.email == "supervisor@example.org"))
    lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    from training.hours import services as hours

    track = hours.default_track()
    if riley is None or sam is None or lead is None or track is None:
        return
    if not hours.entries_of(riley):
        hours.assign(lead, riley, sam)
        complete_courses(riley, [c.id for c in content.library().courses])
        practice_responses(riley, sam, accept=True)
        log_approved_hours(riley, sam, track, practice_days=42, first_day_ago=2)
        from training.certs import services as certs

        certs.sign_attestation(riley, track)
    pass_final_exam(riley, track)  # also for a demo database made before the exam existed


def complete_courses(trainee: User, course_ids: list[str]) -> None:
    """Every module of these courses read and each quiz passed (as grading would record it)."""
    from training.learning import quiz_tallies
    from training.models import AttemptStatus, QuizAttempt, utcnow

    for course in content.library().courses:
        if course.id not in course_ids:
            continue
        for module in course.modules:
            services.mark_complete(trainee, course.id, module.id)
        ids = [q.id for q in course.quiz.questions][: course.quiz.questions_per_attempt]
        db.session.add(
            QuizAttempt(
                user_id=trainee.id,
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
        quiz_tallies.count_graded(trainee.id, course.id, True, ids, ids)  # as grading would
    db.session.commit()


def log_approved_hours(
    trainee: User, supervisor: User, track: Track, practice_days: int, first_day_ago: int
) -> None:
    """A 12-hour (or shorter) block of direct-service practice a day for ``practice_days`` days,
    then enough individual supervision for each domain's minimum, the track's total and its
    ratio; every entry submitted and approved by ``supervisor``."""
    import math
    import random
    from datetime import timedelta

    from certificates.hours import MAX_ENTRY_MINUTES, EntryFacts
    from training.hours import services as hours
    from training.hours import signoffs

    practice_minutes = max(track.hours.practice_minutes, track.experience.direct_service_hours * 60)
    block = min(MAX_ENTRY_MINUTES, math.ceil(practice_minutes / practice_days / 15) * 15)
    plan = [(block, "supervised_practice", ("recovery_wellness", "mentoring_education"))]
    plan *= practice_days
    supervision = [(60, "individual_supervision", (d,)) for d in track.training_hours]
    for domain, needed in track.hours.supervision_by_domain.items():
        supervision += [(60, "individual_supervision", (domain,))] * (needed // 60)
    ratio = track.experience.practice_hours_per_supervision_hour
    needed = max(track.hours.supervision_minutes, block * practice_days / ratio if ratio else 0)
    domains = list(track.training_hours) or ["ethical_responsibility"]
    while len(supervision) * 60 < needed:
        domain = domains[len(supervision) % len(domains)]
        supervision.append((60, "individual_supervision", (domain,)))
    today = hours.today()
    rng = random.Random(7)
    ids = []
    for day, (minutes, kind, domains_of) in enumerate(plan + supervision, start=first_day_ago):
        practice = kind == "supervised_practice"
        entry = hours.save_entry(
            trainee,
            EntryFacts(
                today - timedelta(days=day),
                minutes,
                kind,
                "in_person" if practice else rng.choice(["in_person", "video"]),
                domains_of,
                supervisor.id,
                "Peer support shifts at the recovery centre."
                if practice
                else "Individual supervision on this domain.",
                direct_service=practice,
            ),
        )
        ids.append(entry.id)
    hours.submit(trainee, ids)
    signoffs.approve(supervisor, ids)


def pass_final_exam(trainee: User, track: Track) -> None:
    """The track's internal final exam taken and passed through the exam's own services (each
    question answered right), unless it has none or the trainee passed it already."""
    from courses.exam_draw import position_key
    from training.exams import attempts

    rule = attempts.internal_exam(track)
    if rule is None or attempts.standing(trainee, track, rule).passed:
        return
    attempt = attempts.start_attempt(trainee, track, rule)
    questions = attempts.questions_of(attempt)
    assert questions is not None  # drawn a moment ago from the courses as they are
    answers = {position_key(i): sorted(q.answer) for i, q in enumerate(questions, 1)}
    attempts.submit_attempt(rule, attempt, questions, answers)


def practice_responses(
    trainee: User, supervisor: User, accept: bool, course_ids: list[str] | None = None
) -> None:
    """Practice responses: every exercise (of ``course_ids``, else of every course) accepted by
    ``supervisor`` (``accept``), else one response to the first exercise, waiting for them.
    Nothing is added twice."""
    from training.practice import services as practice
    from training.practice.models import PracticeResponse

    if db.session.scalar(
        select(PracticeResponse.id).where(PracticeResponse.trainee_id == trainee.id).limit(1)
    ):
        return
    for course in content.library().courses:
        if course_ids is not None and course.id not in course_ids:
            continue
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
    coaches = [email for email, *_ in RULEBOOK_PEOPLE]  # the Recovery Coach cohort's
    for user in db.session.scalars(
        select(User).where(User.role == Role.TRAINEE, User.email.not_in(coaches))
    ):
        user.cohort_id = cohort.id
    db.session.commit()
