"""What the Recovery Coach browser journey (``test_rulebook_journey``) puts in the database
directly, through the services, before the browser starts: what is not new and would take hours
of clicking."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import make_user

TRACK = "recovery-coach"
#: the core live-training sessions seeded as attended; the tenth is scheduled in the browser
SEEDED_SESSIONS = [f"academy-{n}-" for n in range(1, 10)]
BROWSER_SESSION = "academy-10-practice"


def seed_recovery_coach(cohort_name: str) -> dict[str, object]:
    """A lead, a supervisor (a CPRS) and a trainee in a new cohort on the Recovery Coach track,
    with everything of the trainee's that is not new (see the journey's docstring); returns
    the ids the test needs."""
    from training.extensions import db
    from training.hours import services as hours
    from training.models import Cohort, Role

    today_ = hours.today()
    cohort = Cohort(name=cohort_name, start_date=today_ - timedelta(days=120), track_id=TRACK)
    db.session.add(cohort)
    db.session.commit()
    lead = make_user(Role.LEAD, name="Morgan Lead", email="lead@example.org")
    supervisor = make_user(
        Role.SUPERVISOR, name="Sam Supervisor", email="sam@example.org", credential="CPRS 12345"
    )
    trainee = make_user(
        Role.TRAINEE, name="Riley Chen", email="riley@example.org", cohort_id=cohort.id
    )
    lead, supervisor, trainee = (db.session.merge(p) for p in (lead, supervisor, trainee))
    hours.assign(lead, trainee, supervisor)
    _complete_courses(trainee, supervisor)
    _approved_hours(trainee, supervisor, today_)
    _seeded_events(lead, trainee, today_)
    return {"trainee_id": trainee.id, "cohort_id": cohort.id}


def _complete_courses(trainee, supervisor) -> None:  # type: ignore[no-untyped-def]
    from training import content
    from training.extensions import db
    from training.learning import services as learning
    from training.models import AttemptStatus, QuizAttempt, utcnow
    from training.practice import services as practice

    track = content.store().tracks.track(TRACK)
    for course in (content.library().course(c) for c in track.courses):
        for module in course.modules:
            learning.mark_complete(trainee, course.id, module.id)
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
        db.session.commit()
        for exercise in course.exercises:
            response = practice.submit(
                trainee, course, exercise, "It sounds like a lot to carry alone. Is that right?"
            )
            practice.review(
                supervisor,
                response,
                practice.ACCEPT,
                {str(i): True for i in range(len(exercise.criteria))},
                "Meets every point.",
                len(exercise.criteria),
            )


def _approved_hours(trainee, supervisor, today_) -> None:  # type: ignore[no-untyped-def]
    """200 h of direct-service practice (20 days of 10 h) and 10 h of individual supervision
    (every other day): the track's 1 h per 20 h of practice."""
    from certificates.hours import EntryFacts
    from training.hours import services as hours
    from training.hours import signoffs

    def entry(day, minutes, kind, domains, notes, direct_service=False):  # type: ignore[no-untyped-def]
        facts = EntryFacts(
            day, minutes, kind, "in_person", domains, supervisor.id, notes, direct_service
        )
        return hours.save_entry(trainee, facts).id

    ids = []
    for n in range(20):
        day = today_ - timedelta(days=3 + n)
        ids.append(
            entry(
                day,
                600,
                "supervised_practice",
                ("recovery_wellness", "mentoring_education"),
                "Peer support shifts at the recovery community centre.",
                direct_service=True,
            )
        )
        if n % 2 == 0:
            ids.append(
                entry(
                    day,
                    60,
                    "individual_supervision",
                    ("ethical_responsibility",),
                    "Supervision on boundaries and recovery planning.",
                )
            )
    assert hours.submit(trainee, ids).count == len(ids)
    outcome = signoffs.approve(supervisor, ids)
    assert outcome.done == len(ids), outcome.problems


def _seeded_events(lead, trainee, today_) -> None:  # type: ignore[no-untyped-def]
    from training.events import attendance, services

    by_id = {t.id: t for track, t in services.templates() if track.id == TRACK}
    for n, prefix in enumerate(SEEDED_SESSIONS):
        template = next(t for i, t in by_id.items() if i.startswith(prefix))
        event = services.create_event(
            lead,
            services.EventChanges(
                title=template.title,
                day=today_ - timedelta(days=40 - n),
                facilitator="Dana Facilitator",
                location="Room 2",
                hours=dict(template.hours),
                cohort_id=trainee.cohort_id,
            ),
            template.id,
        )
        assert attendance.save_attendance(lead, event, {trainee.id: ("present", None)}) == 1
