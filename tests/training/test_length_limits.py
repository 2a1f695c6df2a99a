"""Every text field has a length limit (``training.limits``): its form refuses longer text with a
clear message and changes nothing, the page says the limit (``maxlength``), and the database
refuses a longer value on SQLite and PostgreSQL alike, whoever writes it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import CheckConstraint, select, text
from sqlalchemy.exc import DBAPIError
from wtforms import StringField
from wtforms.validators import Length

from tests.helpers import (
    all_form_classes,
    app_with_database,
    assign,
    count,
    fetch,
    hours_form,
    html_of,
    in_app,
    make_certificate,
    make_entry,
    make_user,
    post,
    save,
    sign_in,
    text_of,
)
from training import limits
from training.extensions import db
from training.learning.models import ExtraAttempts
from training.models import (
    AuditEvent,
    Certificate,
    Cohort,
    EntryStatus,
    HoursEntry,
    Role,
    SignOff,
    User,
)
from training.practice.models import PracticeResponse


def _text_fields(cls: type[FlaskForm]):  # type: ignore[no-untyped-def]
    """(name, unbound field) of each field that takes free text."""
    for name in dir(cls):
        unbound = getattr(cls, name, None)
        if getattr(unbound, "field_class", None) and issubclass(unbound.field_class, StringField):
            yield name, unbound


def test_every_text_field_of_every_form_has_a_length_limit():
    fields = [(cls, name, u) for cls in all_form_classes() for name, u in _text_fields(cls)]
    assert len(fields) >= 20  # names, emails, passwords, reasons, notes, codes…
    unlimited = [
        f"{cls.__name__}.{name}"
        for cls, name, unbound in fields
        if not any(
            isinstance(v, Length) and v.max > 0 for v in unbound.kwargs.get("validators", ())
        )
    ]
    assert unlimited == []


@pytest.fixture
def people(app):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    return lead, supervisor, trainee


def _audit_events() -> int:
    return count(AuditEvent)


@pytest.mark.parametrize("length", [limits.REASON + 1, 100_000])
def test_revoking_with_an_over_long_reason_is_refused_and_changes_nothing(client, people, length):
    lead, _, trainee = people
    certificate = make_certificate(trainee, code="7K3QDM9X2AF4R8T")
    sign_in(client, lead)
    events = _audit_events()
    response = post(
        client,
        f"/certificates/{certificate.id}/revoke",
        {"category": "misconduct", "reason": "x" * length},
        follow_redirects=True,
    )
    assert "at most 2,000 characters" in text_of(response)
    after = fetch(Certificate, certificate.id)
    assert after.revoked_at is None and after.revoke_reason is None
    assert _audit_events() == events


@pytest.mark.parametrize("length", [limits.NAME + 1, 10_000])
def test_reissuing_with_an_over_long_holder_name_is_refused_and_changes_nothing(
    client, people, length
):
    lead, _, trainee = people
    certificate = make_certificate(trainee, code="7K3QDM9X2AF4R8T")
    sign_in(client, lead)
    response = post(
        client,
        f"/certificates/{certificate.id}/reissue",
        {"holder_name": "N" * length},
        follow_redirects=True,
    )
    # said next to the name, which is kept as typed
    assert response.status_code == 400
    assert "Please use at most 120 characters." in text_of(response)
    assert count(Certificate) == 1
    assert fetch(Certificate, certificate.id).holder_name == "Riley Chen"


def test_voiding_with_an_over_long_reason_is_refused_and_changes_nothing(client, people):
    lead, supervisor, trainee = people
    entry = make_entry(trainee, supervisor, "approved")
    sign_in(client, lead)
    response = post(
        client, f"/lead/hours/{entry.id}/void", {"reason": "x" * 100_000}, follow_redirects=True
    )
    assert "at most 2,000 characters" in text_of(response)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    with in_app():
        sign_off = db.session.scalar(select(SignOff).where(SignOff.entry_id == entry.id))
        assert sign_off.voided_at is None and sign_off.void_reason is None


def test_returning_with_an_over_long_comment_is_refused_and_changes_nothing(client, people):
    _, supervisor, trainee = people
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    response = post(
        client,
        f"/supervise/{entry.id}/return",
        {"comment": "x" * (limits.REASON + 1)},
        follow_redirects=True,
    )
    assert "Comment for the trainee: Please use at most 2,000 characters." in text_of(response)
    after = fetch(HoursEntry, entry.id)
    assert after.status == EntryStatus.SUBMITTED and after.return_comment is None


def test_the_queues_return_comments_have_the_limit_too(client, people):
    """Each entry's comment on the sign-off queue: the page says the limit, the form keeps it."""
    _, supervisor, trainee = people
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    name = f"entry-{entry.id}-comment"
    assert 'maxlength="2000"' in _input_tag(html_of(client.get("/supervise/")), name)
    response = post(
        client, f"/supervise/{entry.id}/return", {"page": "1", name: "x" * (limits.REASON + 1)}
    )
    assert response.status_code == 400
    assert "Please use at most 2,000 characters." in text_of(response)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_a_reason_of_exactly_the_limit_is_kept_whole(client, people):
    lead, _, trainee = people
    certificate = make_certificate(trainee, code="7K3QDM9X2AF4R8T")
    sign_in(client, lead)
    reason = "é" * limits.REASON
    post(client, f"/certificates/{certificate.id}/revoke", {"category": "error", "reason": reason})
    assert fetch(Certificate, certificate.id).revoke_reason == reason
    with in_app():
        comment = db.session.scalar(
            select(AuditEvent.comment).where(AuditEvent.action == "revoked")
        )
    assert comment is not None and comment.endswith(reason)  # the audit event holds it all


@pytest.mark.parametrize(
    ("url", "field", "limit", "other_fields"),
    [
        ("/lead/people/new", "name", limits.NAME, {"email": "new@example.org", "role": "trainee"}),
        ("/lead/people/new", "email", limits.EMAIL, {"name": "New", "role": "trainee"}),
        (
            "/lead/people/new",
            "credential",
            limits.CREDENTIAL,
            {"name": "New", "email": "new@example.org", "role": "supervisor"},
        ),
        ("/lead/cohorts", "name", limits.NAME, {"start_date": "2026-09-01"}),
    ],
)
def test_lead_forms_refuse_over_long_text_with_the_limit_beside_the_field(
    client, people, url, field, limit, other_fields
):
    lead = people[0]
    sign_in(client, lead)
    users, cohorts = count(User), count(Cohort)
    value = "a" * (limit - len("@example.org")) + "x@example.org" if field == "email" else "n"
    value = value if field == "email" else value * (limit + 1)
    response = post(client, url, {**other_fields, field: value})
    assert response.status_code in (200, 400)
    assert f"Please use at most {limit:,} characters." in text_of(response)
    assert (count(User), count(Cohort)) == (users, cohorts)


def test_editing_a_name_over_the_limit_changes_nothing(client, people):
    lead, _, trainee = people
    sign_in(client, lead)
    response = post(
        client, f"/lead/people/{trainee.id}", {"name": "n" * 121, "role": "trainee", "active": "y"}
    )
    assert "Please use at most 120 characters." in text_of(response)
    assert fetch(User, trainee.id).name == "Riley Chen"


def test_hours_notes_over_the_limit_are_refused(client, people):
    _, supervisor, trainee = people
    sign_in(client, trainee)
    response = post(client, "/hours/new", hours_form(supervisor, notes="n" * (limits.NOTES + 1)))
    assert response.status_code == 400
    assert "Please use at most 4,000 characters." in text_of(response)
    assert count(HoursEntry) == 0


def test_self_registration_refuses_an_over_long_name():
    with app_with_database(SELF_REGISTRATION=True) as app:
        client = app.test_client()
        response = post(
            client,
            "/register",
            {
                "name": "n" * 121,
                "email": "me@example.org",
                "new_password": "a long enough passphrase 7",
                "confirm": "a long enough passphrase 7",
            },
        )
        assert "Please use at most 120 characters." in text_of(response)
        assert count(User) == 0


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/lead/people/new", {"name": 120, "email": 254, "credential": 200}),
        ("/lead/cohorts", {"name": 120}),
        ("/login", {"email": 254, "password": 1000}),
        ("/account/password", {"current_password": 1000, "new_password": 1000}),
        ("/verify/credential", {"credential": 200_000}),
    ],
)
def test_the_page_tells_the_browser_each_limit(client, people, page, expected):
    sign_in(client, people[0]) if page != "/login" else None
    page_html = html_of(client.get(page))
    for name, limit in expected.items():
        assert f'maxlength="{limit}"' in _input_tag(page_html, name), name


def test_the_hours_and_sign_off_forms_tell_the_browser_their_limits(client, people):
    lead, supervisor, trainee = people
    entry = make_entry(trainee, supervisor, "approved")
    sign_in(client, trainee)
    assert 'maxlength="4000"' in _input_tag(html_of(client.get("/hours/new")), "notes")
    sign_in(client, lead)
    void_page = html_of(client.get(f"/lead/hours/{entry.id}/void"))  # the void's confirmation
    assert 'maxlength="2000"' in _input_tag(void_page, "reason")


def _input_tag(page_html: str, name: str) -> str:
    import re

    match = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{name}"[^>]*>', page_html)
    assert match, f"no field named {name}"
    return match.group(0)


# --- the database refuses what the forms refuse --------------------------------------------------


def _limited_columns() -> list[tuple[str, str, int]]:
    """(table, column, limit) of every column with a length CHECK, read from the models."""
    return sorted(
        (table.name, column.name, column.type.length)
        for table in db.metadata.sorted_tables
        for column in table.columns
        for constraint in column.constraints
        if isinstance(constraint, CheckConstraint)
        and str(constraint.sqltext) == f'length("{column.name}") <= {column.type.length}'
    )


LIMITED = [
    ("audit_event", "comment", limits.AUDIT_COMMENT),
    ("certificate", "holder_name", limits.NAME),
    ("certificate", "revoke_reason", limits.REASON),
    ("cohort", "name", limits.NAME),
    ("competency_evaluation", "overall_comment", limits.EVALUATION_OVERALL),
    ("competency_evaluation", "supervisor_credential", limits.CREDENTIAL),
    ("competency_evaluation", "supervisor_name", limits.NAME),
    ("competency_evaluation", "void_reason", limits.REASON),
    ("exam_result", "exam_name", limits.EXAM_NAME),
    ("exam_result", "note", limits.REASON),
    ("exam_result", "score", limits.EXAM_SCORE),
    ("exam_result", "withdrawal_reason", limits.REASON),
    ("extra_quiz_attempts", "reason", limits.REASON),
    ("final_exam_extra_attempt", "reason", limits.REASON),
    ("hours_entry", "notes", limits.NOTES),
    ("hours_entry", "return_comment", limits.RETURN_COMMENT),
    ("lead_confirmation", "withdraw_reason", limits.CONFIRMATION_WITHDRAW_REASON),
    ("outbox_message", "subject", limits.MAIL_SUBJECT),
    ("outbox_message", "to_address", limits.EMAIL),
    ("outside_record", "lead_comment", limits.REASON),
    ("outside_record", "provider", limits.PROVIDER),
    ("outside_record", "title", limits.COURSE_TITLE),
    ("practice_response", "feedback", limits.PRACTICE_FEEDBACK),
    ("practice_response", "text", limits.PRACTICE_RESPONSE),
    ("sign_off", "supervisor_credential", limits.CREDENTIAL),
    ("sign_off", "supervisor_name", limits.NAME),
    ("sign_off", "void_reason", limits.REASON),
    ("stored_file", "filename", limits.FILE_NAME),
    ("training_event", "facilitator", limits.NAME),
    ("training_event", "location", limits.EVENT_LOCATION),
    ("training_event", "title", limits.EVENT_TITLE),
    ("user", "credential", limits.CREDENTIAL),
    ("user", "email", limits.EMAIL),
    ("user", "name", limits.NAME),
]


def test_every_column_people_write_has_a_limit_the_database_enforces(app):
    with app.app_context():
        assert _limited_columns() == LIMITED


@pytest.fixture
def one_of_each(people):
    _, supervisor, trainee = people
    entry = make_entry(trainee, supervisor, "approved")
    certificate = make_certificate(trainee, code="7K3QDM9X2AF4R8T")
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    event = AuditEvent(subject_type="user", subject_id=trainee.id, action="x", comment="c")
    save(cohort, event)
    response = PracticeResponse(
        trainee_id=trainee.id,
        course_id="basics",
        exercise_id="reflect",
        attempt=1,
        text="t",
        content_version="v",
        feedback="f",
    )
    save(response)
    grant = ExtraAttempts(trainee_id=trainee.id, course_id="basics", attempts=1, reason="r")
    save(grant)
    with in_app():
        sign_off_id = db.session.scalar(select(SignOff.id).where(SignOff.entry_id == entry.id))
    rulebook = _one_of_each_rulebook_record(trainee, supervisor)
    from training.mail.models import OutboxMessage

    message = OutboxMessage(
        kind="test", to_address="t@example.org", subject="s", text_body="t", html_body="h"
    )
    save(message)
    return {
        **rulebook,
        "outbox_message": message.id,
        "practice_response": response.id,
        "extra_quiz_attempts": grant.id,
        "user": trainee.id,
        "hours_entry": entry.id,
        "sign_off": sign_off_id,
        "certificate": certificate.id,
        "cohort": cohort.id,
        "audit_event": event.id,
    }


def _one_of_each_rulebook_record(trainee, supervisor) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A row in each table of the rulebook (issue 19) with a limited column."""
    from training.attestations.models import LeadConfirmation
    from training.evaluations.models import CompetencyEvaluation
    from training.events.models import TrainingEvent
    from training.exams.models import ExamResult, FinalExamExtraAttempt
    from training.outside.models import OutsideRecord
    from training.uploads.models import StoredFile

    upload = StoredFile(
        owner_id=trainee.id,
        filename="f.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        data=b"%PDF",
    )
    save(upload)
    rows = {
        "stored_file": upload,
        "training_event": TrainingEvent(
            title="t", day=date(2026, 3, 1), facilitator="f", location="l", hours={"advocacy": 1}
        ),
        "outside_record": OutsideRecord(
            trainee_id=trainee.id,
            kind="outside",
            provider="p",
            title="t",
            day=date(2026, 3, 1),
            hours={"advocacy": 1},
            file_id=upload.id,
            lead_comment="c",
        ),
        "exam_result": ExamResult(
            trainee_id=trainee.id,
            track_id="peer-recovery",
            exam_name="e",
            day=date(2026, 3, 1),
            passed=True,
            score="s",
            note="n",
            withdrawal_reason="w",
        ),
        "final_exam_extra_attempt": FinalExamExtraAttempt(
            trainee_id=trainee.id, track_id="peer-recovery", reason="r"
        ),
        "competency_evaluation": CompetencyEvaluation(
            trainee_id=trainee.id,
            supervisor_id=supervisor.id,
            track_id="peer-recovery",
            rule_version="v",
            form={},
            overall_comment="o",
            supervisor_name="s",
            supervisor_credential="c",
            void_reason="v",
        ),
        "lead_confirmation": LeadConfirmation(
            trainee_id=trainee.id, track_id="peer-recovery", item_id="i", withdraw_reason="w"
        ),
    }
    save(*rows.values())
    return {table: row.id for table, row in rows.items()}


@pytest.mark.parametrize(("table", "column", "limit"), LIMITED)
def test_the_database_refuses_a_value_over_the_limit(app, one_of_each, table, column, limit):
    """Written straight to the database, past every form: refused on SQLite (the CHECK) and
    on PostgreSQL (the VARCHAR length and the CHECK); the longest allowed value fits."""
    update = text(f'UPDATE "{table}" SET "{column}" = :value WHERE id = :id')  # noqa: S608
    row = one_of_each[table]
    with app.app_context():
        fits = "é" * (limit - 4) + f"{row:04d}"  # unique columns stay unique
        db.session.execute(update, {"value": fits, "id": row})
        db.session.commit()
        with pytest.raises(DBAPIError):
            db.session.execute(update, {"value": fits + "é", "id": row})
            db.session.flush()
        db.session.rollback()
        stored = db.session.scalar(
            text(f'SELECT "{column}" FROM "{table}" WHERE id = :id'),  # noqa: S608
            {"id": row},
        )
    assert stored == fits


def test_generated_audit_comments_fit_their_column(app):
    """The app writes audit comments from a reason and its category, names, codes: the longest
    fits, and anything longer is shortened rather than failing the change it records."""
    from training import audit
    from training.models import REVOCATION_CATEGORIES

    longest_category = max(REVOCATION_CATEGORIES.values(), key=len)
    assert len(f"{longest_category}: " + "x" * limits.REASON) <= limits.AUDIT_COMMENT
    assert len("Sign-off voided: " + "x" * limits.REASON) <= limits.RETURN_COMMENT
    with app.app_context():
        shortened = audit.fit_comment("y" * (limits.AUDIT_COMMENT + 50))
    assert len(shortened) == limits.AUDIT_COMMENT and shortened.endswith("…")


# --- the migration -------------------------------------------------------------------------------


def test_the_migration_shortens_over_long_rows_instead_of_failing(tmp_path):
    """A database at 0007 with text over the new limits (the revoke, re-issue, void and return
    forms let it in; SQLite stores any length) upgrades: each long value is shortened with "…",
    unique ones stay unique, an audit event says what was shortened, and short values are
    untouched. The downgrade and a second upgrade work too."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import MetaData, Table, insert

    from tests.helpers import TEST_DATABASE_URL, app_config
    from training import create_app

    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/old.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    sqlite = url.startswith("sqlite")
    now, today = datetime.now(UTC), datetime.now(UTC).date()
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            old = MetaData()

            def add(table: str, **values: object) -> int:
                t = Table(table, old, autoload_with=connection)
                return connection.execute(insert(t).values(**values)).inserted_primary_key[0]

            # PostgreSQL already refused VARCHAR overflows before 0008: only TEXT can be long.
            long_name = "N" * 300 if sqlite else "Riley Chen"
            person = dict(password_hash="x", role="trainee", active=True, created_at=now)
            person["must_change_password"] = False
            trainee = add("user", email="t@example.org", name=long_name, **person)
            supervisor = add("user", email="s@example.org", name="Sam", **person)
            entry = add(
                "hours_entry",
                trainee_id=trainee,
                supervisor_id=supervisor,
                day=today,
                minutes=60,
                kind="individual_supervision",
                method="in_person",
                domains=["ethical_responsibility"],
                notes="n" * 9_000,
                status="returned",
                return_comment="short and kept",
                created_at=now,
                updated_at=now,
            )
            add(
                "sign_off",
                entry_id=entry,
                supervisor_name="Sam",
                supervisor_credential="CPRS",
                attestation="I attest.",
                signed_at=now,
                voided_at=now,
                void_reason="v" * 100_000,
            )
            certificate = add(
                "certificate",
                code="7K3QDM9X2AF4R8T",
                user_id=trainee,
                holder_name=long_name,
                track_id="peer-recovery",
                track_title="Peer Recovery Specialist",
                issued_on=today,
                expires_on=today + timedelta(days=700),
                kind="initial",
                payload="{}",
                signature="x",
                key_id="k",
                issued_at=now,
                revoked_at=now,
                revoke_category="other",
                revoke_reason="r" * 100_000,
                pdf=b"%PDF",
            )
            add("audit_event", at=now, subject_type="user", subject_id=1, action="x",
                comment="c" * 5_000)  # fmt: skip
            if sqlite:
                for _ in range(2):  # the same first 120 characters: still unique after
                    add("cohort", name="C" * 200 + str(_), start_date=today,
                        track_id="peer-recovery", created_at=now)  # fmt: skip

        upgrade()

        notes, return_comment = db.session.execute(
            select(HoursEntry.notes, HoursEntry.return_comment)
        ).one()
        assert len(notes) == limits.NOTES and notes.endswith("n…")
        assert return_comment == "short and kept"
        void_reason = db.session.scalar(select(SignOff.void_reason))
        assert len(void_reason) == limits.REASON and void_reason.endswith("…")
        holder, reason = db.session.execute(
            select(Certificate.holder_name, Certificate.revoke_reason)
        ).one()
        assert len(reason) == limits.REASON
        shortened = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "shortened")
        ).all()
        about = {(e.subject_type, e.subject_id) for e in shortened}
        assert {("hours_entry", entry), ("certificate", certificate)} <= about
        assert all("over the new limit" in e.comment for e in shortened)
        assert any("100,000 characters" in e.comment for e in shortened)
        assert db.session.scalar(
            select(AuditEvent.comment).where(AuditEvent.action == "x")
        ).endswith("…")
        if sqlite:
            assert len(holder) == limits.NAME
            assert len(db.session.get(User, trainee).name) == limits.NAME
            names = db.session.scalars(select(Cohort.name)).all()
            assert len(set(names)) == 2 and all(len(n) <= limits.NAME for n in names)
            assert ("user", trainee) in about
        db.session.remove()

        downgrade(revision="0007")
        upgrade()
        db.session.remove()
        db.engine.dispose()
