"""What every page shares, as each role sees it on a laptop and on a 375-pixel phone: the menu
fits in two rows, everything a finger taps is at least 44 px tall, checkboxes sit beside their
labels, the three kinds of button look different, the certificate check is not all bold, and a
quiz says "Select all that apply." once per question. Every page passes ``check``."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from certificates.codes import new_code
from tests.browser.conftest import PHONE, WIDTHS, signed_in_page
from tests.browser.test_journeys import answer_quiz
from tests.helpers import in_app, make_entry

pytestmark = pytest.mark.browser

TAP = 44

#: everything a finger taps: the header's links and buttons; in the page, buttons, disclosures,
#: checkboxes and radio buttons (or their labels), pager links and the links in tables
TOO_SMALL = """() => {
  const shown = el => el.checkVisibility({visibilityProperty: true});
  const height = el => el.getBoundingClientRect().height;
  const targets = document.querySelectorAll(
    'header a, header button, header summary, main button, main .button, main summary, '
    + 'main .pager a, main td a, main th a, main input[type=checkbox], main input[type=radio]');
  return [...targets].filter(shown).filter(el => {
    const label = el.labels && el.labels[0];
    const tall = Math.max(height(el), label && shown(label) ? height(label) : 0);
    return tall < TAP - 0.5;
  }).map(el => `${el.outerHTML.slice(0, 90)}: ${height(el)}px`);
}""".replace("TAP", str(TAP))

#: checkboxes and radio buttons whose label does not start on the same line, beside them
NOT_BESIDE = """() => [...document.querySelectorAll('main input:is([type=checkbox], [type=radio])')]
  .filter(el => el.checkVisibility() && el.labels && el.labels[0]
                && el.labels[0].getBoundingClientRect().height > 2)
  .filter(el => {
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el.labels[0]);
    const line = [...range.getClientRects()].find(r => r.width > 0);
    const centre = r => r.top + r.height / 2;
    return Math.abs(centre(box) - centre(line)) > 10 || line.left < box.right;
  })
  .map(el => el.outerHTML.slice(0, 90))"""

#: the rows the menu's items take: the distinct tops of its visible items
MENU_ROWS = """() => {
  const items = [...document.querySelectorAll('.site-nav > ul > li')]
    .filter(li => li.checkVisibility());
  return {
    rows: new Set(items.map(li => Math.round(li.getBoundingClientRect().top))).size,
    height: document.querySelector('.site-nav').getBoundingClientRect().height,
    line: Math.max(...items.map(li => li.getBoundingClientRect().height)),
  };
}"""

#: for each role, a page with its forms and a link that sits under "More"
PAGES = {
    "trainee": ("riley@example.org", "/hours/new", "Outside training"),
    "supervisor": ("sam@example.org", "/hours/{entry}", "Training events"),
    "lead": ("lead@example.org", "/lead/people/{trainee}", "Audit log"),
}


@pytest.mark.parametrize("role", PAGES)
def test_each_roles_menu_and_pages_fit_a_phone(site, chromium, check, role):
    base, people = site["url"], site["people"]
    # hours waiting for the supervisor: the entry's page has the attestation box and buttons
    entry = make_entry(people["trainee"], people["supervisor"], status="submitted")
    for _ in range(12):  # a two-digit count beside "My hours": the widest trainee's menu
        make_entry(people["trainee"], people["supervisor"], status="returned")
    email, path, tucked_away = PAGES[role]
    path = path.format(trainee=people["trainee"].id, entry=entry.id)
    for name, viewport in WIDTHS.items():
        page = signed_in_page(chromium, base, email, viewport)
        page.goto(base + path)
        menu = page.evaluate(MENU_ROWS)
        assert menu["rows"] <= 2 and menu["height"] <= 2 * menu["line"] + 4, (role, name, menu)
        assert page.evaluate(NOT_BESIDE) == [], (role, name)
        if viewport == PHONE:
            assert page.evaluate(TOO_SMALL) == [], role
        check(page, f"{role}-{path.strip('/').split('/')[0]}-{name}")
        # The rest of the menu is one tap away, and says which page is open.
        nav = page.get_by_role("navigation", name="Main")
        more, link = nav.locator("summary"), nav.get_by_role("link", name=tucked_away, exact=True)
        expect(link).to_be_hidden()
        more.click()
        link.click()
        expect(more).to_have_class(re.compile("has-current"))
        expect(link).to_be_hidden()
        more.click()
        expect(link).to_have_attribute("aria-current", "page")
        expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
        # (a same-page link, so Tab starts from there rather than from the menu's button)
        page.goto(page.url + "#main-content")
        check(page, f"{role}-menu-open-{name}")


def test_the_leads_menu_has_quiz_statistics_next_to_cohorts(site, chromium):
    page = signed_in_page(chromium, site["url"], "lead@example.org", PHONE)
    names = page.locator(".site-nav > ul > li > a").all_inner_texts()
    assert names[names.index("Cohorts") + 1] == "Quiz statistics"
    page.get_by_role("link", name="Quiz statistics").click()
    expect(page.get_by_role("link", name="Quiz statistics")).to_have_attribute(
        "aria-current", "page"
    )


BUTTON_LOOKS = """() => {
  const main = document.querySelector('main');
  const looks = {};
  for (const kind of ['', 'button-secondary', 'button-danger']) {
    for (const tag of ['button', 'a']) {
      const el = document.createElement(tag);
      el.className = ('button ' + kind).trim();
      el.textContent = 'Try';
      main.append(el);
      const style = getComputedStyle(el);
      looks[`${tag}.${kind || 'primary'}`] =
        [style.backgroundColor, style.color, style.borderTopColor];
      el.remove();
    }
  }
  return looks;
}"""


def test_primary_secondary_and_danger_buttons_look_different(site, chromium):
    page = signed_in_page(chromium, site["url"], "riley@example.org", PHONE)
    looks = page.evaluate(BUTTON_LOOKS)
    for kind in ("primary", "button-secondary", "button-danger"):
        # a <button> looks like a link styled as a button: the modifier always wins
        assert looks[f"button.{kind}"] == looks[f"a.{kind}"], kind
    kinds = ("primary", "button-secondary", "button-danger")
    backgrounds = {looks[f"button.{kind}"][0] for kind in kinds}
    assert len(backgrounds) == 3, looks
    assert looks["button.button-secondary"][0] == "rgb(255, 255, 255)"


def test_the_certificate_check_is_not_all_bold(site, chromium, check):
    for name, viewport in WIDTHS.items():
        page = chromium.new_context(viewport=viewport).new_page()
        page.goto(site["url"] + "/verify?code=" + new_code())  # well formed, issued to nobody
        answer = page.locator(".verification")
        expect(answer).to_contain_text("No certificate has this code")
        plain = answer.locator("p", has_text="Please check the code")
        assert int(plain.evaluate("p => getComputedStyle(p).fontWeight")) < 600
        check(page, f"verify-{name}")


def test_a_quiz_says_select_all_that_apply_once_and_marks_right_answers(
    site, chromium, check, tmp_path
):
    from training.content import ContentStore

    # the shipped quizzes end their multiple-answer prompts with the instruction themselves
    quiz = tmp_path / "content" / "courses" / "basics" / "quiz.toml"
    quiz.write_text(
        quiz.read_text().replace('"Pick a and c."', '"Pick a and c. Select all that apply."')
    )
    site["app"].extensions["content"] = ContentStore(tmp_path / "content")
    with in_app():
        from training.content import library

        course = library().course("basics")
    base = site["url"]
    laptop, phone = (
        signed_in_page(chromium, base, "riley@example.org", WIDTHS[name])
        for name in ("desktop", "phone")
    )
    laptop.goto(base + "/learn/basics/quiz")
    laptop.get_by_role("button", name="Start the quiz").click()
    for name, page in (("desktop", laptop), ("phone", phone)):
        page.goto(laptop.url)
        questions = page.locator("fieldset.question")
        expect(questions).to_have_count(3)
        for question in questions.all():
            words = question.inner_text()
            many = question.locator("input[type=checkbox]").count() > 0
            assert words.count("Select all that apply") == (1 if many else 0), words
        assert page.evaluate(NOT_BESIDE) == [], name
        check(page, f"quiz-attempt-{name}")
    assert phone.evaluate(TOO_SMALL) == []

    # A pass shows the full review: each question marked as a tinted label, not an empty box.
    answer_quiz(phone, course)
    phone.get_by_role("button", name="Submit my answers").click()
    verdicts = phone.locator(".review .verdict")
    expect(verdicts).to_have_count(3)
    expect(verdicts.first).to_have_text("✓ Right")
    background, border = verdicts.first.evaluate(
        "v => [getComputedStyle(v).backgroundColor, getComputedStyle(v).borderTopStyle]"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") and border == "none"
    check(phone, "quiz-review-phone")
    laptop.goto(phone.url)
    check(laptop, "quiz-review-desktop")
