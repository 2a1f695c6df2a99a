"""The trainee's home (one next step, the rest listed, progress by group) and the certificate
checklist by group, for demo trainees at different stages, at a laptop's and a phone's width.

One test, so the demo program is loaded once; each trainee signs in once and their pages are
walked at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS
from tests.browser.test_journeys import sign_in_as

pytestmark = pytest.mark.browser

PASSWORD = "demo-trainee-password"


def signed_in(chromium, base: str, email: str):  # type: ignore[no-untyped-def]
    page = sign_in_as(chromium.new_context(viewport=WIDTHS["desktop"]), base, email, PASSWORD)
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text("Hello,")  # signing in lands on the home
    return page


def at_each_width(page, url: str):  # type: ignore[no-untyped-def]
    """Yields the width's name with ``page`` at ``url``, at each width in turn."""
    for name, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(url)
        yield name


def test_home_and_checklist_of_trainees_at_each_stage(demo_site, chromium, check):
    base = demo_site["url"]
    next_step = ".next-step"

    # Mid-way: a returned entry first; the module to continue and the rest listed.
    jordan = signed_in(chromium, base, "jordan@example.org")
    for name in at_each_width(jordan, base + "/"):
        button = jordan.locator(next_step).get_by_role("link", name="Correct the returned entry")
        expect(button).to_have_class(re.compile(r"\bbutton\b"))
        also = jordan.locator(".home-steps").first
        expect(also).to_contain_text(re.compile(r"Continue: Module \d+ · "))
        expect(also).to_contain_text("Sign the code of ethics")
        expect(jordan.locator(".home-waiting")).to_contain_text("waiting for your supervisor")
        expect(jordan.locator(".progress-summary progress")).to_have_count(5)
        check(jordan, f"home-mid-way-{name}")
    button.click()
    expect(jordan).to_have_url(re.compile(r"/hours/\d+/edit$"))

    # On the rulebook track: outside training to correct, and what waits on others; then the
    # checklist by group, with a bar and "have of need" for each, every line said once.
    eli = signed_in(chromium, base, "eli@example.org")
    for name in at_each_width(eli, base + "/"):
        expect(eli.locator(next_step)).to_contain_text("Correct your outside training record")
        expect(eli.locator(".home-waiting")).to_contain_text("competency evaluation")
        expect(eli.locator(".progress-summary")).to_contain_text("6 of 11 courses")
        check(eli, f"home-coach-{name}")
    eli.get_by_role("link", name="See everything the certificate needs").click()
    for name in at_each_width(eli, base + "/certificate/"):
        groups = eli.locator("h3.checklist-group")
        expect(groups).to_have_count(7)
        expect(groups.first).to_contain_text("Courses · 6 of 11 courses")
        bar = eli.get_by_role("progressbar", name="Training hours: 43.5 of 60 hours")
        expect(bar).to_have_attribute("value", "43.5")
        unmet = eli.locator(".checklist li.unmet")
        total = "60 hours in all (any domain) · 43.5 so far, 16.5 to go"
        expect(unmet.filter(has_text=total)).to_have_count(1)
        expect(unmet.filter(has_text="more approved hours")).to_have_count(0)
        check(eli, f"checklist-coach-{name}")
    eli.get_by_role("link", name="Sign the job description").click()
    expect(eli.locator("h1")).to_contain_text("Job description")

    # Eligible: no button, the news that the lead issues the certificate; on the checklist
    # every group is one line, its requirements folded away until asked for.
    riley = signed_in(chromium, base, "riley@example.org")
    for name in at_each_width(riley, base + "/"):
        expect(riley.locator(next_step)).to_contain_text("You meet every requirement.")
        expect(riley.locator(next_step).locator("a.button")).to_have_count(0)
        check(riley, f"home-eligible-{name}")
    for name in at_each_width(riley, base + "/certificate/"):
        expect(riley.locator(".checklist-section.is-met")).to_have_count(5)
        folded = riley.locator(".checklist-folded").first
        expect(folded.locator("li").first).to_be_hidden()
        check(riley, f"checklist-all-met-{name}")
    folded.locator("summary").click()
    expect(folded.locator("li").first).to_be_visible()

    # Certified: the certificate to download.
    taylor = signed_in(chromium, base, "taylor@example.org")
    for name in at_each_width(taylor, base + "/"):
        download = taylor.locator(next_step).get_by_role("link", name="Download your certificate")
        expect(download).to_have_attribute("href", re.compile(r"^/certificates/\d+\.pdf$"))
        expect(taylor.locator("main")).to_contain_text("valid until")
        check(taylor, f"home-certified-{name}")
