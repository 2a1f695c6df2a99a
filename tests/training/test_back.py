"""``next`` sends a person back to a page of this site, never to another site."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.back import safe_path


@pytest.mark.parametrize(
    "path", ["/lead/cohorts/3", "/lead/people/7?page=2&q=riley", "/hours/?status=returned"]
)
def test_a_path_on_this_site_is_kept(path):
    assert safe_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/lead",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "lead/people",
        "/lead\n/people",
        "/lead\u2028/people",
        "/lead\u0085/people",
        "/lead\u200e/people",
        "/" + "a" * 2001,
    ],
)
def test_anything_that_could_leave_the_site_is_refused(path):
    assert safe_path(path) is None


@given(st.text(max_size=60))
def test_whatever_is_kept_is_a_path_without_a_host(text):
    kept = safe_path(text)
    if kept is not None:
        assert kept.startswith("/") and not kept.startswith("//")
        assert "\\" not in kept
