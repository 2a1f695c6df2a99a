"""Every refusal for going too fast (429) speaks to the person who meets it, and says how long
to wait in the same terms as its Retry-After header."""

import re

from tests.helpers import PASSWORD, app_with_database, make_user, post, sign_in, text_of
from tests.training.certs.test_views import new_code


def limited_app(**settings):
    return app_with_database(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **settings)


def wait_in_minutes(page: str) -> int:
    """The wait a refusal page states, in minutes ("in about 1 hour", "in about 15 minutes")."""
    amount, unit = re.search(r"try again in about (\d+) (minute|hour)s?\.", page).groups()
    return int(amount) * (60 if unit == "hour" else 1)


def test_a_refused_sign_in_says_how_long_to_wait():
    with limited_app(LOGIN_FAILURES_PER_ADDRESS="2 per 15 minutes") as app:
        client = app.test_client()
        for n in range(2):
            post(client, "/login", {"email": f"nobody{n}@example.org", "password": "wrong one"})
        refused = post(client, "/login", {"email": "someone@example.org", "password": PASSWORD})
        assert refused.status_code == 429
        page = text_of(refused)
        assert "signing in is paused" in page
        assert wait_in_minutes(page) == round(int(refused.headers["Retry-After"]) / 60) == 15


def test_dead_reset_links_are_refused_with_the_real_wait():
    with limited_app(RESET_LINK_FAILURES_PER_ADDRESS="3 per hour") as app:
        visitor = app.test_client()
        for n in range(3):
            assert visitor.get(f"/reset/made-up-link-{n}").status_code == 404
        refused = visitor.get("/reset/made-up-link-4")
        assert refused.status_code == 429
        page = text_of(refused)
        assert "password links that no longer work" in page
        assert "ask your program lead for a new link" in page
        assert "few minutes" not in page
        assert 55 * 60 <= int(refused.headers["Retry-After"]) <= 60 * 60
        assert wait_in_minutes(page) == 60  # "in about 1 hour", as Retry-After says


def test_opening_a_live_reset_link_and_weak_passwords_do_not_count():
    """Someone reading their link, and trying passwords the site refuses as too weak, learns
    nothing about other links: none of it counts, and the link still works at the end."""
    with limited_app(RESET_LINK_FAILURES_PER_ADDRESS="3 per hour") as app:
        from tests.training.auth.test_resets import make_link, new_password

        person = make_user()
        url = make_link(app.test_client(), person)
        visitor = app.test_client()
        for _ in range(10):
            assert visitor.get(url).status_code == 200
            weak = new_password(visitor, url, "aaaaaaaaaa")
            assert weak.status_code == 200 and "Too many" not in text_of(weak)
        assert new_password(visitor, url).status_code == 302
        # and a guesser at that address still has the whole allowance for dead links
        assert [visitor.get(f"/reset/made-up-{n}").status_code for n in range(4)] == [404] * 3 + [
            429
        ]


def test_a_verification_refusal_speaks_to_a_visitor():
    with limited_app(VERIFY_RATE_LIMIT="2 per minute") as app:
        visitor = app.test_client()
        for _ in range(2):
            visitor.get(f"/verify/{new_code()}")
        refused = visitor.get(f"/verify/{new_code()}")
        assert refused.status_code == 429
        page = text_of(refused)
        assert "account" not in page  # an anonymous visitor has none here
        assert "looked up from your network" in page
        assert "try again in about" in page and int(refused.headers["Retry-After"]) <= 60


def test_a_refused_password_change_says_how_long_to_wait():
    with limited_app(LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="1 per hour") as app:
        user = make_user()
        client = app.test_client()
        sign_in(client, user)
        form = {
            "new_password": "walrus ginger harbour lamp",
            "confirm": "walrus ginger harbour lamp",
        }
        post(client, "/account/password", {"current_password": "wrong one", **form})
        refused = post(client, "/account/password", {"current_password": PASSWORD, **form})
        assert refused.status_code == 429
        page = text_of(refused)
        assert "too many wrong current passwords" in page
        assert wait_in_minutes(page) == 60
