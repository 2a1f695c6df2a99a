"""Commands for operators: ``flask --app wsgi users|content|quiz|keys|demo|db backup …``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from courses.check import check

users_cli = AppGroup("users", help="Manage accounts.")
content_cli = AppGroup("content", help="Check course content.")
quiz_cli = AppGroup("quiz", help="Look after the quiz statistics.")

#: the changed tallies ``quiz recount`` lists one by one (the rest are counted)
CHANGES_LISTED = 100


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.option("--email", required=True, help="The person's email address (their login).")
@click.option(
    "--role",
    type=click.Choice(["trainee", "supervisor", "lead"]),
    default="trainee",
    show_default=True,
)
@click.option("--name", default=None, help="Full name (default: the part of the email before @).")
def create_user(email: str, role: str, name: str | None) -> None:
    """Create an account; the password is read from a prompt, or from standard input."""
    from training.accounts import AccountError, create_account

    password = _read_password()
    try:
        user = create_account(email, name or email.split("@")[0], role, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} account for {user.email}.")


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_content(path: Path | None) -> None:
    """Check a content folder (default: the one the app serves); exit 1 if anything is wrong."""
    root = path or Path(current_app.config["CONTENT_PATH"])
    sys.exit(check(root, click.echo, lambda line: click.echo(line, err=True)))


@quiz_cli.command("recount")
def recount_quiz_tallies() -> None:
    """Work the quiz statistics' running totals out again from the attempts, and say what
    changed. Safe while the site runs (gradings wait for it, then count as usual): run it
    once after every server is upgraded past migration 0013."""
    from training.extensions import db
    from training.learning.quiz_tallies import recount

    changes = recount()
    db.session.commit()
    if not changes:
        click.echo("Recounted the quiz statistics. Every tally was right: nothing changed.")
        return
    count = len(changes)
    click.echo(
        f"Recounted the quiz statistics: {count} tall{'ies' if count != 1 else 'y'} changed "
        "(was -> now)."
    )
    for change in changes[:CHANGES_LISTED]:
        click.echo(f"  {change}")
    if count > CHANGES_LISTED:
        click.echo(f"  and {count - CHANGES_LISTED} more.")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo accounts and progress (safe to run twice) and print the demo logins."""
    from training.demo import load_demo

    for line in load_demo():
        click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(quiz_cli)
    app.cli.add_command(demo)
    from training.ob3.key_commands import keys_cli

    app.cli.add_command(keys_cli)
    # `flask db backup`: beside Flask-Migrate's upgrade, downgrade… in its `db` group
    from flask_migrate.cli import db as db_cli

    from training.backup import backup

    db_cli.add_command(backup)
    _publish_the_key_after_upgrades(db_cli)


def _publish_the_key_after_upgrades(db_cli: click.Group) -> None:
    """`flask db upgrade` also registers the signing key in service (``signing_keys
    .register_in_service``), so it is published from the deployment on, before it signs: an
    operator who swaps it before then still has what it signed verifying. (Flask-Migrate's
    group is shared by every app of the process: wrapped once.)"""
    command = db_cli.commands["upgrade"]
    if getattr(command.callback, "publishes_the_key", False):
        return
    upgrade = command.callback

    @with_appcontext
    def upgrade_then_publish(*args: object, **kwargs: object) -> None:
        upgrade(*args, **kwargs)  # type: ignore[misc]
        if not kwargs.get("sql"):
            from training.ob3 import signing_keys

            signing_keys.register_in_service()

    upgrade_then_publish.publishes_the_key = True  # type: ignore[attr-defined]
    command.callback = upgrade_then_publish
