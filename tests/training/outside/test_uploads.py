"""Uploaded files: only PDF, PNG or JPEG by their content, within the size limit, each refusal
in plain words; kept in the database; handed out only as a sandboxed download, and only to the
owner, leads and the owner's supervisors."""

import hashlib
import io
from contextlib import contextmanager

import pytest
from werkzeug.datastructures import FileStorage

from tests.helpers import assign, count, fetch, html_of, in_app, make_user, post, sign_in, text_of
from tests.training.outside.support import (
    PDF,
    events_of,
    image_bytes,
    make_file,
    record_form,
    upload,
    word_document,
)
from training.models import Role
from training.outside.models import OutsideRecord
from training.uploads.models import StoredFile
from training.uploads.services import UploadError, safe_filename, size_in_mb, store_upload

MB = 1024 * 1024


@contextmanager
def big_post(client, url, data):
    """A post of a big body, which the test client spools to a temporary file that it does not
    close itself (it closes a wrapper around it): closed here."""
    response = post(client, url, data)
    try:
        yield response
    finally:
        response.request.environ["wsgi.input"].close()


def stored(app, data, name="certificate.pdf", content_type="application/pdf"):
    """store_upload on a file as a browser sends it (the type it claims is ignored)."""
    owner = make_user(Role.TRAINEE)
    with app.app_context():
        from training.extensions import db

        result = store_upload(
            FileStorage(io.BytesIO(data), filename=name, content_type=content_type), owner
        )
        db.session.commit()
        return result.id, result.filename, result.content_type


@pytest.mark.parametrize(
    ("data", "name", "detected", "kept_as"),
    [
        (PDF, "My certificate.pdf", "application/pdf", "My certificate.pdf"),
        (image_bytes("PNG"), "photo.PNG", "image/png", "photo.png"),
        (image_bytes("JPEG"), "scan.jpeg", "image/jpeg", "scan.jpg"),
        # the name says one thing, the content another: the content wins
        (image_bytes("PNG"), "certificate.pdf", "image/png", "certificate.pdf.png"),
        (PDF, "page.html", "application/pdf", "page.html.pdf"),
    ],
)
def test_pdf_png_and_jpeg_are_stored_with_the_type_of_their_content(
    app, data, name, detected, kept_as
):
    file_id, filename, content_type = stored(app, data, name, content_type="text/html")
    row = fetch(StoredFile, file_id)
    assert (filename, content_type, row.size) == (kept_as, detected, len(data))
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    with in_app():
        from training.uploads.services import file_data

        assert file_data(file_id) == data
    assert events_of("stored_file", file_id)[0][1] == "uploaded"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (word_document(), "This file is a Word document. Please upload a PDF, PNG or JPEG."),
        (image_bytes("GIF"), "This file is a GIF image. Please upload a PDF, PNG or JPEG."),
        # a kind with no description of its own: no article to get wrong ("a EXE file")
        (b"MZ" + b"\0" * 64, "This file is in EXE format. Please upload a PDF, PNG or JPEG."),
        (b"Just some text, renamed.", "We couldn't recognise this kind of file."),
        (b"", "This file is empty."),
        # a PNG's signature on something that is not an image
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "This PNG image seems to be damaged"),
        (image_bytes("JPEG")[:40], "This JPEG image seems to be damaged"),
    ],
)
def test_other_files_are_refused_in_plain_words(app, data, message):
    with pytest.raises(UploadError, match=message.replace(".", r"\.")):
        stored(app, data, "certificate.pdf")
    assert count(StoredFile) == 0


def test_a_file_over_the_limit_is_refused_saying_its_size(app):
    with pytest.raises(UploadError) as refused:
        stored(app, PDF + b"0" * int(7.2 * MB - len(PDF)))
    assert str(refused.value).startswith("This file is 7.2 MB; the limit is 5 MB.")
    assert count(StoredFile) == 0


def test_sizes_in_messages_round_up():
    assert size_in_mb(5 * MB) == "5"
    assert size_in_mb(5 * MB + 1) == "5.1"
    assert size_in_mb(int(7.2 * MB)) == "7.2"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("C:\\Users\\sam\\Desktop\\cert.pdf", "cert.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe.pdf"),
        ("line\nbreak.pdf", "linebreak.pdf"),
        ("   ", "certificate.pdf"),
        ("...", "certificate.pdf"),
        ("x" * 500 + ".pdf", "x" * 196 + ".pdf"),
        ("Zertifikat für Übung.PDF", "Zertifikat für Übung.pdf"),
    ],
)
def test_file_names_are_made_safe(raw, kept):
    assert safe_filename(raw, "application/pdf") == kept


# --- through the form --------------------------------------------------------------------------


def test_a_refused_file_is_named_beside_the_field_and_the_typed_text_is_kept(client):
    trainee = make_user(Role.TRAINEE)
    sign_in(client, trainee)
    response = post(
        client,
        "/outside/new/outside",
        record_form(title="Boundaries at Work", certificate=upload(word_document(), "cert.docx")),
    )
    assert response.status_code == 400
    page = html_of(response)
    assert (
        'id="certificate-error">This file is a Word document. Please upload a PDF, PNG or JPEG.'
        in page
    )
    assert 'value="Boundaries at Work"' in page and 'value="2.5"' in page
    assert count(OutsideRecord) == 0 and count(StoredFile) == 0


def test_a_body_over_the_limit_is_refused_before_it_is_read_with_a_clear_page(client):
    sign_in(client, make_user(Role.TRAINEE))
    big = PDF + b"0" * (6 * MB)
    with big_post(client, "/outside/new/outside", record_form(certificate=upload(big))) as response:
        assert response.status_code == 413
        text = text_of(response)
    assert "That file is too large" in text
    assert "What you sent is 6.1 MB; a file can be at most 5 MB. Nothing was saved." in text
    assert count(OutsideRecord) == 0 and count(StoredFile) == 0


def test_a_file_just_over_the_limit_gets_the_message_beside_the_field(client):
    sign_in(client, make_user(Role.TRAINEE))
    data = PDF + b"0" * (5 * MB + 100 * 1024)
    with big_post(
        client, "/outside/new/outside", record_form(certificate=upload(data))
    ) as response:
        assert response.status_code == 400
        assert "This file is 5.1 MB; the limit is 5 MB." in text_of(response)
    assert count(StoredFile) == 0


def test_raising_the_upload_limit_raises_the_body_limit_with_it():
    from tests.helpers import app_with_database

    with app_with_database(UPLOAD_MAX_BYTES=20 * MB) as app:
        assert app.config["MAX_CONTENT_LENGTH"] > 20 * MB


def test_other_forms_still_take_no_files(client):
    sign_in(client, make_user(Role.TRAINEE))
    response = post(client, "/hours/new", {"notes": "x", "evil": upload()})
    assert response.status_code == 400
    assert "This form doesn't take files." in text_of(response)


# --- downloads ---------------------------------------------------------------------------------


@pytest.fixture
def people(app):
    owner = make_user(Role.TRAINEE, name="Owen Owner")
    supervisor = make_user(Role.SUPERVISOR, name="Sue Supervisor")
    assign(owner, supervisor)
    return {
        "owner": owner,
        "supervisor": supervisor,
        "lead": make_user(Role.LEAD),
        "other supervisor": make_user(Role.SUPERVISOR),
        "other trainee": make_user(Role.TRAINEE),
    }


@pytest.mark.parametrize("who", ["owner", "supervisor", "lead"])
def test_the_owner_leads_and_the_owners_supervisors_download_it_as_a_sandboxed_attachment(
    client, people, who
):
    stored_file = make_file(people["owner"], PDF, "Ethics certificate.pdf")
    sign_in(client, people[who])
    response = client.get(f"/outside/files/{stored_file.id}")
    assert response.status_code == 200
    assert response.data == PDF
    headers = response.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "Ethics certificate.pdf" in headers["Content-Disposition"].replace("%20", " ")
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = [directive.split() for directive in headers["Content-Security-Policy"].split(";")]
    assert ["sandbox"] in policy and ["default-src", "'self'"] in policy
    assert "no-store" in headers["Cache-Control"]
    assert "ETag" not in headers


@pytest.mark.parametrize("who", ["other supervisor", "other trainee"])
def test_everyone_else_gets_not_found(client, people, who):
    stored_file = make_file(people["owner"])
    sign_in(client, people[who])
    assert client.get(f"/outside/files/{stored_file.id}").status_code == 404
    assert client.get("/outside/files/999999").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    stored_file = make_file(people["owner"])
    response = client.get(f"/outside/files/{stored_file.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_supervisor_no_longer_assigned_loses_access(client, people):
    from training.extensions import db
    from training.models import SupervisorAssignment

    stored_file = make_file(people["owner"])
    with in_app():
        db.session.query(SupervisorAssignment).delete()
        db.session.commit()
    sign_in(client, people["supervisor"])
    assert client.get(f"/outside/files/{stored_file.id}").status_code == 404


def test_other_pages_keep_the_sites_own_policy(client, people):
    sign_in(client, people["owner"])
    assert "default-src 'self'" in client.get("/outside/").headers["Content-Security-Policy"]


def test_too_much_text_for_a_form_gets_a_plain_refusal(client):
    sign_in(client, make_user(Role.TRAINEE))
    form = record_form(provider="x" * 600_000)
    with big_post(client, "/outside/new/outside", form) as response:
        assert response.status_code == 413
        assert "What you sent is too large" in text_of(response)
        assert "Please go back, shorten the text and try again." in text_of(response)
    assert count(OutsideRecord) == 0
