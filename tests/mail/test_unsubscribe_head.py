"""A link checker (or a mail provider's scanner) asking for an unsubscribe link with HEAD gets
the page's answer, and nothing changes."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from tests.helpers import in_app, make_user
from training.extensions import db
from training.mail import outbox
from training.mail.models import MailOptOut


def test_head_on_an_unsubscribe_link_answers_200_and_changes_nothing(client):
    user = make_user()
    with in_app():
        link = urlsplit(outbox.unsubscribe_url(user, "hours_decision")).path
    response = client.head(link)
    assert response.status_code == 200
    with in_app():
        assert db.session.scalars(select(MailOptOut)).all() == []
