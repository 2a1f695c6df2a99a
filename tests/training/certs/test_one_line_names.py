"""A certificate's names are one line: a re-issue refuses a holder name with a line break (which
would be signed and printed as a second line under the name, e.g. a fake "Live status"), and a
name stored with one before the forms refused it is never signed."""

from __future__ import annotations

import json

import pytest

from tests.helpers import count, fetch, in_app, post, sign_in, text_of
from tests.training.certs.test_views import issue, issued, make_eligible  # noqa: F401 (fixture)
from training.extensions import db
from training.models import Certificate, User
from training.validators import ONE_LINE_MESSAGE


@pytest.mark.parametrize(
    "holder_name",
    [
        "Riley Chen\n  Live status  http://evil.example/ok",
        "Riley Chen\r\nLive status: VALID",
        "Riley Chen\u2028Live status: VALID",
    ],
    ids=repr,
)
def test_a_reissue_refuses_a_holder_name_on_two_lines(client, issued, holder_name):  # noqa: F811
    _, _, old = issued
    response = post(
        client,
        f"/certificates/{old.id}/reissue",
        {"holder_name": holder_name},
        follow_redirects=True,
    )
    assert ONE_LINE_MESSAGE in text_of(response)
    assert count(Certificate) == 1
    assert fetch(Certificate, old.id).superseded_at is None


def test_a_reissue_trims_the_holder_name(client, issued):  # noqa: F811
    _, _, old = issued
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "  Riley Chen-Okafor  "})
    new = fetch(Certificate, old.id + 1)
    assert new is not None and new.holder_name == "Riley Chen-Okafor"
    assert json.loads(new.payload)["holder"] == "Riley Chen-Okafor"


def test_a_name_stored_on_two_lines_is_never_signed(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    with in_app():
        db.session.get(User, trainee.id).name = "Riley Chen\n  Live status  http://evil.example/ok"
        db.session.commit()
    response = issue(client, lead, trainee)
    assert "has a line break or a hidden character in it" in text_of(response)
    assert count(Certificate) == 0
    sign_in(client, lead)
    post(client, f"/lead/people/{trainee.id}", {"name": "Riley Chen", "role": "trainee"})
    issue(client, lead, trainee)
    assert count(Certificate) == 1
