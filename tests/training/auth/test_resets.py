"""One-time password reset links made by a lead."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import PASSWORD, fetch, find, in_app, make_user, post, sign_in, text_of
from training.extensions import db
from training.models import PasswordReset, Role, User


def make_link(client, person):
    sign_in(client, make_user(Role.LEAD))
    page = text_of(post(client, f"/lead/people/{person.id}/reset-link"))
    # on the configured public address (the tests' default), not the request's host
    return re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", page).group(1)


def new_password(client, url, password="a brand new password"):
    return post(client, url, {"new_password": password, "confirm": password})


def test_a_link_sets_a_new_password_once(app, client):
    person = make_user(Role.TRAINEE)
    url = make_link(client, person)
    visitor = app.test_client()
    assert "Choose a new password" in text_of(visitor.get(url))
    short = new_password(visitor, url, "short")
    assert "at least 10 characters" in text_of(short)
    assert new_password(visitor, url).headers["Location"] == "/login"
    signed = post(visitor, "/login", {"email": person.email, "password": "a brand new password"})
    assert signed.status_code == 302
    again = app.test_client()
    assert again.get(url).status_code == 404
    assert "no longer works" in text_of(new_password(again, url, "another long password"))
    assert (
        post(app.test_client(), "/login", {"email": person.email, "password": PASSWORD}).status_code
        == 200
    )


def test_a_new_link_replaces_the_old_one_and_links_expire(app, client):
    person = make_user(Role.TRAINEE)
    old = make_link(client, person)
    new = make_link(client, person)
    visitor = app.test_client()
    assert visitor.get(old).status_code == 404 and visitor.get(new).status_code == 200
    with in_app():
        for reset in db.session.query(PasswordReset):
            reset.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    assert visitor.get(new).status_code == 404


def test_a_deactivated_account_cannot_be_reset(app, client):
    person = make_user(Role.TRAINEE)
    url = make_link(client, person)
    with in_app():
        db.session.get(User, person.id).active = False
        db.session.commit()
    assert app.test_client().get(url).status_code == 404


def test_only_the_hash_of_the_token_is_stored(client):
    person = make_user(Role.TRAINEE)
    token = make_link(client, person).rsplit("/", 1)[1]
    stored = find(PasswordReset, user_id=person.id)
    assert token not in stored.token_hash and len(stored.token_hash) == 64


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_make_links(client, role):
    person = make_user(Role.TRAINEE)
    sign_in(client, make_user(role))
    assert post(client, f"/lead/people/{person.id}/reset-link").status_code == 403
    assert fetch(User, person.id).must_change_password is False


def test_made_up_links_do_not_work(client):
    assert client.get("/reset/made-up-token").status_code == 404
