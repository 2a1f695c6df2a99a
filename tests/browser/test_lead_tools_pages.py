"""The program lead's tools in a real browser, on the demo program, at a laptop's width and a
phone's: a new person and what comes next, adding trainees to a cohort by ticking them and from
a file, a person's hours totalled and paged, the audit log filtered by a name and naming whose
records its events are about, and the pages that confirm issuing, revoking and voiding. Every
page passes axe-core and the keyboard walk and fits the screen (screenshots in
test-artifacts/browser/)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import WIDTHS
from tests.browser.test_dashboard_pages import lead_page
from tests.helpers import make_entry
from training.extensions import db
from training.models import User

pytestmark = pytest.mark.browser

#: long enough to push a phone screen sideways if it did not wrap
LONG = "ana.ruiz.with.a.rather.long.address.{}@recoverycommunityexample.org"


def _person_id(app, email: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_a_new_trainee_is_invited_and_added_to_a_cohort(demo_site, chromium, check, tmp_path):
    base = demo_site["url"]
    for name, viewport in WIDTHS.items():
        page = lead_page(chromium, base, viewport)
        email = LONG.format(name)
        page.goto(base + "/lead/people/new")
        page.get_by_label("Full name").fill(f"Ana Ruiz {name}")
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Create account and invite").click()
        main = page.locator("main")
        expect(main.get_by_role("heading", name="What comes next")).to_be_visible()
        expect(main.get_by_role("link", name=f"Add Ana Ruiz {name} to a cohort")).to_be_visible()
        expect(main.get_by_role("link", name="Assign a supervisor")).to_be_visible()
        check(page, f"invited-next-steps-{name}")

        # tick her among the trainees without a cohort on the cohort's page
        page.goto(base + "/lead/cohorts")
        page.get_by_role("link", name="Spring 2026").first.click()
        page.get_by_label("Trainees without a cohort: name or email").fill("ana ruiz")
        page.get_by_role("button", name="Find").click()
        box = page.get_by_role("checkbox", name=re.compile(f"Ana Ruiz {name}"))
        expect(box).to_be_visible()
        box.check()
        check(page, f"cohort-add-by-ticking-{name}")
        page.get_by_role("button", name="Add to the cohort").click()
        expect(page.locator(".flash-success")).to_contain_text("Added 1 trainee to Spring 2026.")
        assert "find=ana" in page.url  # back on the page she was added from

        # a file of addresses: one added, one refused with why, before anything changes
        other = f"ana-file-{name}@example.org"
        page.goto(base + "/lead/people/new")
        page.get_by_label("Full name").fill(f"Bo File {name}")
        page.get_by_label("Email").fill(other)
        page.get_by_role("button", name="Create account and invite").click()
        page.goto(base + "/lead/cohorts")
        page.get_by_role("link", name="Spring 2026").first.click()
        listing = tmp_path / f"{name}.csv"
        listing.write_text(f"email\n{other}\n{email}\nnobody-{name}@example.org\n")
        page.get_by_label("CSV file of email addresses").set_input_files(listing)
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#row-2")).to_contain_text("Will be added")
        expect(page.locator("#row-3")).to_contain_text("already in this cohort")
        expect(page.locator("#row-4")).to_contain_text("Nobody has an account")
        check(page, f"cohort-file-preview-{name}")
        page.get_by_role("button", name="Add 1 trainee to Spring 2026").click()
        expect(page.locator(".flash-success")).to_contain_text("Added 1 trainee")

        # inviting from a file: a long address wraps on the preview and on the page of who
        # was invited instead of overflowing; the browser sends the previewed copy back
        # (with CRLF line breaks) and exactly its good row is invited
        people = tmp_path / f"people-{name}.csv"
        people.write_text(
            "name,email,role\n"
            f"Cam Long {name},{LONG.format('x' + name)},trainee\n"
            f"Dee Long {name},{LONG.format('y' + name)},trainee\n"
            f"Eve Bad {name},{LONG.format('z' + name)},boss\n"
        )
        page.goto(base + "/lead/people/import")
        page.get_by_label("CSV file").set_input_files(people)
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#row-2")).to_contain_text("Will be invited")
        expect(page.locator("#row-4")).to_contain_text("Unknown role")
        check(page, f"people-import-preview-{name}")
        page.get_by_role("button", name=re.compile("Create the 2 accounts")).click()
        expect(main.get_by_role("heading", name="2 people invited")).to_be_visible()
        expect(main).to_contain_text(LONG.format("y" + name))
        expect(page.locator("#row-4")).to_contain_text("Unknown role")
        check(page, f"people-import-invited-{name}")
        page.context.close()


def test_the_leads_records_and_confirmations(demo_site, chromium, check):
    base, app = demo_site["url"], demo_site["app"]
    jordan = _person_id(app, "jordan@example.org")
    riley = _person_id(app, "riley@example.org")
    with app.app_context():
        trainee, sam = (
            db.session.scalar(select(User).where(User.email == email))
            for email in ("jordan@example.org", "supervisor@example.org")
        )
        for n in range(30):  # enough for a second page
            make_entry(trainee, sam, "approved", day=date(2025, 1, 1) + timedelta(days=n))
    for name, viewport in WIDTHS.items():
        page = lead_page(chromium, base, viewport)
        main = page.locator("main")

        page.goto(base + "/lead/audit")
        page.get_by_label("Person (name or email)").fill("jordan")
        page.get_by_role("button", name="Filter").click()
        expect(main.get_by_role("link", name="Jordan Lee's hours entry").first).to_be_visible()
        check(page, f"audit-by-name-{name}")

        page.goto(f"{base}/lead/people/{jordan}")
        totals = main.get_by_role("table", name="Jordan Lee's hours by kind and status")
        expect(totals).to_contain_text("All kinds")
        main.get_by_role("link", name="Next page").click()
        expect(main).to_contain_text("Page 2 of 2")
        check(page, f"person-hours-page-two-{name}")
        main.get_by_role("link", name=re.compile("Void the sign-off")).first.click()
        expect(main.get_by_role("heading", name="Void the sign-off of Jordan Lee's hours?"))
        main.get_by_role("button", name="Void the sign-off").click()
        expect(main.locator("#reason-error")).to_be_visible()  # no reason: said beside the box
        check(page, f"void-confirm-{name}")

        page.goto(f"{base}/lead/people/{riley}")
        main.get_by_role("link", name="Issue the certificate…").click()
        expect(main.get_by_role("heading", name="Issue a certificate to Riley Chen?"))
        check(page, f"issue-confirm-{name}")
        main.get_by_role("link", name="Cancel").click()
        assert page.url.endswith(f"/lead/people/{riley}")

        page.goto(base + "/lead/certificates?status=valid")
        card = main.locator(".card").filter(has_text="Taylor Brooks")
        check(page, f"certificates-register-{name}")
        card.get_by_role("link", name=re.compile("^Re-issue")).click()
        expect(main.get_by_label("Name as it should be printed")).to_have_value("Taylor Brooks")
        check(page, f"reissue-confirm-{name}")
        main.get_by_role("link", name="Cancel").click()
        assert "/lead/certificates?status=valid#certificate-" in page.url  # back at the card
        card.get_by_role("link", name=re.compile("^Revoke")).click()
        expect(main).to_contain_text("It cannot be undone.")
        check(page, f"revoke-confirm-{name}")
        page.context.close()
