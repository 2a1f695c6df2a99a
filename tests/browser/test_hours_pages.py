"""The trainee's hours pages at a laptop's and a phone's width: the list with a returned entry
(its sign-off withdrawn by the lead) and a draft above the totals, a filter, the entry form
with "Save and submit", a copy, the delete confirmation, the page without a supervisor, and
the printable summary, whose every printed page carries the program, trainee and period."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, signed_in_page
from tests.helpers import make_entry, make_user

pytestmark = pytest.mark.browser

TODAY = date.today()


def _entries(site) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Riley's hours: a returned entry whose sign-off the lead voided, a draft, and enough
    approved entries that the summary prints on more than one page."""
    from training.extensions import db
    from training.hours import signoffs
    from training.models import HoursEntry, User

    trainee, supervisor = site["people"]["trainee"], site["people"]["supervisor"]
    voided = make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=3))
    draft = make_entry(trainee, supervisor, day=TODAY - timedelta(days=1), notes="Role play, J.K.")
    for days in range(5, 65):
        make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=days), minutes=30)
    with site["app"].app_context():
        signoffs.void_sign_off(
            db.session.get(User, site["people"]["lead"].id),
            db.session.get(HoursEntry, voided.id),
            "Signed for the wrong date.",
        )
    return {"voided": voided.id, "draft": draft.id}


def test_the_hours_pages_at_both_widths(site, chromium, check, tmp_path):
    base = site["url"]
    ids = _entries(site)
    for name, viewport in WIDTHS.items():
        page = signed_in_page(chromium, base, "riley@example.org", viewport)

        page.goto(base + "/hours/")
        main = page.locator("main")
        expect(main).to_contain_text(
            "Your program lead reopened this entry. Their note: Signed for the wrong date."
        )
        headings = main.locator("h2").all_inner_texts()
        assert headings.index("Returned to you (1)") < headings.index("Totals"), headings
        assert headings.index("Drafts (1)") < headings.index("Totals"), headings
        bars = main.locator(".requirements progress")
        heads = main.locator(".requirement-head")
        # every requirement laid out alike: its bar under its name, across the column
        for i in range(bars.count()):
            bar, head = bars.nth(i).bounding_box(), heads.nth(i).bounding_box()
            assert bar["y"] > head["y"] and abs(bar["width"] - head["width"]) < 2
        check(page, f"hours-list-{name}")

        # A date box never sends a malformed date; an address typed by hand can.
        page.goto(base + "/hours/?from=not-a-date&status=draft")
        expect(page.locator("#from-error")).to_contain_text("Enter a date as year-month-day")
        expect(main).to_contain_text("Drafts (1)")
        check(page, f"hours-filter-error-{name}")

        page.goto(base + "/hours/new")
        expect(page.get_by_role("button", name="Save and submit")).to_have_class("button")
        expect(page.get_by_role("button", name="Save as draft")).to_have_class(
            re.compile("button-secondary")
        )
        check(page, f"hours-new-{name}")

        page.goto(base + f"/hours/{ids['draft']}/copy")
        expect(page.locator("#notes")).to_have_value("Role play, J.K.")
        expect(page.locator("#day")).to_have_value(TODAY.isoformat())
        check(page, f"hours-copy-{name}")

        page.goto(base + "/hours/?status=draft")
        page.get_by_role("link", name=re.compile("^Delete the entry of")).click()
        expect(page.locator("h1")).to_have_text("Delete this draft?")
        check(page, f"hours-delete-confirm-{name}")
        page.get_by_role("link", name="Cancel").click()
        expect(page).to_have_url(re.compile(r"/hours/\?status=draft$"))

        page.goto(base + "/hours/summary?from=" + (TODAY - timedelta(days=30)).isoformat())
        expect(page.locator(".summary-facts")).to_contain_text("Riley Chen")
        check(page, f"hours-summary-{name}")

    _save_and_submit(page, base)
    _printed_summary(page, base, tmp_path)
    _without_a_supervisor(chromium, base, check)


def _save_and_submit(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/hours/new")
    page.fill("#day", (TODAY - timedelta(days=2)).isoformat())
    page.get_by_label("Individual supervision", exact=True).check()
    page.get_by_label("Video", exact=True).check()
    page.get_by_label("Advocacy", exact=True).check()
    page.fill("#notes", "Talked through a boundary question.")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Saved and submitted for sign-off to Sam Supervisor."
    )
    expect(page.locator("main")).to_contain_text("Waiting for sign-off (1)")


def _printed_summary(page, base: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Printed (to PDF, as Chromium prints), each page has the header and a page number."""
    start = TODAY - timedelta(days=70)
    page.goto(base + f"/hours/summary?from={start.isoformat()}")
    pdf = tmp_path / "summary.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2, text
    period = f"Period: {start:%-d %B %Y} to {TODAY:%-d %B %Y}"
    for number, printed in enumerate(pages, 1):
        assert "Peer Support Training Program" in printed, printed
        assert "Approved hours of Riley Chen" in printed, printed
        assert period in printed, printed
        assert f"Page {number} of {len(pages)}" in printed, printed
    assert "Show this period" not in text and "Back to my hours" not in text


def _without_a_supervisor(chromium, base: str, check) -> None:  # type: ignore[no-untyped-def]
    make_user("trainee", name="Alex Alone", email="alex@example.org")
    for name, viewport in WIDTHS.items():
        page = signed_in_page(chromium, base, "alex@example.org", viewport)
        page.goto(base + "/hours/new")
        expect(page.locator("main")).to_contain_text("Please ask Morgan Lead")
        expect(page.locator("#notes")).to_have_count(0)
        check(page, f"hours-no-supervisor-{name}")
