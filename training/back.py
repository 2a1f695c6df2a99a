"""Where an action sends someone back to: the page they came from, never another site.

A form that changes something carries ``next`` (the page it was shown on, from ``here()``).
After the change, ``back_to(default)`` returns that page when it is a path on this site, and
``default`` otherwise: an address with a scheme or a host ("https://evil.example",
"//evil.example", "/\\evil.example") is never followed, so ``next`` cannot send anyone away.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

#: the longest ``next`` kept; a longer one is ignored
MAX_NEXT_LENGTH = 2000


def safe_path(candidate: str | None) -> str | None:
    """``candidate`` when it is a path on this site ("/lead/cohorts/3?sort=name"), else None."""
    if not candidate or len(candidate) > MAX_NEXT_LENGTH:
        return None
    if not candidate.startswith("/") or candidate.startswith("//"):
        return None
    # no control or other invisible characters: CR/LF would split the redirect's headers,
    # and U+2028 and the like have no place in an address
    if "\\" in candidate or not candidate.isprintable():
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return None
    return candidate


def back_to(default: str) -> str:
    """The ``next`` of this request's form (or query) when it is safe, else ``default``."""
    return safe_path(request.form.get("next") or request.args.get("next")) or default


def here() -> str:
    """This page's path and query, for a form's ``next`` field."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def init_app(app: Flask) -> None:
    app.jinja_env.globals["here"] = here
