"""Signing out ends the session on the server: copies of the session and remember cookies taken
before "Sign out" sign nobody in afterwards, and other devices stay signed in."""

from datetime import timedelta

from sqlalchemy import select, update

from tests.helpers import PASSWORD, count, in_app, make_user, post
from training.extensions import db
from training.models import LoginSession, User, utcnow

REMEMBER = "remember_token"


def sign_in_with_form(client, user, remember=False):
    form = {"email": user.email, "password": PASSWORD}
    if remember:
        form["remember"] = "y"
    response = post(client, "/login", form)
    assert response.status_code == 302
    return response


def signed_in(client) -> bool:
    return client.get("/learn/").status_code == 200


def replay(app, name, value):
    """A fresh browser holding only a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def test_a_copied_session_cookie_stops_working_at_sign_out(app, client):
    user = make_user()
    sign_in_with_form(client, user)
    copied = client.get_cookie("session").value
    assert signed_in(replay(app, "session", copied))  # the copy works while signed in
    post(client, "/logout")
    assert not signed_in(client)
    assert not signed_in(replay(app, "session", copied))


def test_a_copied_remember_cookie_stops_working_at_sign_out_and_is_expired(app, client):
    user = make_user()
    sign_in_with_form(client, user, remember=True)
    copied = client.get_cookie(REMEMBER).value
    assert signed_in(replay(app, REMEMBER, copied))  # "keep me signed in" works on its own
    response = post(client, "/logout")
    # the browser is told to drop the cookie at once
    set_cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER)]
    assert len(set_cookie) == 1
    assert set_cookie[0].startswith(f"{REMEMBER}=;") and "Max-Age=0" in set_cookie[0]
    assert client.get_cookie(REMEMBER) is None
    assert not signed_in(client)
    assert not signed_in(replay(app, REMEMBER, copied))


def test_signing_out_on_one_device_leaves_the_others_signed_in(app):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in_with_form(laptop, user)
    sign_in_with_form(phone, user, remember=True)
    post(laptop, "/logout")
    assert not signed_in(laptop)
    assert signed_in(phone)
    assert signed_in(replay(app, REMEMBER, phone.get_cookie(REMEMBER).value))
    assert count(LoginSession) == 1


def test_the_database_keeps_only_a_hash_of_each_sign_in(app, client):
    user = make_user()
    sign_in_with_form(client, user, remember=True)
    with client.session_transaction() as session:
        token = session["_user_id"]
    with in_app():
        stored = db.session.scalars(select(LoginSession.token_hash)).one()
    assert len(token) >= 40 and token not in stored and len(stored) == 64
    assert str(user.id) != token


def test_a_password_change_signs_out_every_other_device_and_keeps_this_one(app):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in_with_form(here, user, remember=True)
    sign_in_with_form(elsewhere, user, remember=True)
    old_remember = here.get_cookie(REMEMBER).value
    changed = post(
        here,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "walrus ginger harbour lamp",
            "confirm": "walrus ginger harbour lamp",
        },
    )
    assert changed.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert not signed_in(replay(app, REMEMBER, elsewhere.get_cookie(REMEMBER).value))
    # this device's old cookies are replaced: the old remember cookie no longer works, the new
    # one does
    assert not signed_in(replay(app, REMEMBER, old_remember))
    assert signed_in(replay(app, REMEMBER, here.get_cookie(REMEMBER).value))


def test_deactivating_an_account_signs_it_out_everywhere(app):
    from tests.helpers import sign_in
    from training.models import Role

    person = make_user()
    devices = [app.test_client(), app.test_client()]
    for device in devices:
        sign_in_with_form(device, person, remember=True)
    lead = app.test_client()
    sign_in(lead, make_user(Role.LEAD))
    saved = post(
        lead, f"/lead/people/{person.id}", {"name": person.name, "role": "trainee", "active": ""}
    )
    assert saved.status_code == 302
    for device in devices:
        assert not signed_in(device)
        assert not signed_in(replay(app, REMEMBER, device.get_cookie(REMEMBER).value))
    assert count(LoginSession) == 1  # the lead's own


def test_no_sign_in_outlives_the_remember_duration(app, client):
    user = make_user()
    sign_in_with_form(client, user, remember=True)
    assert signed_in(client)
    with in_app():
        db.session.execute(
            update(LoginSession).values(
                created_at=utcnow() - app.config["REMEMBER_COOKIE_DURATION"] - timedelta(hours=1)
            )
        )
        db.session.commit()
    assert not signed_in(client)
    # the next sign-in forgets the account's sign-ins that are too old
    post(client, "/logout")
    sign_in_with_form(client, user)
    with in_app():
        assert db.session.scalar(select(User.id).join(LoginSession)) == user.id
    assert count(LoginSession) == 1


def test_a_cookie_from_before_login_sessions_signs_nobody_in(app, client):
    """Cookies made before this release carried "id:version": they no longer sign anyone in."""
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:1"
        session["_fresh"] = True
    assert not signed_in(client)


def test_the_signed_in_person_is_loaded_in_one_query(app):
    """Every request loads its person: the session check adds no round trip of its own."""
    from sqlalchemy import event

    from training.auth import login_sessions

    user = make_user()
    with app.app_context():
        token = login_sessions.start(db.session.merge(user))
        db.session.commit()
        db.session.expunge_all()
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        loaded = login_sessions.load(token)
        assert loaded is not None and loaded.id == user.id and loaded.waiting_count == 0
        assert len(statements) == 1 and "login_session" in statements[0]
        assert login_sessions.load("not-a-token") is None
