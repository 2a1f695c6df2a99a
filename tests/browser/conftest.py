"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Playwright through
Debian's Chromium. Every page visited is checked with axe-core and kept as a screenshot in
test-artifacts/browser/. Pages are shown at a 375-pixel-wide viewport, the narrowest phones.

The pages run under the app's real Content-Security-Policy (no ``bypass_csp``): axe-core is run
through the DevTools protocol, which the policy does not govern, and every test that checks
pages fails on any CSP violation Chromium reports in any page of the browser."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import make_server

from tests.helpers import app_with_database, assign, make_user, write_course, write_track

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
#: the widths every page is walked at: a laptop and the narrowest phone
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@contextmanager
def served(app: WSGIApplication) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 in a thread; yields its address."""
    server = make_server("127.0.0.1", 0, read_to_the_end(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def read_to_the_end(app: WSGIApplication) -> WSGIApplication:
    """``app`` with every answer read whole and closed before the server sends it.

    When a browser drops a connection half-way (Chromium does, leaving a page while a
    stylesheet is still loading), Werkzeug's development server can fail while draining the
    socket and never close the answer. An open static file then surfaces later as a
    ResourceWarning in whichever test is running, and the suite turns warnings into errors.
    """

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture
def site(tmp_path):
    """The app with a small course and track, its people, served on a free port."""
    content = tmp_path / "content"
    write_course(content)
    write_track(content)
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/site.db"
    with app_with_database(SQLALCHEMY_DATABASE_URI=database, CONTENT_PATH=str(content)) as app:
        people = {
            "lead": make_user("lead", name="Morgan Lead", email="lead@example.org"),
            "supervisor": make_user(
                "supervisor",
                name="Sam Supervisor",
                email="sam@example.org",
                credential="CPRS 12345",
            ),
            "trainee": make_user("trainee", name="Riley Chen", email="riley@example.org"),
        }
        assign(people["trainee"], people["supervisor"])
        with served(app) as url:
            yield {"url": url, "people": people, "app": app}


@pytest.fixture
def demo_site(tmp_path):
    """The shipped content and the full demo program, served on a free port."""
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/demo.db"
    with app_with_database(SQLALCHEMY_DATABASE_URI=database) as app:
        with app.app_context():
            from training.demo import load_demo

            load_demo()
        with served(app) as url:
            yield {"url": url, "app": app}


#: what Chromium reported as blocked by a Content-Security-Policy, in any page (see ``check``)
CSP_VIOLATIONS: list[str] = []


class WatchedBrowser:
    """The browser, with every context and page it opens reporting CSP violations."""

    def __init__(self, browser) -> None:  # type: ignore[no-untyped-def]
        self._browser = browser

    @staticmethod
    def _watch(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            where = message.page.url if message.page else "?"
            CSP_VIOLATIONS.append(f"{where}: {message.text}")

    def new_context(self, **options):  # type: ignore[no-untyped-def]
        context = self._browser.new_context(**options)
        context.on("console", self._watch)
        return context

    def new_page(self, **options):  # type: ignore[no-untyped-def]
        page = self._browser.new_page(**options)
        page.on("console", self._watch)
        return page

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        browser.close()


class Checker:
    """Runs axe-core on a page, checks it fits a phone screen, and keeps a screenshot."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.step = 0
        self.problems: list[str] = []

    def __call__(self, page, label: str) -> None:  # type: ignore[no-untyped-def]
        self.step += 1
        page.wait_for_load_state("load")
        page.screenshot(path=str(self.folder / f"{self.step:02d}-{label}.png"), full_page=True)
        # Not a <script> tag: the site's CSP rightly blocks inline script.
        page.evaluate(AXE.read_text())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"]][:3]
                self.problems.append(
                    f"{label} ({page.url}): {violation['id']}: {violation['help']} {targets}"
                )
        self.keyboard(page, label)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            self.problems.append(f"{label} ({page.url}): {overflow}px wider than a 375px screen")

    def keyboard(self, page, label: str) -> None:  # type: ignore[no-untyped-def]
        """Tab through the page: the skip link comes first and every visible control is reached."""
        count = page.evaluate(KEYBOARD_SETUP)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate("window.scrollTo(0, 0)")
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement && document.activeElement.className")
        page.evaluate(
            "document.activeElement && document.activeElement.setAttribute('data-kb-first', '1')"
        )
        # A #fragment moves where Tab starts, as browsers do; elsewhere the skip link is first.
        if "#" not in page.url and "skip-link" not in (first or ""):
            self.problems.append(
                f"{label} ({page.url}): the first Tab does not reach the skip link"
            )
        # Tab until focus comes back round (date inputs take several stops each).
        for _ in range(count * 4 + 10):
            page.evaluate(MARK_FOCUSED)
            page.keyboard.press("Tab")
            if page.evaluate(
                "!!document.activeElement && document.activeElement.hasAttribute('data-kb-first')"
            ):
                break
        missed = page.evaluate(KEYBOARD_MISSED)
        if missed:
            self.problems.append(f"{label} ({page.url}): not reachable with Tab: {missed[:5]}")


MARK_FOCUSED = (
    "document.activeElement && document.activeElement.setAttribute('data-kb-reached', '1')"
)
KEYBOARD_SETUP = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
                 + '[tabindex]:not([tabindex="-1"])';
  const controls = [...document.querySelectorAll(selector)]
    .filter(el => el.checkVisibility({visibilityProperty: true}) && !el.disabled);
  controls.forEach(el => el.setAttribute('data-kb-control', '1'));
  return controls.length;
}"""
KEYBOARD_MISSED = """() => [...document.querySelectorAll('[data-kb-control]')]
  .filter(el => !el.hasAttribute('data-kb-reached'))
  .filter(el => !(el.type === 'radio' && !el.checked &&
                  document.querySelector(`input[type=radio][name="${el.name}"][data-kb-reached]`)))
  .map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def check(request):
    checker = Checker(request.node.name)
    CSP_VIOLATIONS.clear()
    yield checker
    checker.problems += [f"CSP violation: {v}" for v in CSP_VIOLATIONS]
    assert not checker.problems, "\n".join(checker.problems)


def signed_in_page(chromium, base: str, email: str, viewport: dict):  # type: ignore[no-untyped-def]
    """A new page in a context of its own at ``viewport``, signed in as ``email``."""
    from playwright.sync_api import expect

    from tests.helpers import PASSWORD

    page = chromium.new_context(viewport=viewport, accept_downloads=True).new_page()
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    return page
