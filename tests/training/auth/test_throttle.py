"""Failed password checks are throttled per address, per account and address, and per account
from unknown browsers, so guessing is slow but a stranger cannot lock the owner out."""

import pytest

from tests.helpers import PASSWORD, app_with_database, make_user, post, sign_in, text_of

WRONG = "not the password at all"


def throttled_app(**limits):
    return app_with_database(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **limits)


def browser(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, email, password=PASSWORD):
    return post(client, "/login", {"email": email, "password": password})


def change_password(client, current):
    new = "walrus ginger harbour lamp"
    return post(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm": new},
    )


def test_wrong_current_passwords_on_the_change_password_form_are_throttled():
    with throttled_app(LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="3 per 15 minutes") as app:
        user = make_user()
        client = browser(app, "10.1.0.1")
        sign_in(client, user)
        for _ in range(3):
            wrong = change_password(client, WRONG)
            assert wrong.status_code == 200
            assert "not your current password" in text_of(wrong)
        blocked = change_password(client, PASSWORD)  # even the right one waits now
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60
        assert "too many wrong current passwords" in text_of(blocked)
        assert login(browser(app, "10.1.0.1"), user.email).status_code == 429


def test_change_password_failures_and_sign_in_failures_share_one_count():
    with throttled_app(LOGIN_FAILURES_PER_ADDRESS="3 per 15 minutes") as app:
        user, other = make_user(), make_user()
        signed = browser(app, "10.1.0.2")
        sign_in(signed, user)
        change_password(signed, WRONG)
        visitor = browser(app, "10.1.0.2")
        login(visitor, other.email, WRONG)
        login(visitor, other.email, WRONG)
        # three failures from the address: the form and the sign-in page are both closed to it
        assert change_password(signed, PASSWORD).status_code == 429
        refused = login(visitor, other.email)
        assert refused.status_code == 429
        assert "signing in is paused" in text_of(refused)


def test_a_successful_change_does_not_count():
    with throttled_app(LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="1 per 15 minutes") as app:
        user = make_user()
        client = browser(app, "10.1.0.3")
        sign_in(client, user)
        assert change_password(client, PASSWORD).status_code == 302
        post(client, "/logout")
        assert login(client, user.email, "walrus ginger harbour lamp").status_code == 302


def test_a_stranger_at_another_address_cannot_lock_the_owner_out():
    with throttled_app(LOGIN_FAILURES_PER_ADDRESS="50 per 15 minutes") as app:
        owner = make_user()
        attacker = browser(app, "203.0.113.7")
        statuses = [login(attacker, owner.email, WRONG).status_code for _ in range(25)]
        # five guesses at this account from this address, then it is turned away
        assert statuses == [200] * 5 + [429] * 20
        # the owner, at home, in a browser that never signed in before
        assert login(browser(app, "198.51.100.20"), owner.email).status_code == 302


def test_guessing_from_many_addresses_stops_new_browsers_but_not_the_owners_own():
    with throttled_app(LOGIN_FAILURES_PER_ACCOUNT="20 per hour") as app:
        owner = make_user()
        laptop = browser(app, "198.51.100.20")
        assert login(laptop, owner.email).status_code == 302  # the laptop is now known
        post(laptop, "/logout")
        for n in range(4):  # a botnet: 4 addresses x 5 guesses = the account's 20
            bot = browser(app, f"203.0.113.{n + 1}")
            assert [login(bot, owner.email, WRONG).status_code for _ in range(5)] == [200] * 5
        stranger = login(browser(app, "203.0.113.99"), owner.email)
        assert stranger.status_code == 429  # even with the right password: a new browser
        assert "signing in is paused" in text_of(stranger)
        assert login(laptop, owner.email).status_code == 302  # the owner's own laptop
        post(laptop, "/logout")
        laptop.environ_base["REMOTE_ADDR"] = "192.0.2.50"  # …on a café's network
        assert login(laptop, owner.email).status_code == 302


def test_a_known_browser_has_an_allowance_of_its_own():
    """A copied device cookie does not open unlimited guessing: its failures are counted."""
    with throttled_app(LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="3 per 15 minutes") as app:
        owner = make_user()
        laptop = browser(app, "198.51.100.20")
        login(laptop, owner.email)
        post(laptop, "/logout")
        device = laptop.get_cookie("known_device").value
        statuses = []
        for n in range(5):
            thief = browser(app, f"203.0.113.{n + 1}")
            thief.set_cookie("known_device", device)
            statuses.append(login(thief, owner.email, WRONG).status_code)
        assert statuses == [200] * 3 + [429] * 2


@pytest.mark.parametrize("cookie", ["garbage", "W1siYSIsImIiXV0.forged-signature"])
def test_a_forged_device_cookie_counts_as_a_new_browser(cookie):
    with throttled_app(LOGIN_FAILURES_PER_ACCOUNT="2 per hour") as app:
        owner = make_user()
        for n in range(2):
            login(browser(app, f"203.0.113.{n + 1}"), owner.email, WRONG)
        forger = browser(app, "203.0.113.9")
        forger.set_cookie("known_device", cookie)
        assert login(forger, owner.email).status_code == 429


def test_the_device_cookie_signs_nobody_in_and_names_no_one():
    with throttled_app() as app:
        owner = make_user()
        laptop = browser(app, "198.51.100.20")
        login(laptop, owner.email)
        cookie = laptop.get_cookie("known_device")
        assert cookie.http_only and owner.email.split("@")[0] not in cookie.value
        thief = browser(app, "203.0.113.1")
        thief.set_cookie("known_device", cookie.value)
        assert thief.get("/learn/").status_code == 302


def test_a_classroom_signing_in_from_one_address_is_not_throttled():
    """15 trainees behind one school address, each signing in with the right password: no one
    is refused, and the address's allowance for wrong passwords is still whole."""
    with throttled_app() as app:  # the defaults: 10 failures per address in 15 minutes
        trainees = [make_user() for _ in range(15)]
        for trainee in trainees:
            assert login(browser(app, "10.2.0.1"), trainee.email).status_code == 302
        guesser = browser(app, "10.2.0.1")
        statuses = [login(guesser, f"nobody{n}@example.org", WRONG).status_code for n in range(11)]
        assert statuses == [200] * 10 + [429]
