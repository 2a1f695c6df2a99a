"""Several people creating the same account at the same moment (leads, or people registering):
exactly one account, made by one of them and audited once; everyone else is told plainly that
it exists, on the form, never a bare 500. The database's unique email decides, not the check
before the write: real requests run in parallel threads against one app on a database that
several connections really share (a SQLite file, or TEST_DATABASE_URL), released together.

(Not the in-memory SQLite of the other tests: there every thread shares one connection, so
one racer's rollback undoes another's insert, and a race is not a race but a tangle.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import (
    as_user,
    in_app,
    make_user,
    post,
    race,
    race_app,
)
from training.extensions import db
from training.models import AuditEvent, Role, User

ROUNDS = 3  # each round a new email: a race that can be lost shows up in one round or another
RACERS = 4
PASSWORD = "a long password for robin"


@pytest.fixture
def shared(tmp_path):
    with race_app(tmp_path, SELF_REGISTRATION=True) as app:
        yield app


def _accounts(email: str) -> list[User]:
    with in_app():
        users = db.session.scalars(select(User).where(User.email == email)).all()
        db.session.expunge_all()
        return list(users)


def _created_events(user_id: int) -> list[tuple[int | None, str | None]]:
    with in_app():
        return [
            (e.actor_id, e.comment)
            for e in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "user",
                    AuditEvent.subject_id == user_id,
                    AuditEvent.action == "created",
                )
            )
        ]


def test_leads_creating_one_email_at_once_make_one_account(shared):
    leads = [make_user(Role.LEAD, name=f"Lead {i}") for i in range(RACERS)]
    for n in range(ROUNDS):
        email = f"sam{n}@example.org"
        # the same address as each lead typed it
        typed = [email, email.upper(), email.capitalize(), f" {email} "]
        outcomes = race(
            shared,
            *(
                as_user(
                    lead,
                    lambda c, e=e: post(
                        c,
                        "/lead/people/new",
                        {
                            "name": "Sam Okafor",
                            "email": e,
                            "role": "supervisor",
                            "credential": "CPRS",
                        },
                    ),
                )
                for lead, e in zip(leads, typed, strict=True)
            ),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        won = [i for i, o in enumerate(outcomes) if "Account created for" in o]
        assert len(won) == 1, outcomes
        told = f"An account for {email} already exists."
        assert sum(told in o for o in outcomes) == RACERS - 1, outcomes
        (account,) = _accounts(email)
        assert (account.role, account.credential) == (Role.SUPERVISOR, "CPRS")
        # audited once, by the lead who won, with the role they gave
        assert _created_events(account.id) == [
            (leads[won[0]].id, "Supervisor account (credential: CPRS)")
        ]


def test_people_registering_one_email_at_once_make_one_account(shared):
    for n in range(ROUNDS):
        email = f"robin{n}@example.org"
        data = {"name": "Robin Diaz", "email": email, "new_password": PASSWORD, "confirm": PASSWORD}
        outcomes = race(
            shared, *[(lambda c: None, lambda c, d=data: post(c, "/register", d))] * RACERS
        )
        assert sum(o.startswith("302 ") for o in outcomes) == 1, outcomes
        told = (
            f"An account for {email} already exists. Sign in instead, or ask your program lead "
            "to reset your password."
        )
        losers = [o for o in outcomes if not o.startswith("302 ")]
        assert all(o.startswith("200 ") and told in o for o in losers), outcomes
        (account,) = _accounts(email)
        assert account.role == Role.TRAINEE
        assert _created_events(account.id) == [(account.id, "Trainee account, self-registration")]
