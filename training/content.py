"""The course library as the web app sees it: loaded once per process, rendered once per version."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, abort, current_app

from certificates.tracks import TrackSet, load_tracks
from courses.domains import domain_name
from courses.loader import load_library
from courses.model import Course, Library, Module
from courses.rendering import RenderCache

log = logging.getLogger(__name__)


class ContentStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._library: Library | None = None
        self._tracks: TrackSet | None = None
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

    def module_html(self, course: Course, module: Module) -> str:
        return self.renderer.html(course.id, course.version, module.id, module.markdown)


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
