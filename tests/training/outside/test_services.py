"""What eligibility and renewal read: each trainee's approved outside training and continuing
education, as the pure rules take them, in one query."""

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from certificates.rulebook import OutsideTraining
from tests.helpers import in_app, make_user
from tests.training.outside.support import make_record
from training.extensions import db
from training.models import Role
from training.outside.services import approved_ce, approved_outside


@contextmanager
def statements():
    seen: list[str] = []

    def note(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_approved_outside_training_of_many_trainees_in_one_query(app):
    ana, ben, cai = (make_user(Role.TRAINEE) for _ in range(3))
    later = make_record(ana, "approved", day=date(2026, 2, 1), hours={"advocacy": 2}, title="Later")
    first = make_record(ana, "approved", day=date(2026, 1, 1), title="First")
    make_record(ana, "submitted")
    make_record(ana, "returned")
    make_record(ana, "approved", kind="ce")
    theirs = make_record(ben, "approved", hours={"mentoring_education": 1.25})
    with in_app(), statements() as seen:
        found = approved_outside([ana.id, ben.id, cai.id])
    assert len(seen) == 1
    assert found == {
        ana.id: [
            OutsideTraining(
                first.id,
                "outside",
                "Recovery Academy",
                "First",
                date(2026, 1, 1),
                {"ethical_responsibility": 2.5},
            ),
            OutsideTraining(
                later.id, "outside", "Recovery Academy", "Later", date(2026, 2, 1), {"advocacy": 2}
            ),
        ],
        ben.id: [
            OutsideTraining(
                theirs.id,
                "outside",
                "Recovery Academy",
                "Ethics in Peer Work",
                theirs.day,
                {"mentoring_education": 1.25},
            )
        ],
        cai.id: [],
    }
    with in_app():
        assert approved_outside([]) == {}


def test_approved_continuing_education_of_one_trainee(app):
    ana = make_user(Role.TRAINEE)
    ce = make_record(ana, "approved", kind="ce", title="CE course")
    make_record(ana, "submitted", kind="ce")
    make_record(ana, "approved")
    with in_app():
        records = approved_ce(ana.id)
        assert [(r.id, r.kind, r.title) for r in records] == [(ce.id, "ce", "CE course")]
        assert approved_outside([ana.id], "ce") == {ana.id: records}
