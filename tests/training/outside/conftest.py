"""The people of the outside-training tests."""

import pytest

from tests.helpers import assign, make_user
from training.models import Role


@pytest.fixture
def team(app):
    trainee = make_user(Role.TRAINEE, name="Tia Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sue Supervisor")
    assign(trainee, supervisor)
    return {
        "trainee": trainee,
        "supervisor": supervisor,
        "lead": make_user(Role.LEAD, name="Lee Lead"),
        "other trainee": make_user(Role.TRAINEE, name="Otto Other"),
        "other supervisor": make_user(Role.SUPERVISOR, name="Sid Elsewhere"),
    }
