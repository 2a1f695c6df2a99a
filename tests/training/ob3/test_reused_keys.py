"""A signing key the platform stopped using, put back into the configuration (an old backup of
the key file restored, a leaked key deployed again), signs nothing: issuing, re-issuing and
renewing tell the person why and write nothing, an automatic issue leaves the trainee's request
working, the status list is not signed with it, and a revoked key's document and the
certificates it signed say it was revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates import signing
from certificates.codes import format_code
from tests.helpers import (
    app_with_database,
    assign,
    count,
    fetch,
    in_app,
    make_user,
    post,
    sign_in,
    text_of,
)
from tests.training.certs.test_views import ETHICS, complete_course, make_eligible, use_track
from tests.training.ob3.credential_support import issue_through_the_app, people_on_a_small_track
from training.certs import keys
from training.extensions import db
from training.models import Certificate, OpenBadge, QuizAttempt, Role, SigningKey, TrackSignature

WHAT_TO_DO = "run `flask --app wsgi keys rotate` to make a new one"


@dataclass
class Restored:
    """An app whose key file holds a key that was retired (or revoked) since it signed."""

    app: object
    state: str  # retired or revoked
    key_id: str
    key_file: object
    lead: object
    supervisor: object
    holder: object  # holds a certificate the restored key signed
    waiting: object  # eligible, no certificate yet
    certificate: Certificate


def _key_id(pem: bytes) -> str:
    return signing.key_id(signing.public_key_pem(signing.load_private_key(pem)))


@pytest.fixture(params=["retired", "revoked"])
def restored(request, tmp_path):
    """A certificate signed with the key file's key; then ``keys rotate`` (and, for
    ``revoked``, ``keys revoke`` of the old key); then the old key file restored from a backup
    and the app restarted."""
    key_file = tmp_path / "keys" / "signing.pem"
    key_file.parent.mkdir()
    old_pem = signing.new_private_key_pem()
    key_file.write_bytes(old_pem)
    key_file.chmod(0o600)
    with app_with_database(CERTIFICATE_SIGNING_KEY_FILE=str(key_file)) as app:
        lead, supervisor, holder = people_on_a_small_track(app, tmp_path / "content")
        waiting = make_user(Role.TRAINEE, name="Dana Ortiz")
        assign(waiting, supervisor)
        make_eligible(app, waiting, supervisor)
        certificate = issue_through_the_app(app, lead, holder)
        runner = app.test_cli_runner()
        assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
        if request.param == "revoked":
            revoked = runner.invoke(args=["keys", "revoke", _key_id(old_pem)])
            assert revoked.exit_code == 0, revoked.output
        key_file.write_bytes(old_pem)  # the backup restored
        keys.forget(app)  # and the app restarted
        yield Restored(
            app,
            request.param,
            _key_id(old_pem),
            key_file,
            lead,
            supervisor,
            holder,
            waiting,
            certificate,
        )


def _says_why(page: str, site: Restored) -> None:
    assert f"key {site.key_id}" in page, page
    assert f"was {site.state} on {_day_it_was(site)}" in page, page
    assert WHAT_TO_DO in page, page


def _day_it_was(site: Restored) -> str:
    """The day the key was retired or revoked, as recorded (not today: the test may have
    crossed midnight since)."""
    with in_app():
        row = db.session.scalar(select(SigningKey).where(SigningKey.key_id == site.key_id))
        return f"{row.revoked_at if site.state == 'revoked' else row.retired_at:%Y-%m-%d}"


def _nothing_written() -> None:
    """Only the certificate (and credential) signed before the rotation exist."""
    assert count(Certificate) == 1 and count(OpenBadge) == 1


def _lead(site: Restored):  # type: ignore[no-untyped-def]
    client = site.app.test_client()
    sign_in(client, site.lead)
    return client


def test_issuing_with_the_restored_key_is_refused_saying_why(restored):
    url = f"/lead/people/{restored.waiting.id}/certificate"
    answer = post(_lead(restored), url, follow_redirects=True)
    assert answer.status_code == 200
    assert answer.request.path == f"/lead/people/{restored.waiting.id}"  # the page they came from
    _says_why(text_of(answer), restored)
    _nothing_written()


def test_reissuing_with_the_restored_key_is_refused_and_the_old_one_stays_current(restored):
    url = f"/certificates/{restored.certificate.id}/reissue"
    answer = post(_lead(restored), url, {"holder_name": "Riley Chen-Okafor"}, follow_redirects=True)
    assert answer.status_code == 200
    _says_why(text_of(answer), restored)
    _nothing_written()
    assert fetch(Certificate, restored.certificate.id).superseded_at is None


def test_renewing_with_the_restored_key_is_refused_and_the_holder_told_to_ask(restored):
    with in_app():
        row = db.session.get(Certificate, restored.certificate.id)
        row.expires_on = datetime.now(UTC).date() + timedelta(days=30)
        earlier = row.issued_at - timedelta(days=1)  # what made the holder eligible came first
        for attempt in db.session.scalars(select(QuizAttempt)):
            attempt.submitted_at = earlier
        for signature in db.session.scalars(select(TrackSignature)):
            signature.signed_at = earlier
        db.session.commit()
        complete_course(restored.holder, modules=False)  # the quiz passed again
    holder = restored.app.test_client()
    sign_in(holder, restored.holder)
    post(holder, ETHICS, {"agree": "y", "name": "Riley Chen"})  # and the code signed again
    assert "Renew my certificate" in text_of(holder.get("/certificate/"))

    answer = post(holder, f"/certificate/{restored.certificate.id}/renew", follow_redirects=True)
    assert answer.status_code == 200 and answer.request.path == "/certificate/"
    page = text_of(answer)  # the holder is told to ask the program; the key is the operator's
    assert "cannot sign certificates or credentials at the moment" in page
    assert "tell your program lead" in page and restored.key_id not in page
    _nothing_written()


def test_an_automatic_issue_with_the_restored_key_leaves_the_trainees_request_working(
    restored, tmp_path
):
    use_track(restored.app, tmp_path / "automatic", auto=True)
    trainee = make_user(Role.TRAINEE, name="Ash Patel")
    assign(trainee, restored.supervisor)
    make_eligible(restored.app, trainee, restored.supervisor, sign=False)
    client = restored.app.test_client()
    sign_in(client, trainee)
    answer = post(client, ETHICS, {"agree": "y", "name": "Ash Patel"}, follow_redirects=True)
    assert answer.status_code == 200 and "You signed the code of ethics" in text_of(answer)
    _nothing_written()  # no certificate: a lead issues it once the key is put right


def test_the_status_list_is_not_signed_with_the_restored_key(restored):
    answer = restored.app.test_client().get("/credentials/status/1")
    assert answer.status_code == 503
    with in_app():
        row = db.session.scalar(select(SigningKey).where(SigningKey.key_id == restored.key_id))
        assert row.retired_at is not None  # still retired: nothing put it back in service


def test_a_revoked_keys_document_and_what_it_signed_say_it_was_revoked(restored):
    visitor = restored.app.test_client()
    document = visitor.get(f"/verify/keys/{restored.key_id}.pem")
    configured = visitor.get("/verify/public-key.pem")  # the restored key, configured
    code = format_code(restored.certificate.code)
    answer = visitor.get(f"/verify/{code}.json").json
    page = text_of(visitor.get(f"/verify/{code}"))
    today = _day_it_was(restored)
    if restored.state == "retired":  # retired only: still published, still trusted
        assert document.status_code == 200 and b"BEGIN PUBLIC KEY" in document.data
        assert configured.data == document.data
        assert "key_revoked_on" not in answer and "no longer proves" not in page
        return
    assert document.status_code == 410 and b"BEGIN PUBLIC KEY" not in document.data
    said = document.get_data(as_text=True)
    assert f"Key {restored.key_id} was revoked on {today}" in said
    assert "no longer trusted" in said
    assert document.headers["Access-Control-Allow-Origin"] == "*"
    assert configured.status_code == 410 and configured.get_data(as_text=True) == said
    assert answer["status"] == "valid"  # our records still vouch for the certificate…
    assert answer["key_revoked_on"] == today  # …but its signature proves nothing any more
    assert "no longer proves" in answer["key_problem"]
    assert answer["key_problem"] in page


def test_a_holder_whose_credential_cannot_be_made_is_told_plainly_not_given_an_error(restored):
    """A certificate issued before credentials existed gets its credential on first view; with
    the restored key nothing can be signed, so the holder is told to ask the program, and
    nothing is written."""
    with in_app():
        db.session.execute(OpenBadge.__table__.delete())
        db.session.commit()
    holder = restored.app.test_client()
    sign_in(holder, restored.holder)
    for url in (
        f"/certificates/{restored.certificate.id}/share",
        f"/certificates/{restored.certificate.id}/credential.json",
        f"/certificates/{restored.certificate.id}/badge.png",
    ):
        answer = holder.get(url)
        assert answer.status_code == 503, url
        page = text_of(answer)
        assert "cannot be made right now" in page and "program lead" in page, url
        assert restored.key_id not in page  # the operator's details are for the operator
    assert count(OpenBadge) == 0
