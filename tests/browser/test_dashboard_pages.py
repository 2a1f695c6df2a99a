"""The cohort dashboard in a real browser, on the demo program, at a laptop's width and a
phone's: its two charts drawn without JavaScript and their tables, a certificate expiring soon
flagged in words, "Issue certificate" on the eligible trainee's row; every view passes axe-core,
the keyboard walk and fits the screen (screenshots in test-artifacts/browser/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS

pytestmark = pytest.mark.browser


def lead_page(chromium, base: str, viewport: dict):  # type: ignore[no-untyped-def]
    """A page signed in as the demo program's lead (who has a password of their own)."""
    page = chromium.new_context(viewport=viewport).new_page()
    page.goto(base + "/login")
    page.fill("#email", "lead@example.org")
    page.fill("#password", "demo-lead-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    return page


def test_the_cohort_dashboard_at_both_widths(demo_site, chromium, check):
    base = demo_site["url"]
    for name, viewport in WIDTHS.items():
        page = lead_page(chromium, base, viewport)
        page.goto(base + "/lead/cohorts")
        expect(page.get_by_role("cell", name="Peer Recovery Specialist (foundation training)"))
        page.get_by_role("link", name="Spring 2026").click()
        riley = page.get_by_role("row").filter(has_text="Riley Chen")
        expect(riley.get_by_role("link", name="Issue certificate to Riley Chen")).to_be_visible()
        jamie = page.get_by_role("row").filter(has_text="Jamie Ortiz")
        expect(jamie.locator(".badge-expiring")).to_contain_text("Expires in")
        expect(page.get_by_role("row").filter(has_text="Taylor Brooks")).not_to_contain_text(
            "Issue certificate"
        )
        check(page, f"cohort-dashboard-{name}")
        page.get_by_role("link", name="The cohort at a glance").click()
        main = page.locator("main")
        for chart in ("steps-chart", "hours-chart"):
            drawing = page.locator(f"svg#{chart}[role=img]")
            expect(drawing).to_be_visible()
            box = drawing.bounding_box()
            assert box and 250 <= box["width"] <= viewport["width"], (chart, box)
        # the charts say their numbers in words, to screen readers and in their tables
        expect(page.get_by_role("img", name="Trainees who have reached each step")).to_have_count(1)
        tables = main.locator("details.chart-table table")
        expect(tables.first).to_be_hidden()
        page.locator("details.chart-table > summary").first.click()
        expect(tables.first).to_be_visible()
        expect(main).to_contain_text("ready for the certificate")
        # afresh, for the keyboard walk to start at the top, with both tables open to be seen
        page.reload()
        page.evaluate("document.querySelectorAll('details.chart-table').forEach(d => d.open = 1)")
        expect(main).to_contain_text("Started")
        check(page, f"cohort-at-a-glance-{name}")
        page.context.close()
