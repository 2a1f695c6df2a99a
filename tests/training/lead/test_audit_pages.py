"""The audit log a page at a time, however long it is: "Newer" and "Older" links from event to
event (never a page number the database must count up to), the filters kept in the links, a
link that leads nowhere answered with the newest events and a message, and a total counted only
up to 1,000."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import insert

from tests.helpers import html_of, in_app, make_user, sign_in, text_of
from training.extensions import db
from training.models import AuditEvent, Role

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def _events(n: int, subject_type: str = "cohort", ties: int = 3) -> None:
    """``n`` events, every ``ties`` of them at the same moment (the order must not lose any)."""
    with in_app():
        db.session.execute(
            insert(AuditEvent),
            [
                {
                    "at": START + timedelta(minutes=i // ties),
                    "subject_type": subject_type,
                    "subject_id": 1,
                    "action": "created",
                    "comment": f"{subject_type}-{i}",
                }
                for i in range(n)
            ],
        )
        db.session.commit()


def _shown(html: str, prefix: str = "cohort") -> list[str]:
    return re.findall(rf"Created: ({prefix}-\d+)", unescape(html))


def _link(html: str, words: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)">[^<]*{words}', html)
    return unescape(match.group(1)) if match else None


@pytest.fixture
def lead(client):
    sign_in(client, make_user(Role.LEAD))
    return client


def _walk(client, url: str, words: str, prefix: str = "cohort") -> tuple[list[list[str]], str]:
    """Follow the ``words`` links from ``url`` to the end: the events of each page, and the
    last page's address."""
    pages = []
    for _ in range(100):  # a loop in the links would otherwise never end
        html = html_of(client.get(url))
        pages.append(_shown(html, prefix))
        following = _link(html, words)
        if following is None:
            return pages, url
        url = following
    raise AssertionError("the links go round in a circle")


def test_older_and_newer_reach_every_event_exactly_once(lead):
    _events(130)  # 50 + 50 + 30, with ties at every page boundary
    newest_first = [f"cohort-{i}" for i in sorted(range(130), key=lambda i: (i // 3, i))][::-1]
    first_page = lead.get("/lead/audit")
    first = html_of(first_page)
    assert "130 events." in text_of(first_page)
    assert _link(first, "Newer") is None
    pages, last = _walk(lead, "/lead/audit", "Older events")
    assert [len(p) for p in pages] == [50, 50, 30]
    assert [e for p in pages for e in p] == newest_first
    back, _ = _walk(lead, last, "Newer events")
    assert [e for p in back[::-1] for e in p] == newest_first  # the same pages, read the other way
    assert [len(p) for p in back] == [30, 50, 50]


def test_the_links_keep_the_filters(lead):
    _events(60, "cohort")
    _events(60, "certificate")
    url = "/lead/audit?subject=certificate&from=2026-05-01"
    pages, _ = _walk(lead, url, "Older events", prefix="certificate")
    assert [len(p) for p in pages] == [50, 10]
    html = html_of(lead.get(url))
    older = _link(html, "Older events")
    assert "subject=certificate" in older and "from=2026-05-01" in older
    assert not _shown(html_of(lead.get(older)), "cohort")  # still only certificates


@pytest.mark.parametrize(
    "query",
    [
        "older=abc",
        "older=999999",
        "newer=-3",
        "older=99999999999999999999",
        "older=1&newer=2",
        "newer=",
    ],
)
def test_a_link_that_leads_nowhere_shows_the_newest_events_with_a_message(lead, query):
    _events(60)
    response = lead.get(f"/lead/audit?{query}")
    assert response.status_code == 200
    text = text_of(response)
    assert "does not lead anywhere we know, so here are the newest events" in text
    assert _shown(html_of(response))[:2] == ["cohort-59", "cohort-58"]


def test_the_total_is_counted_only_up_to_a_thousand(lead):
    _events(1003)
    assert "1,000+ events." in text_of(lead.get("/lead/audit"))
    assert "0 events." in text_of(lead.get("/lead/audit?subject=user"))  # exact when fewer


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_page_through_the_audit_log(client, role):
    _events(60)
    sign_in(client, make_user(role))
    assert client.get("/lead/audit?older=10").status_code == 403


def _id_of(comment: str) -> int:
    from sqlalchemy import select

    with in_app():
        return db.session.scalar(select(AuditEvent.id).where(AuditEvent.comment == comment))


def test_a_link_past_either_end_shows_that_end_with_a_way_back(lead):
    """ "Older" from the oldest event (a link kept from before, or typed) is the oldest page,
    with "Newer" back; "Newer" from the newest is the newest page: never a dead end."""
    _events(60)
    oldest = html_of(lead.get(f"/lead/audit?subject=cohort&older={_id_of('cohort-0')}"))
    assert _shown(oldest)[-2:] == ["cohort-1", "cohort-0"] and len(_shown(oldest)) == 50
    assert _link(oldest, "Older events") is None
    back = _link(oldest, "Newer events")
    assert back is not None and "subject=cohort" in back
    assert _shown(html_of(lead.get(back)))[:2] == ["cohort-59", "cohort-58"]
    newest = html_of(lead.get(f"/lead/audit?subject=cohort&newer={_id_of('cohort-59')}"))
    assert _shown(newest)[:2] == ["cohort-59", "cohort-58"]
    assert _link(newest, "Older events") is not None
