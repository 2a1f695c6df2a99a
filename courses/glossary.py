"""The glossary: terms of the trade, defined once (``content/glossary.toml``), linked from modules.

Every module links the first place each glossary term appears in it to the term's entry, so a
trainee meeting "naloxone" or "42 CFR Part 2" for the first time is one click from a plain
definition. Headings, links and code are never linked.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from courses.toml_report import Report, display, open_toml, required_text, unknown_fields

GLOSSARY_FILE = "glossary.toml"
TERM_FIELDS = {"term", "forms", "definition", "source"}
_NOT_LINKED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Term:
    term: str
    slug: str
    definition: str
    #: lower-case phrases that link to the term in module text
    forms: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    problems: tuple[str, ...] = ()
    version: str = ""
    _by_form: dict[str, Term] = field(default_factory=dict, compare=False, repr=False)

    def term_for(self, phrase: str) -> Term | None:
        return self._by_form.get(normal_form(phrase))

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Any form of any term, as a whole phrase, longest forms first: words may be split by
        any white space (a line break), and an apostrophe or quote may be straight or curly."""
        if not self._by_form:
            return None
        forms = sorted(self._by_form, key=len, reverse=True)
        return re.compile(r"(?<![\w-])(" + "|".join(_loose(f) for f in forms) + r")(?![\w-])", re.I)


_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"'}


def normal_form(phrase: str) -> str:
    """A phrase as forms are kept: lower case, single spaces, straight quotes."""
    for curly, straight in _QUOTES.items():
        phrase = phrase.replace(curly, straight)
    return " ".join(phrase.lower().split())


def _loose(form: str) -> str:
    parts = []
    for char in form:
        if char == " ":
            parts.append(r"\s+")
        elif char == "'":
            parts.append("['’‘]")
        elif char == '"':
            parts.append('["“”]')
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def slugify(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normal_form(term)).strip("-")


def load_glossary(root: Path) -> Glossary:
    """``root/glossary.toml``; an empty glossary (no problem) when the file does not exist."""
    path = Path(root) / GLOSSARY_FILE
    if not path.is_file():
        return Glossary()
    problems: list[str] = []
    opened = open_toml(Path(root), GLOSSARY_FILE, Path(root), problems)
    if opened is None:
        return Glossary(problems=tuple(problems))
    report, data = opened
    raw_terms = data.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        report.add('write the terms as [[terms]] tables with "term" and "definition"')
        return Glossary(problems=tuple(problems))
    terms: list[Term] = []
    by_form: dict[str, Term] = {}
    after = 0
    for raw in raw_terms:
        term = _term(raw, report, after, by_form)
        if term is not None:
            after = report.line_of("term", term.term, after) or after
            terms.append(term)
            by_form.update(dict.fromkeys(term.forms, term))
    terms.sort(key=lambda t: t.term.lower())
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return Glossary(tuple(terms), tuple(problems), version, by_form)


def _term(raw: object, report: Report, after: int, by_form: dict[str, Term]) -> Term | None:
    if not isinstance(raw, dict):
        report.add("each [[terms]] entry must be a table")
        return None
    before = report.count
    unknown_fields(raw, TERM_FIELDS, report)
    name = required_text(raw, "term", report)
    line = report.line_of("term", name, after) if name else None
    definition = required_text(raw, "definition", report, line)
    forms_raw = raw.get("forms", [name.lower()] if name else [])
    if not isinstance(forms_raw, list) or not all(isinstance(f, str) and f for f in forms_raw):
        report.add('"forms" must be a list of phrases, like ["naloxone"]', line)
        forms_raw = []
    forms = tuple(dict.fromkeys(normal_form(f) for f in forms_raw))
    if "" in forms:
        report.add('"forms" has an empty phrase', line)
    for form in forms:
        if form in by_form:
            report.add(f'"{form}" already links to "{by_form[form].term}"', line)
    slug = slugify(name)
    if name and not slug:
        report.add(f'"{name}" needs a letter or digit, to give its entry an address', line)
    clash = next((t for t in by_form.values() if slug and t.slug == slug), None)
    if clash is not None:
        report.add(f'"{name}" and "{clash.term}" would share the address #{slug}', line)
    source = raw.get("source", "")
    if not isinstance(source, str):
        report.add('"source" must be text', line)
    if report.count > before:
        return None
    return Term(name, slug, definition.strip(), forms, source.strip())


class _Linker(Treeprocessor):
    def __init__(self, md: Markdown, glossary: Glossary, href: str) -> None:
        super().__init__(md)
        self.glossary = glossary
        self.href = href

    def run(self, root: ET.Element) -> None:
        pattern = self.glossary.pattern
        if pattern is not None:
            self._walk(root, pattern, set())

    def _walk(self, element: ET.Element, pattern: re.Pattern[str], used: set[str]) -> None:
        if element.tag in _NOT_LINKED or element.get("class") == "admonition-title":
            return
        element.text, links = self._split(element.text, pattern, used)
        for offset, link in enumerate(links):
            element.insert(offset, link)
        index = len(links)
        while index < len(element):
            child = element[index]
            self._walk(child, pattern, used)
            child.tail, links = self._split(child.tail, pattern, used)
            for offset, link in enumerate(links, start=1):
                element.insert(index + offset, link)
            index += 1 + len(links)

    def _split(
        self, text: str | None, pattern: re.Pattern[str], used: set[str]
    ) -> tuple[str | None, list[ET.Element]]:
        """The text up to the first new term, and links (each carrying the text after it)."""
        if not text:
            return text, []
        head: str | None = None
        links: list[ET.Element] = []
        position = 0
        for match in pattern.finditer(text):
            term = self.glossary.term_for(match.group(1))
            if term is None or term.slug in used:
                continue
            used.add(term.slug)
            link = ET.Element("a", {"href": f"{self.href}#{term.slug}", "class": "term"})
            link.text = match.group(1)
            if links:
                links[-1].tail = text[position : match.start()]
            else:
                head = text[position : match.start()]
            links.append(link)
            position = match.end()
        if not links:
            return text, []
        links[-1].tail = text[position:]
        return head, links


class GlossaryLinks(Extension):
    """Link each glossary term's first appearance in a document to ``href#slug``."""

    def __init__(self, glossary: Glossary, href: str) -> None:
        super().__init__()
        self.glossary = glossary
        self.href = href

    def extendMarkdown(self, md: Markdown) -> None:
        # after the inline patterns (20), before smart quotes (6) turn quotes into placeholders
        md.treeprocessors.register(_Linker(md, self.glossary, self.href), "glossary", 7)


def glossary_problems(glossary: Glossary, module_texts: list[str], root: Path) -> list[str]:
    """Terms no module links to (a glossary entry nobody reaches from the course text), found
    by rendering the modules as trainees see them."""
    from courses.rendering import render_markdown

    if glossary.pattern is None:
        return []
    seen = {
        slug
        for text in module_texts
        for slug in re.findall(r'<a class="term" href="#([^"]+)"', render_markdown(text, glossary))
    }
    where = display(Path(root) / GLOSSARY_FILE)
    return [
        f'{where}: "{t.term}" appears in no module: use it where it is taught, or drop it'
        for t in glossary.terms
        if t.slug not in seen
    ]
