"""The people and events of the training-event tests: two cohorts, trainees in each and in
none, a supervisor of one trainee, another supervisor, and a lead; a database several
connections really share, for races; and another lead ending an event at the worst moment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from certificates.rulebook import EventTemplate, TrainingRule
from tests.helpers import (
    assign,
    make_cohort,
    make_user,
    race_app,
    save,
    use_track,
)
from training.events.models import EventAttendance, TrainingEvent
from training.extensions import db
from training.models import Role, utcnow

TEMPLATE = EventTemplate(
    "ethics-day", "Ethics in peer work", {"ethical_responsibility": 2.5, "advocacy": 0.5}
)


def days_ago(days: int):  # type: ignore[no-untyped-def]
    return utcnow().date() - timedelta(days=days)


def make_event(**fields: object) -> TrainingEvent:
    values: dict[str, object] = {
        "title": "Boundaries workshop",
        "day": days_ago(3),
        "facilitator": "Dana Facilitator",
        "hours": {"advocacy": 1.5, "ethical_responsibility": 1.5},
        **fields,
    }
    event = TrainingEvent(**values)
    save(event)
    return event


def attend(event: TrainingEvent, trainee, status: str = "present", minutes=None):  # type: ignore[no-untyped-def]
    row = EventAttendance(event_id=event.id, trainee_id=trainee.id, status=status, minutes=minutes)
    save(row)
    return row


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def end_meanwhile(monkeypatch, module, how: str) -> None:  # type: ignore[no-untyped-def]
    """Another lead deletes (``how="delete"``) or cancels the event just before ``module``'s
    change takes the event's row (``hold``): after the page loaded the event, the moment a
    race can hit. Needs ``racing`` (the other lead's connection commits at once)."""
    real_hold = module.hold

    def another_lead_first(event_id: int, **kwargs: object) -> bool:
        with db.engine.begin() as other:
            if how == "delete":
                other.execute(delete(TrainingEvent).where(TrainingEvent.id == event_id))
            else:
                ended = update(TrainingEvent).where(TrainingEvent.id == event_id)
                other.execute(ended.values(cancelled_at=utcnow()))
        return real_hold(event_id, **kwargs)

    monkeypatch.setattr(module, "hold", another_lead_first)


@pytest.fixture
def people(app):
    use_track(app, "peer-recovery", training=TrainingRule(events=(TEMPLATE,)))
    spring, autumn = make_cohort("Spring 2026"), make_cohort("Autumn 2026")
    riley = make_user(Role.TRAINEE, name="Riley Chen", cohort_id=spring.id)
    jordan = make_user(Role.TRAINEE, name="Jordan Diaz", cohort_id=spring.id)
    avery = make_user(Role.TRAINEE, name="Avery Autumn", cohort_id=autumn.id)
    nomad = make_user(Role.TRAINEE, name="Noor Nocohort")
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.SUPERVISOR, name="Alex Other")
    assign(riley, sam)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    return {
        "spring": spring,
        "autumn": autumn,
        "riley": riley,
        "jordan": jordan,
        "avery": avery,
        "nomad": nomad,
        "sam": sam,
        "alex": alex,
        "lead": lead,
    }
