"""Two people creating the same account at once: exactly one account, and the other person is
told plainly that it exists (the database's unique email decides, not a check before the write)."""

import pytest
from sqlalchemy import func, select

from tests.helpers import app_with_database, as_user, in_app, make_user, post, race
from training.extensions import db
from training.models import Role, User

ROUNDS = 3


def accounts_with(email: str) -> int:
    with in_app():
        return db.session.scalar(select(func.count()).where(User.email == email)) or 0


@pytest.mark.slow
def test_two_leads_creating_one_email_at_once_make_one_account(app):
    leads = [make_user(Role.LEAD) for _ in range(2)]
    for n in range(ROUNDS):
        email = f"sam{n}@example.org"
        data = {"name": "Sam Okafor", "email": email, "role": "trainee"}
        outcomes = race(
            app,
            *[as_user(lead, lambda c, d=data: post(c, "/lead/people/new", d)) for lead in leads],
        )
        assert accounts_with(email) == 1
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        assert sum("Temporary password" in o for o in outcomes) == 1, outcomes
        assert sum("Someone already has an account with this email." in o for o in outcomes) == 1


@pytest.mark.slow
def test_people_registering_one_email_at_once_make_one_account():
    with app_with_database(SELF_REGISTRATION=True) as app:
        for n in range(ROUNDS):
            email = f"robin{n}@example.org"
            data = {
                "name": "Robin Diaz",
                "email": email,
                "new_password": "a long password",
                "confirm": "a long password",
            }
            outcomes = race(app, *[(lambda c: None, lambda c, d=data: post(c, "/register", d))] * 3)
            assert accounts_with(email) == 1
            assert sum(o.startswith("302 ") for o in outcomes) == 1, outcomes
            assert sum("An account with this email already exists." in o for o in outcomes) == 2
