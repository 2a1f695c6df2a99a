"""Signing in and out, passwords, throttling, registration."""

import pytest

from tests.helpers import (
    PASSWORD,
    app_with_database,
    count,
    fetch,
    find,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.models import Role, User


def login(client, email, password=PASSWORD, **extra):
    return post(client, "/login", {"email": email, "password": password, **extra})


@pytest.mark.parametrize(
    ("role", "home"),
    [("trainee", "/"), ("lead", "/lead/people"), ("supervisor", "/supervise/")],
)
def test_each_role_signs_in_and_lands_on_its_home(client, role, home):
    user = make_user(role)
    response = login(client, user.email.upper() + "  ")  # case and spaces do not matter
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True)
    assert page.request.path == home  # a trainee's home is the page of their next steps


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    user = make_user()
    for email, password in [(user.email, "wrong password!"), ("nobody@example.org", PASSWORD)]:
        response = login(client, email, password)
        assert response.status_code == 200
        assert "don't match an account" in text_of(response)
    assert client.get("/learn/").status_code == 302  # still signed out


def test_a_deactivated_account_cannot_sign_in(client):
    user = make_user(active=False)
    response = login(client, user.email)
    assert "deactivated" in text_of(response)
    assert client.get("/learn/").status_code == 302


def test_login_without_csrf_token_is_rejected(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert client.get("/learn/").status_code == 302


def test_next_is_followed_only_within_the_site(client):
    user = make_user()
    ok = post(client, "/login?next=/learn/", {"email": user.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/learn/"
    post(client, "/logout")
    evil = post(
        client, "/login?next=https://evil.example/", {"email": user.email, "password": PASSWORD}
    )
    assert "evil" not in evil.headers["Location"]
    post(client, "/logout")
    evil = post(client, "/login?next=//evil.example/", {"email": user.email, "password": PASSWORD})
    assert "evil" not in evil.headers["Location"]


def test_logout_needs_post_with_csrf(client):
    sign_in(client, make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/learn/").status_code == 200
    post(client, "/logout")
    assert client.get("/learn/").status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ["/learn/", "/account/password", "/lead/people"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_change_password(client, app):
    user = make_user()
    sign_in(client, user)
    bad = post(
        client,
        "/account/password",
        {
            "current_password": "nope",
            "new_password": "new long password",
            "confirm": "new long password",
        },
    )
    assert "not your current password" in text_of(bad)
    short = post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert "at least 10 characters" in text_of(short)
    mismatch = post(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "new long password",
            "confirm": "other long pass",
        },
    )
    assert "don't match" in text_of(mismatch)

    other_device = app.test_client()
    sign_in(other_device, user)
    assert other_device.get("/learn/").status_code == 200
    ok = post(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "new long password",
            "confirm": "new long password",
        },
    )
    assert ok.status_code == 302
    assert client.get("/learn/").status_code == 200  # this device stays signed in
    assert other_device.get("/learn/").status_code == 302  # the other one is signed out
    post(client, "/logout")
    assert login(client, user.email, "new long password").status_code == 302


def test_a_new_password_equal_to_the_current_one_is_refused(client):
    user = make_user(must_change_password=True)  # e.g. a temporary password to be replaced
    sign_in(client, user)
    same = post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD},
    )
    assert same.status_code == 200
    assert "new password is the same as your current one" in text_of(same)
    assert fetch(User, user.id).must_change_password is True  # nothing changed
    assert client.get("/learn/").status_code == 302  # still asked to choose a new one


def test_a_temporary_password_must_be_replaced_before_anything_else(client):
    user = make_user(must_change_password=True)
    login(client, user.email)
    response = client.get("/learn/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    post(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "my own password",
            "confirm": "my own password",
        },
    )
    assert client.get("/learn/").status_code == 200
    assert fetch(User, user.id).must_change_password is False


def throttled_app(**limits):
    return app_with_database(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **limits)


def test_repeated_failed_logins_are_throttled_per_address():
    with throttled_app(LOGIN_FAILURES_PER_ADDRESS="3 per 15 minutes") as app:
        user = make_user()
        client = app.test_client()
        for _ in range(3):
            assert login(client, user.email, "wrong password!").status_code == 200
        blocked = login(client, user.email)  # even the right password waits now
        assert blocked.status_code == 429
        assert "Too many attempts" in text_of(blocked)
        # the browser or script is told when the window of 15 minutes lets it in again
        assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60


def test_successful_logins_do_not_count_toward_the_throttle():
    with throttled_app(LOGIN_FAILURES_PER_ADDRESS="2 per 15 minutes") as app:
        user = make_user()
        client = app.test_client()
        for _ in range(4):
            assert login(client, user.email).status_code == 302
            post(client, "/logout")


def test_failed_logins_are_throttled_per_account_across_addresses():
    with throttled_app(LOGIN_FAILURES_PER_ACCOUNT="2 per hour") as app:
        user = make_user()
        for n in range(2):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
            login(client, user.email, "wrong password!")
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
        assert login(client, user.email).status_code == 429
        other = make_user()
        assert login(client, other.email).status_code == 302  # other accounts are unaffected


def test_self_registration_is_off_by_default(client):
    assert client.get("/register").status_code == 404
    assert post(client, "/register", {"name": "A", "email": "a@example.org"}).status_code == 404


def test_self_registration_when_switched_on_makes_a_trainee():
    with app_with_database(SELF_REGISTRATION=True) as app:
        client = app.test_client()
        assert "Create a trainee account" in text_of(client.get("/register"))
        bad = post(
            client,
            "/register",
            {"name": "", "email": "not-an-email", "new_password": "x", "confirm": "y"},
        )
        page = text_of(bad)
        assert "Enter your name." in page and "email address like" in page
        assert count(User) == 0
        data = {
            "name": "Robin Diaz",
            "email": "Robin@Example.org",
            "new_password": "a long password",
            "confirm": "a long password",
            "role": "lead",
        }
        assert post(client, "/register", data).status_code == 302
        user = find(User, email="robin@example.org")
        assert (user.email, user.role) == ("robin@example.org", Role.TRAINEE)
        post(client, "/logout")
        again = post(client, "/register", data)
        assert "already exists" in text_of(again)
