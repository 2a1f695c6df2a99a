"""The supervisor's day in a real browser, at a laptop's and a phone's width: the sign-off
queue grouped by trainee (select all without JavaScript, a missed attestation and a missing
return comment shown where they are, with the ticks kept), approving, "My trainees", the
history of sign-offs, undoing an approval after its confirmation, and the empty queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, signed_in_page
from tests.helpers import assign, make_entry, make_user

pytestmark = pytest.mark.browser


def _waiting_entries(people, dana) -> None:  # type: ignore[no-untyped-def]
    sam, riley = people["supervisor"], people["trainee"]
    make_entry(
        riley,
        sam,
        "submitted",
        kind="supervised_practice",
        direct_service=True,
        domains=["advocacy", "recovery_wellness"],
        notes="Drop-in shift; recovery planning with A.B.",
    )
    make_entry(riley, sam, "submitted", notes="Supervision on a boundary question.")
    make_entry(dana, sam, "submitted", notes="Group supervision on self-care.")


def test_the_supervisors_pages(site, chromium, check):
    base, people = site["url"], site["people"]
    dana = make_user("trainee", name="Dana Okafor", email="dana@example.org")
    assign(dana, people["supervisor"])
    for name, viewport in WIDTHS.items():
        _waiting_entries(people, dana)
        page = signed_in_page(chromium, base, "sam@example.org", viewport)
        page.goto(base + "/supervise/")
        boxes = page.locator("input[name=entry]")
        expect(boxes).to_have_count(3)
        expect(page.locator(".queue-trainee h3")).to_have_count(2)
        expect(page.locator("main")).to_contain_text("Advocacy, Recovery/Wellness Support")
        check(page, f"queue-{name}")

        # Select all (a submit button: no JavaScript), then approve without attesting.
        page.get_by_role("button", name="Select all").click()
        for box in boxes.all():
            expect(box).to_be_checked()
        page.get_by_role("button", name="Approve the ticked entries").click()
        expect(page.locator("#attest-error")).to_contain_text("tick the box to attest")
        for box in boxes.all():
            expect(box).to_be_checked()
        check(page, f"queue-attestation-error-{name}")

        # Returning without a comment: the error is by that entry, the ticks stay.
        first = page.locator("tr.return-row").first
        first.locator("summary").click()
        first.get_by_role("button", name=re.compile("Return to the trainee")).click()
        first = page.locator("tr.return-row").first
        expect(first.locator(".error")).to_contain_text("Write a comment")
        expect(boxes.first).to_be_checked()
        check(page, f"queue-comment-error-{name}")

        page.locator("#attest").check()
        page.get_by_role("button", name="Approve the ticked entries").click()
        expect(page.locator(".flash-success")).to_contain_text("Approved 3 entries")
        expect(page.locator("main")).to_contain_text("Nothing is waiting for your sign-off.")
        expect(page.locator(".just-approved")).to_contain_text("Dana Okafor")
        check(page, f"queue-just-approved-{name}")

        page.get_by_role("navigation", name="Supervision").get_by_role(
            "link", name="My trainees"
        ).click()
        expect(page.locator(".trainee-card")).to_have_count(2)
        check(page, f"trainees-{name}")

        page.get_by_role("link", name="My sign-off history").click()
        expect(page.locator("main")).to_contain_text("newest first")
        check(page, f"history-{name}")
        page.get_by_role("link", name=re.compile("Undo this approval")).first.click()
        expect(page.locator("h1")).to_have_text("Undo your approval?")
        check(page, f"undo-confirm-{name}")
        page.get_by_role("button", name="Undo the approval").click()
        expect(page.locator(".flash-success")).to_contain_text("is undone")

        # The undone entry is back in the queue; returning it empties the queue.
        page.get_by_role("navigation", name="Supervision").get_by_role(
            "link", name="Sign-off queue", exact=True
        ).click()
        back = page.locator("tr.return-row")
        expect(back).to_have_count(1)
        back.locator("summary").click()
        back.get_by_label(re.compile("Comment for")).fill("Please add what you discussed.")
        back.get_by_role("button", name=re.compile("Return to the trainee")).click()
        expect(page.locator(".flash-success")).to_contain_text("Returned to the trainee")
        expect(page.locator(".empty-state")).to_contain_text("email you a summary")
        check(page, f"queue-empty-{name}")
        page.context.close()
