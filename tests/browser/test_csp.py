"""The Content-Security-Policy in a real browser: the site's own pages work under it (the journeys
check every page they visit for violations), what it forbids is really blocked, and the
violation watch the page checks rely on does catch violations."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CSP_VIOLATIONS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def test_the_violation_watch_catches_inline_script_and_style(site, chromium):
    """An app page that broke the policy would fail the page checks (``check``)."""
    base = site["url"]
    page = chromium.new_context(viewport=PHONE).new_page()
    page.goto(base + "/login")  # the site's real policy comes with the answer
    policy = page.evaluate(
        "() => fetch('/login').then(r => r.headers.get('content-security-policy'))"
    )
    page.route(
        "**/inline-probe",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body='<p style="color: red">x</p><script>document.title = "ran"</script>',
        ),
    )
    CSP_VIOLATIONS.clear()
    page.goto(base + "/inline-probe")
    assert page.title() != "ran"  # the inline script was blocked
    found = "\n".join(CSP_VIOLATIONS)
    assert "inline script" in found and "inline style" in found
    CSP_VIOLATIONS.clear()


def test_no_other_site_can_show_ours_in_a_frame(site, chromium, check):
    base = site["url"]
    page = chromium.new_context(viewport=PHONE).new_page()
    response = page.goto(base + "/login")
    assert response.headers["x-frame-options"] == "DENY"
    # our own stylesheet loads under the policy: the page is laid out by style.css
    assert page.evaluate("() => [...document.styleSheets].some(s => s.href.endsWith('style.css'))")
    check(page, "login")
    CSP_VIOLATIONS.clear()
    page.set_content(f'<iframe src="{base}/login" title="framed"></iframe>')
    frame = page.frames[-1]
    frame.wait_for_load_state()
    assert frame.evaluate("() => document.querySelector('#email')") is None
    assert any("frame-ancestors" in v for v in CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()  # expected here: not a problem of the page checks
