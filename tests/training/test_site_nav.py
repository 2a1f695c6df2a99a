"""The site's menu as each role sees it: the everyday pages as links, the rest under "More"
(a disclosure that works without JavaScript), Sign out always there, the current page marked,
and the counts of what waits. Visitors see how to verify a certificate and sign in."""

from __future__ import annotations

import re

import pytest

from tests.helpers import assign, html_of, make_entry, make_user, sign_in
from training.models import Role

#: for each role: the links always in view, in order, and those under "More"
MENUS = {
    Role.TRAINEE: (
        ["Courses", "Certificate", "My hours", "Training events"],
        ["Outside training", "Password", "Notifications"],
    ),
    Role.SUPERVISOR: (
        ["Sign-off queue", "My trainees", "Evaluations"],
        ["Courses", "Training events", "Sign-off history", "Password", "Notifications"],
    ),
    Role.LEAD: (
        ["People", "Cohorts", "Quiz statistics", "Certificates"],
        ["Audit log", "Training events", "Outside training", "Mail", "Courses", "Password"],
    ),
}


def menu_of(html: str) -> tuple[list[str], list[str], str]:
    """The words of the links in view, of those under "More", and the "More" button."""
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "no main navigation"
    in_view, _, rest = nav.group(1).partition('<li class="nav-more">')
    more, _, after = rest.partition("</details>")
    words = re.compile(r"<a [^>]*>([^<]+)")
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", more, re.S)
    assert summary and "Sign out" in after
    return words.findall(in_view), words.findall(more), summary.group(0)


@pytest.mark.parametrize("role", MENUS)
def test_each_role_sees_its_everyday_pages_and_the_rest_under_more(client, role):
    sign_in(client, make_user(role))
    in_view, more, summary = menu_of(html_of(client.get("/learn/")))
    expected_in_view, expected_more = MENUS[role]
    assert [w.strip() for w in in_view] == expected_in_view
    assert set(expected_more) <= {w.strip() for w in more}
    assert "More" in summary


def test_the_page_open_is_marked_in_view_or_under_more(client):
    sign_in(client, make_user(Role.LEAD))
    html = html_of(client.get("/lead/quizzes"))
    assert '<a href="/lead/quizzes" aria-current="page">Quiz statistics</a>' in html
    assert 'aria-current="page">Cohorts<' not in html
    *_, summary = menu_of(html)
    assert "has-current" not in summary

    html = html_of(client.get("/lead/audit"))
    assert 'aria-current="page">Audit log<' in html
    *_, summary = menu_of(html)
    assert 'class="has-current"' in summary and "including this page" in summary


def test_the_counts_of_what_waits_stay_beside_their_links(client):
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE)
    assign(trainee, supervisor)
    make_entry(trainee, supervisor, status="submitted")
    make_entry(trainee, supervisor, status="returned")
    sign_in(client, trainee)
    assert re.search(
        r">My hours <span class=\"count\">1<span class=\"visually-hidden\"> "
        r"returned to you</span></span></a>",
        html_of(client.get("/learn/")),
    )
    sign_in(client, supervisor)
    assert re.search(
        r">Sign-off queue <span class=\"count\">1<span class=\"visually-hidden\"> "
        r"waiting</span></span></a>",
        html_of(client.get("/learn/")),
    )


def test_visitors_see_verify_and_sign_in(client):
    html = html_of(client.get("/verify"))
    assert '<a href="/verify" aria-current="page">Verify a certificate</a>' in html
    assert ">Sign in</a>" in html and "<details" not in html and "Sign out" not in html
