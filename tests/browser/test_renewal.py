"""Renewal, end to end in a real browser: a holder whose certificate is about to expire sees
what renewal needs, passes the renewal course's quiz again, signs the code of ethics again on its
page, records continuing education with its certificate, which the lead approves, and renews;
the new certificate is shown valid and the old one replaced, here and to a visitor.

How the holder earned the first certificate is not the point here, so test helpers set it up;
everything from the reminder on goes through the real pages. The test track asks for
continuing education at renewal (3 hours, 2 of them in ethics), as a real track does.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_journeys import answer_quiz, sign_in_with_keyboard
from tests.helpers import use_track
from tests.training.certs.test_views import make_eligible
from tests.training.outside.support import PDF

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
        certificate.issued_on = issued_at.date()
        certificate.expires_on = datetime.now(UTC).date() + timedelta(days=20)
        # what made them eligible happened before that issue
        for row in db.session.scalars(select(QuizAttempt)):
            row.submitted_at = issued_at - timedelta(days=1)
        for row in db.session.scalars(select(TrackSignature)):
            row.signed_at = issued_at - timedelta(days=1)
        db.session.commit()
        return format_code(certificate.code)


def _asks_continuing_education(app) -> None:  # type: ignore[no-untyped-def]
    """The test track asks 3 hours of continuing education to renew, 2 of them in ethics."""
    from certificates.rulebook import ContinuingEducation

    with app.app_context():
        from training import content

        renewal = content.store().tracks.track("peer-recovery").renewal
    ce = ContinuingEducation(hours=3, by_domain={"ethical_responsibility": 2})
    use_track(app, renewal=dataclasses.replace(renewal, continuing_education=ce))


def test_a_holder_renews_through_the_browser(site, chromium, check):
    base, people, app = site["url"], site["people"], site["app"]
    _asks_continuing_education(app)
    old_code = _certified_two_years_ago(
        app, people["trainee"], people["supervisor"], people["lead"]
    )
    with app.app_context():
        from training.content import library

        course = library().course("basics")

    page = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in_with_keyboard(page, base, "riley@example.org")
    expect(page.locator(".next-step")).to_contain_text("certificate expires in 20 days")
    check(page, "home-renewal-due")

    page.get_by_role("link", name="See what renewal needs").click()
    renewal = page.locator(".warning-box")
    expect(renewal).to_contain_text("Your certificate expires in 20 days")
    expect(renewal).to_contain_text("Complete the course “Basics”")
    expect(renewal).to_contain_text("Read and sign the code of ethics again")
    expect(renewal).to_contain_text(
        "You have 0 of 3 continuing-education hours (0 of 2 in Ethical Responsibility)"
    )
    expect(renewal).to_contain_text("3 more continuing-education hours")
    expect(renewal).to_contain_text("2 more continuing-education hours in Ethical Responsibility")
    expect(page.get_by_role("button", name="Renew my certificate")).to_have_count(0)
    # The code of ethics can be signed again (it was hidden once signed, so nobody could renew).
    expect(page.locator("main")).to_contain_text("To renew your certificate, read it again")
    check(page, "renewal-checklist")

    # Pass the renewal course's quiz again.
    page.goto(base + "/learn/basics/quiz")
    page.get_by_role("button", name="Start a new attempt").click()
    answer_quiz(page, course)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".score")).to_contain_text("You passed")

    # Sign the code of ethics again, on its page.
    page.goto(base + "/certificate/")
    page.get_by_role("link", name="Code of ethics", exact=True).click()
    expect(page.locator(".badge")).to_contain_text("To renew your certificate, read it again")
    check(page, "code-of-ethics-again")
    page.get_by_label(re.compile("I have read this code of ethics")).check()
    page.get_by_label("Your full name, as your signature").fill("Riley Chen")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("You signed the code of ethics")
    expect(page.locator(".badge-done")).to_contain_text("Signed on")

    # Record continuing education with its certificate: not enough until the lead approves it.
    page.goto(base + "/outside/")
    page.get_by_role("link", name="Add continuing education").click()
    check(page, "continuing-education-form")
    page.get_by_label("Provider").fill("Recovery Academy")
    page.get_by_label("Course title").fill("Ethics refresher for peer supporters")
    page.fill("#day", (datetime.now(UTC).date() - timedelta(days=7)).isoformat())
    page.get_by_label("Ethical Responsibility", exact=True).fill("2")
    page.get_by_label("Advocacy", exact=True).fill("1")
    page.get_by_label("Certificate of completion").set_input_files(
        files=[{"name": "ce-certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send to your program lead").click()
    expect(page.locator(".flash-success")).to_contain_text("Sent to your program lead")
    page.goto(base + "/certificate/")
    expect(page.locator(".warning-box")).to_contain_text("3 more continuing-education hours")
    expect(page.get_by_role("button", name="Renew my certificate")).to_have_count(0)

    lead = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in_with_keyboard(lead, base, "lead@example.org")
    lead.goto(base + "/outside/queue")
    lead.get_by_role("link", name="Ethics refresher for peer supporters").click()
    lead.get_by_role("button", name="Approve").click()
    expect(lead.locator(".flash-success")).to_contain_text("Approved: Ethics refresher")

    page.reload()
    expect(page.locator(".warning-box")).to_contain_text(
        "You have 3 of 3 continuing-education hours (2 of 2 in Ethical Responsibility)"
    )
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
    expect(visitor.locator(".verification")).to_contain_text("replaced by a newer certificate")
    expect(visitor.locator(".verification")).not_to_contain_text("Valid until")
    check(visitor, "old-code-replaced")
    visitor.goto(f"{base}/verify/{new_code[1]}")
    expect(visitor.locator(".verification")).to_contain_text(
        "This training certificate is genuine and valid."
    )
