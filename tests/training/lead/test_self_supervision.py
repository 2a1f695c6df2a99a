"""Nobody supervises themselves: no form or route makes it so, and the database refuses it."""

import pytest
from sqlalchemy.exc import IntegrityError

from tests.helpers import count, in_app, make_cohort, make_user, post, sign_in, text_of
from training.extensions import db
from training.models import Role, SupervisorAssignment


def assignments():
    with in_app():
        return {(a.trainee_id, a.supervisor_id) for a in db.session.query(SupervisorAssignment)}


def test_the_cohort_form_does_not_make_a_member_their_own_supervisor(client):
    """A trainee who joined the cohort and has since become a supervisor is still a member:
    assigning them as the cohort's supervisor assigns them to the trainees only."""
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    trainee = make_user(Role.TRAINEE, cohort_id=cohort.id)
    # joined the cohort as a trainee, and has since been made a supervisor
    promoted = make_user(Role.SUPERVISOR, cohort_id=cohort.id)
    response = post(
        client, f"/lead/cohorts/{cohort.id}/supervisor", {"supervisor": str(promoted.id)}
    )
    assert response.status_code == 302
    assert assignments() == {(trainee.id, promoted.id)}
    page = text_of(client.get(f"/lead/cohorts/{cohort.id}"))
    assert "now supervises everyone" in page and "(1 newly assigned)" in page


def test_the_database_refuses_a_self_supervision(app):
    """Whatever the code path (a script, a future form), the row cannot exist."""
    person = make_user(Role.SUPERVISOR)
    with in_app():
        db.session.add(SupervisorAssignment(trainee_id=person.id, supervisor_id=person.id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert count(SupervisorAssignment) == 0


def test_assigning_someone_to_themselves_changes_nothing(app):
    from training.hours.services import assign

    person = make_user(Role.SUPERVISOR)
    with app.app_context():
        lead = db.session.merge(make_user(Role.LEAD))
        me = db.session.merge(person)
        assert assign(lead, me, me) is False
    assert count(SupervisorAssignment) == 0
