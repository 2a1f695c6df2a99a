"""The practice tests' content: the small test course with one practice exercise at the end
of its first module, and the people who take it."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import assign, make_user, write_course, write_track
from training.content import ContentStore
from training.models import Role

PRACTICE_TOML = """\
[[exercises]]
id = "reflect-dana"
module = "first"
title = "Reflect what Dana feels"
minutes = 15
scenario = '''
Dana, two months into recovery, says: "Everyone at work acts like nothing happened."
'''
prompt = "Write what you would say to Dana next."
criteria = [
  "Names a feeling Dana expressed or implied",
  "Gives no advice or solution",
  "Checks the guess with Dana",
]
"""


def serve_practice(app, root, *, track=False, auto_issue=False):  # type: ignore[no-untyped-def]
    """Serve the test course with its practice.toml (and the test track, if asked)."""
    folder = write_course(root)
    (folder / "practice.toml").write_text(textwrap.dedent(PRACTICE_TOML))
    if track:
        write_track(root, auto_issue=auto_issue)
    store = ContentStore(root)
    assert store.library.course("basics").exercises, store.library.problems
    app.extensions["content"] = store
    app.config["CONTENT_PATH"] = str(root)
    return store


@pytest.fixture
def people(app, tmp_path):
    serve_practice(app, tmp_path, track=True)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    return {"supervisor": supervisor, "trainee": trainee, "lead": lead}
