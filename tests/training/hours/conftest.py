"""People for the hours pages' tests: a trainee, their supervisor and the program lead."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from tests.helpers import assign, make_user
from training.models import Role, User


class People(NamedTuple):
    trainee: User
    supervisor: User
    lead: User


@pytest.fixture
def people(app) -> People:  # type: ignore[no-untyped-def]
    trainee = make_user(Role.TRAINEE, name="Taylor Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 12345")
    lead = make_user(Role.LEAD, name="Morgan Lead", email="morgan.lead@example.org")
    assign(trainee, supervisor)
    return People(trainee, supervisor, lead)
