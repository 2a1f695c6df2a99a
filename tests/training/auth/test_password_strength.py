"""Passwords per NIST SP 800-63B: at least 10 characters, no composition rules, and none of
the passwords attackers try first. Every place a password is set applies the same rule."""

import pytest

from tests.helpers import PASSWORD, app_with_database, count, make_user, post, sign_in, text_of
from training.auth.password_strength import password_problem
from training.models import User

PERSON = ("alex.rivera@example.org", "Alex Rivera")
SITE = ("Peer Support Training Program",)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short pw", "at least 10 characters"),
        ("aaaaaaaaaa", 'Repeats like "aaa"'),
        ("abcabcabcabc", "Repeats"),
        ("1234567890", "common password"),
        ("0987654321", "commonly used password"),
        ("password12", "very common password"),
        ("Password123!", "similar to a commonly used password"),
        ("qwertyuiop", "common password"),
        ("asdfghjkl;'", "Straight rows of keys"),
        ("iloveyou2024", "harder to guess"),
        ("alex.rivera@example.org", "can't be your name or email address"),
        ("Alex Rivera", "can't be your name or email address"),
        ("alexrivera", "can't be your name or email address"),
        ("AlexRivera1!", "too close to your name, your email address or this site's name"),
        ("peersupport1", "too close to your name, your email address or this site's name"),
        ("x" * 129, "at most 128 characters"),
    ],
)
def test_easily_guessed_passwords_are_refused_with_the_reason(password, why):
    problem = password_problem(password, 10, PERSON, SITE)
    assert problem is not None and why in problem
    if "at most" not in problem:
        assert "passphrase of four or more unrelated words" in problem  # what works instead


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,  # the tests' own
        "demo-trainee-password",  # the demo's (scripts/demo prints them)
        "demo-supervisor-password",
        "demo-lead-password",
        "bench-password-not-secret",  # the benchmark's
        "walrus ginger harbour lamp",
        "correct horse battery staple",
        "x7#Lq9!mZ2",  # short but random: no composition rules, no need for length beyond 10
        "Ünïcödé lamp säuerkraut",
        "Long passphrase " + "with more words " * 10,  # past what zxcvbn judges
    ],
)
def test_long_or_random_passwords_are_accepted(password):
    assert password_problem(password[:128], 10, PERSON, SITE) is None


def test_registration_refuses_a_common_password():
    with app_with_database(SELF_REGISTRATION=True) as app:
        client = app.test_client()
        data = {"name": "Robin Diaz", "email": "robin@example.org"}
        for weak in ("password12", "Robin Diaz"):
            page = post(client, "/register", {**data, "new_password": weak, "confirm": weak})
            assert "harder to guess" in text_of(page) or "your name or email" in text_of(page)
        assert count(User) == 0
        good = "walrus ginger harbour lamp"
        created = post(client, "/register", {**data, "new_password": good, "confirm": good})
        assert created.status_code == 302 and count(User) == 1


def test_change_password_refuses_a_common_password(client):
    user = make_user(name="Jordan Lee", email="jordan@example.org")
    sign_in(client, user)
    for weak, why in [("qwertyuiop", "common password"), ("jordanlee1", "your name")]:
        page = post(
            client,
            "/account/password",
            {"current_password": PASSWORD, "new_password": weak, "confirm": weak},
        )
        assert page.status_code == 200 and why in text_of(page)
    assert post(client, "/logout").status_code == 302
    assert post(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_reset_link_refuses_a_common_password(app, client):
    from training.auth import resets
    from training.extensions import db
    from training.models import Role

    person = make_user()
    with app.app_context():
        token = resets.create(
            db.session.get(User, person.id), db.session.merge(make_user(Role.LEAD))
        )
    weak = post(client, f"/reset/{token}", {"new_password": "1234567890", "confirm": "1234567890"})
    assert weak.status_code == 200 and "common password" in text_of(weak)
    good = "walrus ginger harbour lamp"
    done = post(client, f"/reset/{token}", {"new_password": good, "confirm": good})
    assert done.headers["Location"] == "/login"


def test_the_users_create_command_refuses_a_common_password(runner):
    weak = runner.invoke(args=["users", "create", "--email", "a@example.org"], input="aaaaaaaaaa\n")
    assert weak.exit_code == 1 and 'Repeats like "aaa"' in weak.output
    own = runner.invoke(
        args=["users", "create", "--email", "morgan@example.org", "--name", "Morgan Reyes"],
        input="morganreyes\n",
    )
    assert own.exit_code == 1 and "can't be your name or email address" in own.output
    assert count(User) == 0
