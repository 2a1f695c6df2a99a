"""A double click on "Email me a link": two requests at the same moment leave the person one
working link, never two (the database's partial unique index decides; the loser retries)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import in_app, make_user, post, race, race_app
from training.extensions import db
from training.models import PasswordReset

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path, MAIL_SERVER="smtp.example.org") as app:
        yield app


def test_two_requests_at_once_leave_one_working_link(racing):
    user = make_user(email="robin@example.org")

    def ask(client):  # type: ignore[no-untyped-def]
        return post(client, "/forgot", {"email": "robin@example.org"})

    for _ in range(ROUNDS):
        outcomes = race(racing, (lambda c: None, ask), (lambda c: None, ask))
        assert [o.split()[0] for o in outcomes] == ["302", "302"], outcomes
        with in_app():
            working = db.session.scalars(
                select(PasswordReset).where(
                    PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)
                )
            ).all()
            assert len(working) == 1
