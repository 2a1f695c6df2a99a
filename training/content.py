"""The course library as the web app sees it: loaded once per process, rendered once per version."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, abort, current_app, url_for

from certificates.tracks import TrackSet, load_tracks
from courses.domains import domain_name
from courses.glossary import Glossary, load_glossary
from courses.loader import load_library
from courses.model import Course, Library, Module
from courses.rendering import RenderCache

log = logging.getLogger(__name__)


class ContentStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._library: Library | None = None
        self._tracks: TrackSet | None = None
        self._glossary: Glossary | None = None
        self.renderer = RenderCache()

    @property
    def library(self) -> Library:
        if self._library is None:
            library = load_library(self.path)
            for problem in library.problems:
                log.error("content problem (course not served): %s", problem)
            self._library = library
        return self._library

    @property
    def tracks(self) -> TrackSet:
        """The certification tracks, loaded once per process like the courses."""
        if self._tracks is None:
            self._tracks = load_tracks(self.path)
            for problem in self._tracks.problems:
                log.error("track problem (track not used): %s", problem)
        return self._tracks

    @property
    def glossary(self) -> Glossary:
        """The glossary, loaded once per process; the first use of each term links to it."""
        if self._glossary is None:
            self._glossary = load_glossary(self.path)
            for problem in self._glossary.problems:
                log.error("glossary problem (glossary not used): %s", problem)
        return self._glossary

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
