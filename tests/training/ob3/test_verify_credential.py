"""The public check of a credential (``/verify/credential``): a genuine one passes every check,
whether pasted, sent as its .json file or inside its badge image; an altered one fails on its
signature, a revoked one on its status, another issuer's on its issuer; and whatever else comes
in (not JSON, a PNG without a credential, too much) gets a clear message, never an error page."""

from __future__ import annotations

import copy
import io
import json
from datetime import date, datetime

import pytest
from PIL import Image

from certificates.ob3 import baking
from tests.helpers import app_with_database, html_of, post, text_of
from tests.training.ob3.sharing_support import credential_of, issue_certificate, revoke, signed_in

URL = "/verify/credential"


@pytest.fixture
def issued(app, tmp_path):
    return issue_certificate(app, tmp_path)


@pytest.fixture
def credential(app, issued) -> dict:
    return credential_of(signed_in(app, issued.trainee), issued)


def _check(client, credential=None, *, text=None, upload=None, email=None):  # type: ignore[no-untyped-def]
    """Send the form as a browser does: pasted text, or a file (name, bytes)."""
    data: dict = {"credential": text if text is not None else ""}
    if email is not None:
        data["email"] = email
    if credential is not None:
        data["credential"] = json.dumps(credential, indent=2)
    if upload is not None:
        name, body = upload
        data["file"] = (io.BytesIO(body), name)
    return _closed(post(client, URL, data, content_type="multipart/form-data"))


def _closed(response):  # type: ignore[no-untyped-def]
    """The test client spools a big body to a temporary file it does not close: closed here."""
    response.request.environ["wsgi.input"].close()
    return response


def test_the_form_is_open_to_anyone_and_says_its_limits(client):
    page = client.get(URL)
    assert page.status_code == 200
    words = text_of(page)
    assert "you don't need an account" in words
    assert "at most 200 KB" in words and "2 MB" in words
    page_html = html_of(page)
    assert 'maxlength="200000"' in page_html and 'type="file"' in page_html
    assert 'enctype="multipart/form-data"' in page_html and 'name="csrf_token"' in page_html
    # the file a verifier was given comes first; pasting is the other way
    assert "Choose the file you were given (.json or .png)" in page_html
    assert "Or paste its text" in words
    assert "Open the .json file in a text editor and copy all of it." in page_html
    assert page_html.index('type="file"') < page_html.index("<textarea")


def test_the_code_page_points_to_the_credential_check(client):
    assert 'href="/verify/credential"' in html_of(client.get("/verify"))


def test_a_genuine_credential_pasted_passes_every_check(app, issued, credential):
    response = _check(app.test_client(), credential)
    assert response.status_code == 200
    words = text_of(response)
    assert "This training certificate is genuine and has not expired." in words
    assert "Failed:" not in words
    assert words.count("Passed:") == 5
    assert "The signature matches" in words and "It has not been revoked." in words
    assert "Riley Chen" in words and "Peer Recovery Specialist" in words
    assert "We checked the pasted text." in words
    until = date.fromisoformat(credential["validUntil"][:10])
    assert f"Valid until {until.day} {until:%B %Y}" in words  # as people write dates
    # what a pass means, and what it does not
    program = app.config["PROGRAM_NAME"]
    assert (
        f"This means {program} issued this training certificate to Riley Chen, and has not "
        "withdrawn it." in words
    )
    assert "not a state certification or an IC&RC or NAADAC credential" in words
    assert "check their ID, as you would for a paper certificate" in words
    assert "Training certificate Peer Recovery Specialist" in words


def test_a_genuine_credential_links_its_public_page_from_our_address(app, issued, credential):
    page = _check(app.test_client(), credential)
    link = f'<a href="http://127.0.0.1:5000/verify/{issued.code}">'
    assert link + "See its public page, with hours and transcript</a>" in html_of(page)
    words = text_of(page)
    assert f"Certificate code {issued.code} See its public page" in words
    # the criteria, as the program signed them, one line each
    narrative = credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert all(line in words for line in narrative.splitlines())


def test_the_holders_email_can_be_compared_with_the_credential(app, issued, credential):
    client = app.test_client()
    words = text_of(_check(client, credential, email=" Riley@Example.org "))
    assert "Holder's email Matches: the address you typed is the one this credential was" in words
    words = text_of(_check(client, credential, email="someone@example.org"))
    assert "Does not match the address this credential was issued to." in words
    # without an address, nothing is said about one
    assert "<dt>Holder's email</dt>" not in html_of(_check(client, credential))
    # an altered credential's hash is not compared
    altered = copy.deepcopy(credential)
    altered["credentialSubject"]["name"] = "Someone Else"
    words = text_of(_check(client, altered, email="riley@example.org"))
    assert "Not compared: the credential did not pass the issuer and signature checks." in words


def test_an_altered_credential_links_no_public_page_and_lists_no_criteria(app, credential):
    altered = copy.deepcopy(credential)
    altered["evidence"][0]["id"] = "https://evil.example/verify"
    page = _check(app.test_client(), altered)
    assert "/verify/" not in html_of(page).split("What the credential says")[1].split("</dl>")[0]
    assert "evil.example" not in html_of(page)
    assert "What it requires" not in text_of(page)


def test_a_genuine_credential_past_its_end_date_is_genuine_but_expired(
    app, issued, credential, monkeypatch
):
    from datetime import datetime, timedelta

    from training.ob3 import verify_views

    ended = datetime.fromisoformat(credential["validUntil"])
    monkeypatch.setattr(verify_views, "utcnow", lambda: ended + timedelta(days=2))
    words = text_of(_check(app.test_client(), credential))
    assert f"This credential is genuine, but it expired on {ended.day} {ended:%B %Y}." in words
    assert words.count("Failed:") == 1 and "Failed: It expired on" in words
    assert "do not rely on it" not in words
    assert "ask them for the new credential or their current certificate code" in words


def test_an_altered_credential_fails_its_signature_check(app, issued, credential):
    altered = copy.deepcopy(credential)
    altered["credentialSubject"]["name"] = "Someone Else"
    words = text_of(_check(app.test_client(), altered))
    assert "did not pass every check" in words
    assert "Failed: It was changed after the program signed it" in words
    # the rest still holds, and the page says not to rely on what it states
    assert "It has not been revoked." in words and "do not rely on it" in words
    assert "This means" not in words


def test_a_later_end_date_written_in_fails_too(app, issued, credential):
    altered = copy.deepcopy(credential)
    altered["validUntil"] = "2099-12-31T23:59:59Z"
    assert "Failed: It was changed after the program signed it" in text_of(
        _check(app.test_client(), altered)
    )


def test_a_revoked_credential_fails_its_revocation_check(app, issued, credential):
    revoke(app, issued)
    words = text_of(_check(app.test_client(), credential))
    assert "did not pass every check" in words
    # the same words for a revoked and a replaced (renewed) certificate: no misconduct implied
    assert "Failed: The program has withdrawn it: it was replaced by a newer certificate" in words
    assert "check it at http://127.0.0.1:5000/verify." in words
    assert "The signature matches" in words  # genuine, but no longer counts


def test_the_credential_file_and_the_badge_image_are_checked_too(app, issued, credential):
    client = app.test_client()
    as_file = _check(client, upload=("credential.json", json.dumps(credential).encode()))
    assert as_file.status_code == 200
    assert "genuine and has not expired" in text_of(as_file)
    assert "We checked the file credential.json." in text_of(as_file)
    holder = signed_in(app, issued.trainee)
    badge = holder.get(f"/certificates/{issued.certificate_id}/badge.png").data
    as_image = _check(client, upload=("badge.png", badge))
    assert as_image.status_code == 200
    assert "genuine and has not expired" in text_of(as_image)
    assert "Failed:" not in text_of(as_image)


def test_a_png_without_a_credential_inside_says_so(app):
    picture = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(picture, format="PNG")
    response = _check(app.test_client(), upload=("photo.png", picture.getvalue()))
    assert response.status_code == 400
    assert "has no credential inside it" in text_of(response)


def test_a_damaged_png_says_so(app, issued, credential):
    baked = baking.bake(_png(), credential)
    at = baked.index(b'"credentialSubject"')
    damaged = baked[:at] + b"X" + baked[at + 1 :]  # its chunk no longer matches its checksum
    response = _check(app.test_client(), upload=("badge.png", damaged))
    assert response.status_code == 400
    assert "could not be read as a badge image" in text_of(response)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello, I am a credential", "This is not valid JSON: at line 1, column 1"),
        ('{"a": 1,,}', "This is not valid JSON"),
        ("[1, 2, 3]", "This is JSON, but not a credential"),
        ("[" * 100_000 + "]" * 100_000, "nested hundreds deep"),
        ("1" * 5_000, "numbers hundreds of digits long"),
        ("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln", "in JWT form"),
        ("   ", "Paste a credential into the box, or choose its file"),
    ],
)
def test_what_is_not_a_credential_gets_a_clear_message(app, text, message):
    response = _check(app.test_client(), text=text)
    assert response.status_code == 400
    assert message in text_of(response)


def test_json_that_is_no_credential_fails_its_checks_without_an_error_page(app):
    response = _check(app.test_client(), text='{"name": "A badge", "proof": 7}')
    assert response.status_code == 200
    words = text_of(response)
    assert "did not pass every check" in words and "Passed:" not in words


def test_another_issuers_credential_says_we_only_check_ours(app, issued, credential):
    foreign = copy.deepcopy(credential)
    foreign["issuer"]["id"] = "https://badges.example.com/issuer"
    words = text_of(_check(app.test_client(), foreign))
    assert "Failed: It was not issued by this program" in words
    assert "names another issuer, https://badges.example.com/issuer" in words
    assert "We can only check credentials that this program issued" in words


def test_both_a_paste_and_a_file_is_refused(app, credential):
    client = app.test_client()
    data = {
        "credential": json.dumps(credential),
        "file": (io.BytesIO(json.dumps(credential).encode()), "credential.json"),
    }
    response = _closed(post(client, URL, data, content_type="multipart/form-data"))
    assert response.status_code == 400
    assert "not both" in text_of(response)


def test_a_file_that_is_neither_json_nor_png_says_what_to_choose(app):
    response = _check(app.test_client(), upload=("scan.pdf", b"%PDF-1.4\n\xff\xfe\x00binary"))
    assert response.status_code == 400
    assert "neither a credential (.json) nor a badge image (.png)" in text_of(response)


def test_an_empty_file_says_so(app):
    response = _check(app.test_client(), upload=("credential.json", b""))
    assert response.status_code == 400
    assert "is empty" in text_of(response)


# --- limits --------------------------------------------------------------------------------------


def test_a_paste_over_200_kb_is_refused_with_the_limit(app):
    response = _check(app.test_client(), text='{"x": "' + "a" * 200_000 + '"}')
    assert response.status_code == 400
    assert "at most 200,000 characters (200 KB)" in text_of(response)


def test_a_file_over_2_mb_is_refused_with_the_limit(app):
    response = _check(app.test_client(), upload=("big.json", b" " * (2 * 1024 * 1024 + 1)))
    assert response.status_code == 413
    assert "larger than 2 MB" in text_of(response)


def test_a_body_far_over_the_limits_is_refused_before_it_is_read(app):
    response = _check(app.test_client(), upload=("huge.png", b"\x89PNG" + b"0" * (4 * 1024 * 1024)))
    assert response.status_code == 413
    words = text_of(response)
    assert "too large to be a credential" in words and "a file at most 2 MB" in words
    assert "5 MB" not in words  # not the limit of the site's other uploads


def test_the_form_without_its_csrf_token_is_refused(app, credential):
    response = app.test_client().post(URL, data={"credential": json.dumps(credential)})
    assert response.status_code == 400


def test_checking_counts_against_the_look_up_allowance_but_the_form_does_not():
    with app_with_database(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="2 per minute") as app:
        visitor = app.test_client()
        for _ in range(3):
            assert visitor.get(URL).status_code == 200
        answers = [_check(visitor, text="{}").status_code for _ in range(3)]
        assert answers == [200, 200, 429]
        assert "checked from your network" in text_of(_check(visitor, text="{}"))
        # one allowance with the code look-ups
        assert visitor.get("/verify/7K3QD-M9X2A-F4R8T").status_code == 429


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(out, format="PNG")
    return out.getvalue()


def test_a_file_sent_in_place_of_the_pasted_text_is_refused_in_words(app):
    data = {"credential": (io.BytesIO(b"{}"), "credential.json")}
    response = _closed(post(app.test_client(), URL, data, content_type="multipart/form-data"))
    assert response.status_code == 400
    assert "This box takes pasted text" in text_of(response)


# --- hardening -----------------------------------------------------------------------------------


def test_an_end_date_moved_out_of_sight_is_refused_on_the_page(
    app, issued, credential, monkeypatch
):
    from datetime import datetime, timedelta

    from training.ob3 import verify_views

    ended = datetime.fromisoformat(credential["validUntil"])
    monkeypatch.setattr(verify_views, "utcnow", lambda: ended + timedelta(days=2))
    hidden = copy.deepcopy(credential)
    hidden["@nest"] = {"validUntil": hidden.pop("validUntil")}
    words = text_of(_check(app.test_client(), hidden))
    assert "did not pass every check" in words
    assert "Failed: It is written in an unusual way that this page does not accept" in words
    assert "genuine" not in words


@pytest.mark.parametrize("index", [-1, 131_072, 10**9, "5", 2.0, True])
def test_a_place_outside_the_list_is_unknown_not_unrevoked(app, issued, index):
    from training.ob3 import status

    with app.app_context():
        assert status.revoked(status.list_url(1), index) is None
        assert status.revoked(status.list_url(1), 131_071) is False


def test_a_retired_key_used_after_its_retirement_fails_on_the_page(app, issued, credential):
    from datetime import timedelta

    from sqlalchemy import update

    from certificates.ob3 import proof
    from training.certs import keys
    from training.extensions import db
    from training.models import SigningKey
    from training.ob3 import signing_keys

    with app.app_context():
        key_id = signing_keys.current_key_id()
        private_key = keys.private_key()
        method = signing_keys.method_url(key_id)
        signed_at = datetime.fromisoformat(credential["proof"]["created"])
        retired = signed_at + timedelta(hours=1)
        db.session.execute(
            update(SigningKey).where(SigningKey.key_id == key_id).values(retired_at=retired)
        )
        db.session.commit()
        assert signing_keys.retired_times() == {method: retired}
        unsigned = {k: v for k, v in credential.items() if k != "proof"}
        minted = proof.sign(unsigned, private_key, method, retired + timedelta(minutes=1))

    client = app.test_client()
    words = text_of(_check(client, minted))
    assert "Failed: It was signed on" in words
    assert "a retired key signs nothing new, so this signature cannot be trusted." in words
    # what it signed before it was retired still passes
    assert "genuine and has not expired" in text_of(_check(client, credential))


def test_a_file_sent_in_place_of_the_email_address_is_refused_in_words(app, credential):
    data = {
        "credential": json.dumps(credential),
        "email": (io.BytesIO(b"riley@example.org"), "email.txt"),
    }
    response = _closed(post(app.test_client(), URL, data, content_type="multipart/form-data"))
    assert response.status_code == 400
    assert "This box takes an email address, not a file." in text_of(response)
