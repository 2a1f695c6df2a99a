"""Portable credentials in a real browser: a holder opens their certificate's share page (on a
laptop and on a phone) and downloads the credential and the badge image; a verifier without an
account checks the credential on /verify/credential by pasting it and by choosing the badge
image; after the lead revokes the certificate, the same credential fails its revocation check.

How the holder earned the certificate is not the point here, so test helpers issue it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, WIDTHS, signed_in_page
from tests.training.certs.test_views import make_eligible

pytestmark = pytest.mark.browser


def _issued(app, trainee, supervisor, lead) -> str:  # type: ignore[no-untyped-def]
    """The trainee's certificate, issued by the lead; returns its code as printed."""
    from certificates.codes import format_code
    from training.certs import issuing
    from training.extensions import db
    from training.hours.services import track_for
    from training.models import User

    make_eligible(app, trainee, supervisor)
    with app.app_context():
        holder = db.session.get(User, trainee.id)
        certificate = issuing.issue(holder, track_for(holder), db.session.get(User, lead.id))
        return format_code(certificate.code)


def _revoke(app, code: str, lead) -> None:  # type: ignore[no-untyped-def]
    from certificates.codes import parse_code
    from training.certs import issuing, services
    from training.extensions import db
    from training.models import User

    with app.app_context():
        certificate = services.by_code(parse_code(code))
        issuing.revoke(certificate, db.session.get(User, lead.id), "error", "Issued by mistake.")


def test_a_holder_shares_the_credential_and_a_verifier_checks_it(site, chromium, check, tmp_path):
    base, people, app = site["url"], site["people"], site["app"]
    code = _issued(app, people["trainee"], people["supervisor"], people["lead"])

    credential_json, image = "", tmp_path / "badge.png"
    for label, viewport in WIDTHS.items():
        page = signed_in_page(chromium, base, "riley@example.org", viewport)
        page.goto(base + "/certificate/")
        page.get_by_role("link", name=re.compile("Share: digital credential")).click()
        expect(page.get_by_role("heading", name="Share your certificate", level=1)).to_be_visible()
        expect(page.get_by_role("img", name="QR code of the wallet link")).to_be_visible()
        linkedin = page.get_by_role("link", name=re.compile("Add to LinkedIn profile"))
        expect(linkedin).to_have_attribute("href", re.compile(r"^https://www\.linkedin\.com/"))
        check(page, f"share-{label}")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download credential file (.json)").click()
        assert download.value.suggested_filename == f"credential-{code}.json"
        credential_json = Path(download.value.path()).read_text()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(r"Download badge image")).click()
        assert download.value.suggested_filename == f"badge-{code}.png"
        image.write_bytes(Path(download.value.path()).read_bytes())
        page.context.close()

    # a verifier, on a phone, with no account
    visitor = chromium.new_context(viewport=PHONE).new_page()
    visitor.goto(base + "/verify")
    visitor.get_by_role("link", name="Check a digital credential").click()
    expect(visitor.get_by_role("heading", name="Check a digital credential")).to_be_visible()
    check(visitor, "verify-credential-form")
    visitor.get_by_label("Or paste its text").fill(credential_json)
    visitor.get_by_role("button", name="Check this credential").click()
    answer = visitor.locator(".verification")
    expect(answer).to_contain_text("This training certificate is genuine and has not expired.")
    expect(answer).to_contain_text("Riley Chen")
    expect(answer).to_contain_text("check their ID, as you would for a paper certificate")
    public_page = answer.get_by_role("link", name="See its public page, with hours and transcript")
    expect(public_page).to_have_attribute("href", re.compile(rf"/verify/{code}$"))
    expect(answer).not_to_contain_text("Failed")
    check(visitor, "verify-credential-genuine")

    # the badge image carries the same credential
    visitor.get_by_label("Choose the file you were given (.json or .png)").set_input_files(
        str(image)
    )
    visitor.get_by_role("button", name="Check this credential").click()
    expect(visitor.locator(".verification")).to_contain_text("genuine and has not expired")
    expect(visitor.locator(".verification")).to_contain_text("the file badge.png")

    # revoked: the same credential now fails, on its revocation line only
    _revoke(app, code, people["lead"])
    visitor.get_by_label("Or paste its text").fill(credential_json)
    visitor.get_by_role("button", name="Check this credential").click()
    answer = visitor.locator(".verification")
    expect(answer).to_contain_text("This credential did not pass every check.")
    expect(answer.locator(".check-failed")).to_have_count(1)
    expect(answer.locator(".check-failed")).to_contain_text("The program has withdrawn it")
    check(visitor, "verify-credential-revoked")
