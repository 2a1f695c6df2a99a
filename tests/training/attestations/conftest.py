"""The attestation tests' track: the small test course and track, with a code of ethics and a
lived-experience statement to sign and two items a lead confirms; and the people around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from certificates.rulebook import Confirmation
from certificates.tracks import Attestation
from tests.helpers import assign, make_cohort, make_user, use_track, write_course, write_track
from training.content import ContentStore
from training.models import Role, User

LIVED = Attestation(
    "Lived-experience statement",
    "I have my own lived experience of recovery, in my own terms.",
    "Recovery has many pathways. **You describe yours in your own terms**; nobody asks for "
    "details.",
    id="lived-experience",
)
DIPLOMA = Confirmation("diploma", "High-school diploma or GED seen")
BACKGROUND = Confirmation(
    "background", "Background check done", help="Record yes only; never write details here."
)


def serve_track(app, root, **changes):  # type: ignore[no-untyped-def]
    """Serve the test course and track, with the code of ethics, LIVED, DIPLOMA and
    BACKGROUND (``changes`` replace any field of the track); returns the track."""
    write_course(root)
    write_track(root)
    app.extensions["content"] = ContentStore(root)
    app.config["CONTENT_PATH"] = str(root)
    ethics = app.extensions["content"].tracks.track("peer-recovery").attestation
    rules = {"attestations": (ethics, LIVED), "confirmations": (DIPLOMA, BACKGROUND), **changes}
    return use_track(app, "peer-recovery", **rules)


@dataclass
class Team:
    lead: User
    supervisor: User
    trainee: User
    other_trainee: User
    other_supervisor: User


@pytest.fixture
def track(app, tmp_path):  # type: ignore[no-untyped-def]
    return serve_track(app, tmp_path)


@pytest.fixture
def team(track):  # type: ignore[no-untyped-def]
    cohort = make_cohort()
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen", cohort_id=cohort.id)
    other = make_user(Role.TRAINEE, name="Alex Other", cohort_id=cohort.id)
    other_supervisor = make_user(Role.SUPERVISOR, name="Jo Elsewhere")
    assign(trainee, supervisor)
    assign(other, other_supervisor)
    return Team(lead, supervisor, trainee, other, other_supervisor)
