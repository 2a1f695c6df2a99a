"""Markdown to safe HTML.

Authors write Markdown; trainees get HTML that has been through nh3 (the Ammonia sanitiser), so
nothing in a content file — by mistake or on purpose — can run script in a trainee's browser. The
same allow-list drives the content check, which reports raw HTML that sanitising would strip, so
authors learn about it before trainees see a silently different page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from threading import Lock
from typing import TYPE_CHECKING

import markdown
import nh3
from markdown import Extension

if TYPE_CHECKING:
    from courses.glossary import Glossary

CALLOUT_KINDS = ("note", "tip", "warning", "example", "reflection")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
ALLOWED_CLASSES = {
    "div": {"admonition", *CALLOUT_KINDS},
    "p": {"admonition-title"},
    "a": {"headerlink", "term"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = ["tables", "admonition", "sane_lists", "smarty", "toc"]
_EXTENSION_CONFIGS = {
    "toc": {"permalink": "#", "permalink_title": "Link to this section"},
}
_CALLOUT_LINE = re.compile(r"^!!!\s+(\S+)")


def render_markdown(text: str, glossary: Glossary | None = None, glossary_href: str = "") -> str:
    """Render Markdown to HTML with tables, heading anchors and callouts, then sanitise it.

    With a glossary, the first appearance of each of its terms links to ``glossary_href#term``.
    """
    extensions: list[str | Extension] = list(_EXTENSIONS)
    if glossary is not None and glossary.terms:
        from courses.glossary import GlossaryLinks

        extensions.append(GlossaryLinks(glossary, glossary_href))
    raw = markdown.markdown(text, extensions=extensions, extension_configs=_EXTENSION_CONFIGS)
    return sanitise(raw)


def sanitise(html: str) -> str:
    """Keep only the tags, attributes, classes and link schemes on the allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
    )


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.found.append((tag, None))
            return
        for name, value in attrs:
            if name == "class":
                allowed = ALLOWED_CLASSES.get(tag, set())
                if not set((value or "").split()) <= allowed:
                    self.found.append((tag, f'class="{value}"'))
            elif name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.found.append((tag, name))


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def stripped_html(text: str) -> list[tuple[int | None, str]]:
    """Problems sanitising would hide: (line, message) for raw HTML and unknown callout kinds."""
    problems: list[tuple[int | None, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _CALLOUT_LINE.match(line)
        if match and match.group(1) not in CALLOUT_KINDS:
            kinds = ", ".join(CALLOUT_KINDS)
            problems.append((number, f'unknown callout kind "{match.group(1)}" (use {kinds})'))
    raw = markdown.markdown(text, extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
    collector = _TagCollector()
    collector.feed(raw)
    seen: set[tuple[str, str | None]] = set()
    for tag, attribute in collector.found:
        if (tag, attribute) in seen or (tag == "div" and attribute and "class" in attribute):
            continue  # unknown callout kinds are reported above, by line
        seen.add((tag, attribute))
        what = f"<{tag}>" if attribute is None else f"{attribute} on <{tag}>"
        problems.append((_line_of(text, f"<{tag}"), f"raw HTML {what} is not allowed"))
    return problems


class RenderCache:
    """Rendered modules by (course version, module id): a repeat view does no Markdown work."""

    def __init__(self) -> None:
        self._html: dict[tuple[str, str, str, str], str] = {}
        self._lock = Lock()

    def html(
        self,
        course_id: str,
        version: str,
        module_id: str,
        text: str,
        glossary: Glossary | None = None,
        glossary_href: str = "",
    ) -> str:
        key = (
            course_id,
            f"{version}:{glossary.version if glossary else ''}",
            module_id,
            glossary_href,
        )
        cached = self._html.get(key)
        if cached is None:
            cached = render_markdown(text, glossary, glossary_href)
            with self._lock:
                self._html[key] = cached
        return cached
