"""One rule for what a supervisor sees of a trainee (``training.hours.assignments``): assigned
to them and an active account with the supervisor role, as the database has it now. A
supervisor deactivated while their assignment still stands (their open session signs them out;
a request already under way, holding their account as it was, is refused by the rule) no longer
sees the trainee's events, exam results, files, attestations or hours."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from certificates.rulebook import TrainingRule
from tests.helpers import (
    assign,
    find,
    in_app,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
    use_track,
)
from tests.training.events.conftest import TEMPLATE, attend, make_event
from tests.training.exams.conftest import NCPRSS
from tests.training.outside.support import PDF, upload
from training.exams.models import ExamResult
from training.extensions import db
from training.hours.assignments import supervised_trainees, supervises
from training.models import Role, User


@pytest.fixture
def people(app):  # type: ignore[no-untyped-def]
    use_track(app, exam=NCPRSS, training=TrainingRule(events=(TEMPLATE,)))
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    other = make_user(Role.TRAINEE, name="Jordan Diaz")
    lead = make_user(Role.LEAD, name="Morgan Lead")
    assign(trainee, supervisor)
    return {"supervisor": supervisor, "trainee": trainee, "other": other, "lead": lead}


def _deactivate(user: User) -> None:
    with in_app():
        db.session.get(User, user.id).active = False
        db.session.commit()


def _pages(app, people):  # type: ignore[no-untyped-def]
    """The trainee's event attended, exam result with its evidence file, and an hours entry
    submitted to the supervisor; the addresses where the supervisor reads each."""
    trainee, supervisor = people["trainee"], people["supervisor"]
    attend(make_event(title="Riley went"), trainee)
    lead = app.test_client()
    sign_in(lead, people["lead"])
    recorded = post(
        lead,
        f"/exam/people/{trainee.id}/results",
        {
            "day": "2026-03-03",
            "result": "passed",
            "score": "612 scaled",
            "note": "Letter",
            "evidence": upload(PDF, "letter.pdf"),
        },
    )
    assert recorded.status_code == 302, text_of(recorded)
    file_id = find(ExamResult, trainee_id=trainee.id).file_id
    entry = make_entry(trainee, supervisor, status="submitted", notes="Practice at the drop-in")
    return {
        "events": f"/events/trainees/{trainee.id}",
        "exam": f"/exam/people/{trainee.id}",
        "file": f"/outside/files/{file_id}",
        "attestations": f"/attestations/trainees/{trainee.id}",
        "hours": f"/hours/{entry.id}",
    }


def test_an_assigned_active_supervisor_sees_the_trainee(app, client, people):
    pages = _pages(app, people)
    sign_in(client, people["supervisor"])
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
    assert "Riley went" in text_of(client.get(pages["events"]))
    assert "612 scaled" in text_of(client.get(pages["exam"]))
    assert client.get(pages["file"]).data == PDF
    assert "Riley Chen" in text_of(client.get("/events/"))
    assert "Riley Chen" in text_of(client.get("/exam/"))


def test_a_deactivated_supervisor_no_longer_sees_an_assigned_trainee(app, client, people):
    pages = _pages(app, people)
    sign_in(client, people["supervisor"])
    _deactivate(people["supervisor"])
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], name


def _access(user: User, trainee: User, entry_id: int, file_id: int) -> dict[str, bool]:
    """What each package's access check answers for ``user`` about ``trainee``."""
    from training.attestations.services import may_see
    from training.events.services import may_see_trainee
    from training.exams.services import visible_trainee
    from training.hours.services import may_view
    from training.models import HoursEntry
    from training.uploads.models import StoredFile
    from training.uploads.services import may_download

    return {
        "events": may_see_trainee(user, trainee),
        "exam": visible_trainee(user, trainee.id) is not None,
        "file": may_download(user, db.session.get(StoredFile, file_id)),
        "attestations": may_see(user, trainee),
        "hours": may_view(user, db.session.get(HoursEntry, entry_id)),
        "listed": trainee.id in {t.id for t in supervised_trainees(user)},
    }


def test_every_access_check_refuses_a_supervisor_deactivated_meanwhile(app, people):
    pages = _pages(app, people)
    entry_id = int(pages["hours"].rsplit("/", 1)[1])
    file_id = int(pages["file"].rsplit("/", 1)[1])
    with in_app():
        sam = db.session.get(User, people["supervisor"].id)
        trainee = db.session.get(User, people["trainee"].id)
        assert all(_access(sam, trainee, entry_id, file_id).values())
        # deactivated by a lead while this request holds the account as it was loaded
        db.session.execute(
            update(User).where(User.id == sam.id).values(active=False),
            execution_options={"synchronize_session": False},
        )
        assert sam.active  # the account as this request loaded it
        assert not any(_access(sam, trainee, entry_id, file_id).values())
        db.session.refresh(sam)
        assert not any(_access(sam, trainee, entry_id, file_id).values())
        db.session.rollback()


def test_the_rule_itself(app, people):
    supervisor, trainee, other = people["supervisor"], people["trainee"], people["other"]
    with in_app():
        sam = db.session.get(User, supervisor.id)
        assert supervises(sam, trainee.id) and not supervises(sam, other.id)
        assert [t.name for t in supervised_trainees(sam)] == ["Riley Chen"]
        lead = db.session.get(User, people["lead"].id)
        assert not supervises(lead, trainee.id) and supervised_trainees(lead) == []
        # someone who is not a supervisor sees nothing through an assignment
        mentor = make_user(Role.TRAINEE, name="Peer Mentor")
        assign(other, mentor)
        assert not supervises(db.session.get(User, mentor.id), other.id)
    _deactivate(supervisor)
    with in_app():
        sam = db.session.get(User, supervisor.id)
        assert not supervises(sam, trainee.id) and supervised_trainees(sam) == []
