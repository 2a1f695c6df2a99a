"""Renewal, end to end in a real browser: a holder whose certificate is about to expire sees
what renewal needs, passes the renewal course's quiz again, signs the code of ethics again and
renews; the new certificate is shown valid and the old one replaced, here and to a visitor.

How the holder earned the first certificate is not the point here, so test helpers set it up;
everything from the reminder on goes through the real pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_journeys import answer_quiz, sign_in_with_keyboard
from tests.training.certs.test_views import make_eligible

pytestmark = pytest.mark.browser


def _certified_two_years_ago(app, trainee, supervisor, lead) -> str:
    """A certificate issued about two years ago that expires in 20 days; returns its code."""
    from certificates.codes import format_code
    from training.certs import issuing
    from training.extensions import db
    from training.hours.services import track_for
    from training.models import QuizAttempt, TrackSignature, User

    make_eligible(app, trainee, supervisor)
    with app.app_context():
        holder = db.session.get(User, trainee.id)
        certificate = issuing.issue(holder, track_for(holder), db.session.get(User, lead.id))
        issued_at = datetime.now(UTC) - timedelta(days=710)
        certificate.issued_at = issued_at
        certificate.expires_on = datetime.now(UTC).date() + timedelta(days=20)
        # what made them eligible happened before that issue
        for row in db.session.scalars(select(QuizAttempt)):
            row.submitted_at = issued_at - timedelta(days=1)
        for row in db.session.scalars(select(TrackSignature)):
            row.signed_at = issued_at - timedelta(days=1)
        db.session.commit()
        return format_code(certificate.code)


def test_a_holder_renews_through_the_browser(site, chromium, check):
    base, people, app = site["url"], site["people"], site["app"]
    old_code = _certified_two_years_ago(
        app, people["trainee"], people["supervisor"], people["lead"]
    )
    with app.app_context():
        from training.content import library

        course = library().course("basics")

    page = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in_with_keyboard(page, base, "riley@example.org")
    expect(page.locator(".warning-box")).to_contain_text("certificate expires in 20 days")
    check(page, "home-renewal-due")

    page.get_by_role("link", name="See what renewal needs").click()
    renewal = page.locator(".warning-box")
    expect(renewal).to_contain_text("Your certificate expires in 20 days")
    expect(renewal).to_contain_text("Complete the course “Basics”")
    expect(renewal).to_contain_text("Read and sign the code of ethics again")
    expect(page.get_by_role("button", name="Renew my certificate")).to_have_count(0)
    # The code of ethics can be signed again (it was hidden once signed, so nobody could renew).
    expect(page.get_by_role("button", name="Sign", exact=True)).to_be_visible()
    check(page, "renewal-checklist")

    # Pass the renewal course's quiz again.
    page.goto(base + "/learn/basics/quiz")
    page.get_by_role("button", name="Start a new attempt").click()
    answer_quiz(page, course)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".score")).to_contain_text("You passed")

    # Sign the code of ethics again.
    page.goto(base + "/certificate/")
    page.get_by_label(re.compile("I have read this code of ethics")).check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("You signed the code of ethics")
    expect(page.locator(".badge-done")).to_contain_text("signed it again for your renewal")
    check(page, "renewal-ready")

    page.get_by_role("button", name="Renew my certificate").click()
    expect(page.locator(".flash-success")).to_contain_text("Renewed. Your new certificate")
    new_code = re.search(
        r"certificate (\w{5}-\w{5}-\w{5})", page.locator(".flash-success").inner_text()
    )
    assert new_code and new_code[1] != old_code
    cards = page.locator(".cards .card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Valid")  # newest first, its status first
    expect(cards.nth(0)).to_contain_text(new_code[1])
    expect(cards.nth(0).get_by_role("link", name=re.compile("Download PDF"))).to_be_visible()
    expect(cards.nth(1)).to_contain_text("Replaced by a newer certificate")
    expect(cards.nth(1)).to_contain_text(old_code)
    expect(cards.nth(1)).to_contain_text("Its PDF is no longer available")
    expect(page.locator(".warning-box")).to_have_count(0)  # no more reminder
    check(page, "renewed")

    visitor = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    visitor.goto(f"{base}/verify/{old_code}")
    expect(visitor.locator(".verdict")).to_contain_text("replaced by a newer certificate")
    expect(visitor.locator(".verdict")).not_to_contain_text("Valid until")
    check(visitor, "old-code-replaced")
    visitor.goto(f"{base}/verify/{new_code[1]}")
    expect(visitor.locator(".verdict")).to_contain_text(
        "This training certificate is genuine and valid."
    )
