"""Operator commands: users create, content check, demo."""

from tests.helpers import count, in_app, use_track, write_course
from training.extensions import db
from training.models import Role, User


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Lead@Example.org",
            "--role",
            "lead",
            "--name",
            "Morgan Reyes",
        ],
        input="a long lead password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created lead account for lead@example.org" in result.output
    with in_app():
        user = db.session.query(User).one()
        assert (user.email, user.role, user.name) == ("lead@example.org", Role.LEAD, "Morgan Reyes")


def test_users_create_refuses_bad_input_clearly(runner):
    short = runner.invoke(args=["users", "create", "--email", "a@example.org"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad = runner.invoke(args=["users", "create", "--email", "nope"], input="a long password\n")
    assert bad.exit_code == 1 and "is not an email address" in bad.output
    role = runner.invoke(args=["users", "create", "--email", "a@example.org", "--role", "admin"])
    assert role.exit_code == 2
    runner.invoke(args=["users", "create", "--email", "a@example.org"], input="a long password\n")
    twice = runner.invoke(
        args=["users", "create", "--email", "a@example.org"], input="a long password\n"
    )
    assert twice.exit_code == 1 and "already exists" in twice.output
    assert count(User) == 1


def test_content_check_passes_on_the_shipped_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("OK: ")
    assert "worst test-wise guesser passes one attempt" in result.output


def test_content_check_lists_each_problem_and_exits_non_zero(runner, tmp_path):
    write_course(
        tmp_path,
        "one",
        quiz='minutes = 1\n[[questions]]\nid = "q"\ntype = "single"\nprompt = "p"\n'
        'options = [{ id = "a", text = "A" }, { id = "b", text = "B" }]\nanswer = "c"\n'
        'explanation = "e"\n',
    )
    write_course(
        tmp_path,
        "two",
        course='title = "T"\nsummary = "s"\nmodules = ["first", "second", "third"]\n'
        "[training_hours]\nadvocacy = 1\n",
    )
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        'courses/one/quiz.toml:7: question "q": answer "c" is not among the options'
        in result.output
    )
    assert (
        'courses/two/course.toml:3: module "third" is listed but third.md is missing'
        in result.output
    )
    assert "2 problems found" in result.output


def test_demo_loads_every_role_and_is_safe_to_run_twice(app, runner):
    # Track 1 with the practicum rules, supervisor credentials and final exam its file shows as
    # an example: the demo's Riley meets those too (the shipped track asks less).
    from certificates.rulebook import ExamRule, ExperienceRule, SupervisorRule

    blueprint = {
        "advocacy": 8,
        "mentoring_education": 12,
        "recovery_wellness": 15,
        "ethical_responsibility": 15,
    }
    use_track(
        app,
        exam=ExamRule(
            "internal", "final exam", blueprint=blueprint, pass_percent=80, wait_hours=48
        ),
        experience=ExperienceRule(250, practice_hours_per_supervision_hour=20),
        supervisors=SupervisorRule(("CPRS", "LCSW")),
    )
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for email in ("lead@example.org", "supervisor@example.org", "trainee@example.org"):
        assert email in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "0 account(s) created" in second.output
    with in_app():
        roles = {u.role for u in db.session.query(User)}
    assert roles == {Role.LEAD, Role.SUPERVISOR, Role.TRAINEE}
    from training.demo import DEMO_PEOPLE

    assert count(User) == len(DEMO_PEOPLE)
    with in_app():
        from training.certs.services import checklist
        from training.hours.services import default_track

        riley = db.session.query(User).filter_by(email="riley@example.org").one()
        ready = checklist(riley, default_track())
        assert ready.eligible  # ready for a lead to issue
        labels = [item.label for item in ready.items]
        assert "Pass the final exam" in labels
        assert "250 approved hours of direct service within supervised practice" in str(labels)


def test_demo_shows_the_whole_rulebook_on_the_second_track(runner, client):
    """The Recovery Coach cohort: events with attendance and one ahead, outside training in
    every state, an exam result, evaluations signed and in draft, attestations and
    confirmations; Dana certified with a full transcript, Eli still short, and a supervisor
    whose credential the track does not accept. Loaded twice, nothing is added twice."""
    from certificates.codes import format_code
    from tests.helpers import sign_in, text_of
    from training.certs.services import checklist, current_certificate
    from training.evaluations.models import CompetencyEvaluation
    from training.events.models import EventAttendance, TrainingEvent
    from training.exams.models import ExamResult
    from training.hours.services import today, track_for
    from training.outside.models import OutsideRecord

    for _ in range(2):
        assert runner.invoke(args=["demo"]).exit_code == 0
    with in_app():
        people = {u.email: u for u in db.session.query(User)}
        dana, eli, chris = (people[f"{n}@example.org"] for n in ("dana", "eli", "chris"))
        track = track_for(dana)
        assert track.id == "recovery-coach" and track_for(eli).id == "recovery-coach"
        events = db.session.query(TrainingEvent).all()
        assert len(events) == 13 and sum(e.day > today() for e in events) == 1
        statuses = sorted(a.status for a in db.session.query(EventAttendance))
        assert {"present", "partial", "absent"} == set(statuses)
        outside = sorted((r.kind, r.status) for r in db.session.query(OutsideRecord))
        assert outside == [
            ("ce", "approved"),
            ("outside", "approved"),
            ("outside", "returned"),
            ("outside", "submitted"),
        ]
        assert [r.passed for r in db.session.query(ExamResult)] == [True]
        evaluations = sorted(e.status for e in db.session.query(CompetencyEvaluation))
        assert evaluations == ["draft", "signed"]
        certificate = current_certificate(dana, track)
        assert certificate is not None
        code = format_code(certificate.code)
        short = checklist(eli, track)
        assert not short.eligible and "Read and sign the job description" in short.still_needed
        chris_id = chris.id
        first_session = track.training.event("academy-1-pathways").title
        exam_line = f"{track.exam.name}: passed on"
        coach_title = track.title
    transcript = text_of(client.get(f"/verify/{code}/transcript"))
    assert first_session in transcript  # live training attended
    assert "Advocacy and systems navigation · from State Peer Recovery Network" in transcript
    assert "Ethics in practice Course" in transcript
    assert exam_line in text_of(client.get(f"/verify/{code}"))  # the result the lead recorded
    with in_app():
        lead = db.session.query(User).filter_by(email="lead@example.org").one()
    sign_in(client, lead)
    person = text_of(client.get(f"/lead/people/{chris_id}"))
    assert f"{coach_title}: no: it accepts only CPRS" in person
    assert "and the credential recorded above names none of them" in person
