"""The course library as the web app sees it: loaded once per process, rendered once per version."""

from __future__ import annotations

import logging
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TypeVar

from flask import Flask, abort, current_app, url_for

from certificates.tracks import TrackSet, load_tracks
from courses.domains import domain_name
from courses.glossary import Glossary, load_glossary
from courses.loader import files_version, load_library
from courses.model import Course, Library, Module
from courses.rendering import RenderCache

log = logging.getLogger(__name__)


T = TypeVar("T", Library, TrackSet, Glossary)


def _logged(loaded: T, what: str) -> T:
    for problem in loaded.problems:
        log.error("%s: %s", what, problem)
    return loaded


def _fingerprint(root: Path) -> str:
    """A hash of every file's name and bytes under ``root``: equal only for the same content."""
    return files_version([p for p in root.rglob("*") if p.is_file()], root)


@lru_cache(maxsize=32)
def _loaded(root: Path, fingerprint: str) -> tuple[Library, TrackSet, Glossary, RenderCache]:
    """Content loaded once per process for the same files (every app made in one process, as
    the tests make, shares it; what it returns is frozen). ``fingerprint`` is only the key."""
    return _load(root)


def _load(root: Path) -> tuple[Library, TrackSet, Glossary, RenderCache]:
    return load_library(root), load_tracks(root), load_glossary(root), RenderCache()


class ContentStore:
    """Courses, tracks and glossary, each loaded once per process; what fails to load is logged
    (and not served) rather than raised."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @cached_property
    def _content(self) -> tuple[Library, TrackSet, Glossary, RenderCache]:
        root = self.path.resolve()
        try:
            fingerprint = _fingerprint(root)
        except OSError:  # a file that vanished or cannot be read while hashing: load as it is
            return _load(root)
        return _loaded(root, fingerprint)

    @cached_property
    def renderer(self) -> RenderCache:
        return self._content[3]

    @cached_property
    def library(self) -> Library:
        return _logged(self._content[0], "content problem (course not served)")

    @cached_property
    def tracks(self) -> TrackSet:
        return _logged(self._content[1], "track problem (track not used)")

    @cached_property
    def glossary(self) -> Glossary:
        """The first use of each term in a module links to it."""
        return _logged(self._content[2], "glossary problem (glossary not used)")

    def _linked(self) -> Glossary | None:
        return None if self.glossary.problems else self.glossary

    def module_html(self, course: Course, module: Module) -> str:
        href = url_for("learning.glossary")
        return self.renderer.html(
            course.id, course.version, module.id, module.markdown, self._linked(), href
        )

    def guide_html(self, course: Course) -> str:
        """The course's facilitator's guide as HTML ("" when it has none)."""
        guide = course.facilitator_guide
        if guide is None:
            return ""
        href = url_for("learning.glossary")
        return self.renderer.html(
            course.id, course.version, "facilitator.md", guide.markdown, self._linked(), href
        )


def init_app(app: Flask) -> None:
    app.extensions["content"] = ContentStore(app.config["CONTENT_PATH"])
    app.add_template_filter(domain_name)


def store() -> ContentStore:
    return current_app.extensions["content"]


def library() -> Library:
    return store().library


def course_or_404(course_id: str) -> Course:
    course = library().course(course_id)
    if course is None:
        abort(404)
    return course
