"""The whole journey, as the people who use the platform take it, in a real browser.

A trainee reads the modules and passes the quiz, logs hours and submits them; the supervisor
returns one and approves the other; the trainee corrects and resubmits; the supervisor approves;
the lead issues the certificate; the trainee downloads the PDF; a visitor without an account
verifies it; the lead revokes it; the visitor sees it revoked.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def sign_in_with_keyboard(page, base: str, email: str) -> None:
    """Sign in without the mouse: Tab to each field, type, Enter."""
    page.goto(base + "/login")
    page.keyboard.press("Tab")  # the skip link comes first
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def answer_quiz(page, course) -> None:  # type: ignore[no-untyped-def]
    """Choose the right answers from the course's own key, by the words on each option (read
    out after its label: "Option B: …"; true/false options are their own labels)."""
    for fieldset in page.locator("fieldset.question").all():
        legend = fieldset.locator("legend").inner_text()
        question = next(q for q in course.quiz.questions if q.prompt in legend)
        for option in question.options:
            if option.id in question.answer:
                name = re.compile(rf"^(Option [A-Z]: )?{re.escape(option.text)}$")
                fieldset.get_by_label(name).check()


def log_hours(page, base: str, days_ago: int, hours: str, kind: str, notes: str) -> None:
    page.goto(base + "/hours/new")
    page.fill("#day", (date.today() - timedelta(days=days_ago)).isoformat())
    page.select_option("#hours", hours)
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Video", exact=True).check()
    page.get_by_label("Ethical Responsibility", exact=True).check()
    page.fill("#notes", notes)
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved as a draft")


def test_from_first_module_to_revoked_certificate(site, chromium, check):
    base = site["url"]
    with site["app"].app_context():
        from training.content import library

        course = library().course("basics")

    trainee = chromium.new_context(
        viewport={"width": 375, "height": 812}, accept_downloads=True
    ).new_page()
    sign_in_with_keyboard(trainee, base, "riley@example.org")
    check(trainee, "trainee-home")

    # Read every module and mark it complete, then pass the quiz.
    trainee.get_by_role("link", name=re.compile("Start")).first.click()
    check(trainee, "course")
    trainee.get_by_role("link", name=re.compile("Start with")).click()
    for number, module in enumerate(course.modules, 1):
        expect(trainee.locator("h1")).to_have_text(module.title)
        check(trainee, f"module-{number}")
        trainee.get_by_role("button", name="Mark as complete").click()
    trainee.goto(base + "/learn/basics/quiz")
    check(trainee, "quiz-start")
    trainee.get_by_role("button", name="Start the quiz").click()
    check(trainee, "quiz-attempt")
    answer_quiz(trainee, course)
    trainee.get_by_role("button", name="Submit my answers").click()
    expect(trainee.locator(".score")).to_contain_text("You passed")
    check(trainee, "quiz-passed")

    # Log two entries and submit them.
    trainee.goto(base + "/hours/")
    check(trainee, "hours-empty")
    log_hours(
        trainee, base, 3, "2", "Supervised practice", "Drop-in shift; recovery planning with A.B."
    )
    log_hours(trainee, base, 2, "1", "Group supervision", "Group supervision on boundaries.")
    check(trainee, "hours-drafts")
    for box in trainee.locator("input[name=entry]").all():
        box.check()
    trainee.get_by_role("button", name="Submit the ticked entries for sign-off").click()
    expect(trainee.locator(".flash-success")).to_contain_text("Submitted 2 entries")

    # The supervisor returns the supervision entry and approves the practice entry.
    supervisor = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in_with_keyboard(supervisor, base, "sam@example.org")
    expect(supervisor.get_by_role("navigation", name="Main")).to_contain_text("Sign-off queue 2")
    check(supervisor, "queue")
    supervisor.locator("tr", has_text="Group supervision").get_by_role("link").first.click()
    check(supervisor, "entry-detail")
    supervisor.fill("#comment", "Please say which domains the group covered.")
    supervisor.get_by_role("button", name="Return to the trainee").click()
    supervisor.locator("tr", has_text="Supervised practice").locator("input[name=entry]").check()
    supervisor.get_by_label("I attest that these hours took place as described.").check()
    supervisor.get_by_role("button", name="Approve the ticked entries").click()
    expect(supervisor.locator(".flash-success")).to_contain_text("Approved 1 entry")

    # The trainee corrects and resubmits; the supervisor approves.
    trainee.goto(base + "/hours/")
    expect(trainee.locator("main")).to_contain_text("Please say which domains the group covered.")
    check(trainee, "hours-returned")
    trainee.locator("main").get_by_role("link", name=re.compile("^Edit")).click()
    trainee.get_by_label("Advocacy", exact=True).check()
    trainee.get_by_role("button", name="Save as draft").click()
    trainee.locator("input[name=entry]").check()
    trainee.get_by_role("button", name="Submit the ticked entries for sign-off").click()
    supervisor.goto(base + "/supervise/")
    supervisor.locator("input[name=entry]").check()
    supervisor.get_by_label("I attest that these hours took place as described.").check()
    supervisor.get_by_role("button", name="Approve the ticked entries").click()
    expect(supervisor.locator("main")).to_contain_text("Nothing is waiting")
    trainee.goto(base + "/hours/")
    expect(trainee.locator("main")).to_contain_text("Approved (2)")
    check(trainee, "hours-approved")

    # The trainee signs the code of ethics on its own page, typing their name, and is eligible.
    trainee.goto(base + "/certificate/")
    check(trainee, "certificate-checklist")
    trainee.get_by_role("link", name="Code of ethics", exact=True).click()
    check(trainee, "code-of-ethics")
    trainee.get_by_label("I have read this code of ethics and agree to follow it.").check()
    trainee.get_by_label("Your full name, as your signature").fill("Riley Chen")
    trainee.get_by_role("button", name="Sign", exact=True).click()
    expect(trainee.locator(".flash-success")).to_contain_text("You signed the code of ethics")
    trainee.goto(base + "/certificate/")
    expect(trainee.locator("main")).to_contain_text("You meet every requirement")

    # The lead issues the certificate.
    lead = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in_with_keyboard(lead, base, "lead@example.org")
    check(lead, "people")
    lead.get_by_role("link", name="Riley Chen").click()
    check(lead, "trainee-page")
    lead.get_by_role("link", name="Issue the certificate…").click()  # first, what will happen
    lead.get_by_role("button", name="Issue the certificate").click()
    expect(lead.locator(".flash-success")).to_contain_text("Issued certificate")
    code = re.search(
        r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", lead.locator(".flash-success").inner_text()
    ).group(0)
    check(lead, "issued")

    # The trainee downloads the PDF.
    trainee.goto(base + "/certificate/")
    check(trainee, "certificate")
    with trainee.expect_download() as download:
        trainee.get_by_role("link", name=re.compile("Download PDF")).click()
    assert download.value.suggested_filename == f"certificate-{code}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # A visitor without an account verifies it by typing the code.
    visitor = chromium.new_context(viewport={"width": 375, "height": 812}).new_page()
    visitor.goto(base + "/verify")
    check(visitor, "verify-form")
    visitor.fill("#code", code.lower())
    visitor.get_by_role("button", name="Check this certificate").click()
    expect(visitor.locator(".verification")).to_contain_text(
        "This training certificate is genuine and valid."
    )
    check(visitor, "verify-valid")

    # The lead revokes it; the visitor sees it revoked.
    lead.get_by_role("link", name=re.compile("^Revoke")).click()  # the page that asks first
    lead.select_option("select[name=category]", "misconduct")
    lead.fill("textarea[name=reason]", "Confirmed boundary violation.")
    lead.get_by_role("button", name="Revoke the certificate").click()
    expect(lead.locator(".flash-success")).to_contain_text("is revoked")
    visitor.reload()
    expect(visitor.locator(".verification")).to_contain_text("was revoked on")
    expect(visitor.locator("main")).not_to_contain_text("Confirmed boundary violation")
    check(visitor, "verify-revoked")


def test_the_page_checks_catch_real_problems(chromium, request):
    """The checker itself can fail: axe-core's serious findings and a page wider than a phone."""
    from tests.browser.conftest import Checker

    page = chromium.new_page(viewport={"width": 375, "height": 812})
    page.set_content(
        '<html><body><img src="x.png"><input type="text">'
        '<a href="/hidden" tabindex="-1">unreachable</a>'
        '<div style="width:900px">wide</div></body></html>'
    )
    checker = Checker(request.node.name)
    checker(page, "broken")
    found = "\n".join(checker.problems)
    assert "image-alt" in found and "label" in found and "wider than a 375px screen" in found
    assert (
        "does not reach the skip link" in found
        and 'not reachable with Tab: [\'<a href="/hidden"' in found
    )


def sign_in_as(context, base: str, email: str, password: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_every_lead_page_on_the_demo_program(demo_site, chromium, check):
    """Every page of the lead console, filled with the demo program, passes the checks; and the
    lead's work there (sorting, the register, the audit log, a reset link) works."""
    base = demo_site["url"]
    lead = sign_in_as(
        chromium.new_context(viewport={"width": 375, "height": 812}),
        base,
        "lead@example.org",
        "demo-lead-password",
    )
    for path, label in [
        ("/lead/people", "people"),
        ("/lead/people/new", "new-person"),
        ("/lead/cohorts", "cohorts"),
        ("/lead/quizzes", "quiz-statistics"),
        ("/lead/certificates", "register"),
        ("/lead/certificates?status=expiring", "register-expiring"),
        ("/lead/audit", "audit-log"),
        ("/lead/mail", "mail-console"),
        ("/lead/people/import", "people-import"),
        ("/account/notifications", "notifications"),
        ("/verify", "verify"),
        ("/learn/glossary", "glossary"),
        ("/learn/crisis-and-safety/guide/facilitator", "facilitator-guide"),
        ("/learn/crisis-and-safety/recognising-suicide-risk-and-asking", "module-with-terms"),
    ]:
        lead.goto(base + path)
        check(lead, label)
    lead.goto(base + "/lead/cohorts")
    lead.get_by_role("link", name="Spring 2026").click()
    expect(lead.locator("main")).to_contain_text("Riley Chen")
    check(lead, "cohort-dashboard")
    lead.get_by_role("link", name=re.compile("Supervised practice h")).click()
    check(lead, "cohort-sorted")
    expect(lead.locator("main")).to_contain_text("Jamie Ortiz")
    lead.goto(base + "/lead/certificates?status=revoked")
    expect(lead.locator("main")).to_contain_text("Casey Nguyen")
    lead.goto(base + "/lead/people")
    lead.get_by_role("link", name="Jordan Lee").click()
    check(lead, "person-mid-way")
    lead.get_by_role("button", name="Make a password reset link").click()
    expect(lead.locator("main")).to_contain_text("/reset/")
    check(lead, "reset-link")

    for email, password, pages in [
        (
            "jamie@example.org",
            "demo-trainee-password",
            ["/learn/", "/certificate/", "/hours/", "/hours/summary"],
        ),
        (
            "supervisor@example.org",
            "demo-supervisor-password",
            ["/supervise/", "/learn/empathy/what-empathy-is"],
        ),
    ]:
        page = sign_in_as(
            chromium.new_context(viewport={"width": 375, "height": 812}), base, email, password
        )
        for path in pages:
            page.goto(base + path)
            check(page, email.split("@")[0] + path.replace("/", "-"))
    expect(page.locator("main")).to_contain_text("What empathy is")
