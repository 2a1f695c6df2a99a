"""Operator commands: users create, content check, demo."""

from tests.helpers import count, in_app, write_course
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


def test_demo_loads_every_role_and_is_safe_to_run_twice(runner):
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
        assert checklist(riley, default_track()).eligible  # ready for a lead to issue
