"""The certificate as a landscape PDF (WeasyPrint).

Page one is a design a program can frame: the program's logo (or its name as a wordmark), the
holder's name, the track, and in a middle band what they completed with their training hours by
domain; at the foot the signatory (a signature image, or a line to sign on), a seal
(``certificates.seal``) with the year, and the verification line with its QR code (segno),
which opens the public verification page. Page one is one page whatever the lengths:
it is laid out as designed, and laid out again tighter while what it says runs into its foot
(``laid_out``). The pages after it are the transcript (every course, live event and outside
training, with dates and hours, and a renewal's continuing education in a table of its own: it
counts toward no training hours). A certificate signed before the transcript was (no
``certifies``) has page one only, in the words it always had.

Everything the page needs is in the HTML: the QR code and the seal are inline SVG, the logo and
signature are ``data:`` URIs (``certificates.pdf_images``), and the fonts are the machine's
(DejaVu, and Debian's Noto fonts for names in other scripts), so rendering fetches nothing: a
URL fetcher that answers data: URIs and refuses every other address makes sure of it. The same
facts (and images) always give the same PDF.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.urls import URLFetcher

from certificates.pdf_images import EmbeddedImage
from certificates.seal import seal_svg
from certificates.transcript import (
    Certifies,
    TranscriptLine,
    _by_domain,
    certifies_sentences,
    long_date,
)
from courses.domains import DOMAINS, domain_name

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


@dataclass(frozen=True)
class CertificateFacts:
    holder_name: str
    track_title: str
    program_name: str
    signatory_name: str
    signatory_role: str
    issued_on: date
    expires_on: date
    code: str  # formatted, e.g. 7K3QD-M9X2A-F4R8T
    verify_url: str
    #: training hours by domain id; empty on certificates signed before they were recorded
    training_hours: dict[str, float] = field(default_factory=dict)
    #: signed-off minutes: {"supervised_practice": …, "supervision": …}
    approved_minutes: dict[str, int] = field(default_factory=dict)
    provider_approval: str = ""
    #: what the holder completed, as signed; None on certificates signed before it was
    certifies: Certifies | None = None
    transcript: tuple[TranscriptLine, ...] = ()
    #: the program's logo and the signatory's signature, from configuration (never signed)
    logo: EmbeddedImage | None = None
    signature: EmbeddedImage | None = None

    @property
    def completed(self) -> list[str]:
        """What the holder completed, one plain sentence a line, as the verification page says
        it (``certificates.transcript``); none on a certificate signed before it was."""
        return certifies_sentences(self.certifies) if self.certifies is not None else []

    @property
    def hours_by_domain(self) -> list[tuple[str, float]]:
        """Training hours by domain, in the platform's order of domains (unknown ids last)."""
        hours = self.certifies.training_hours if self.certifies else self.training_hours
        return [(domain_name(d), value) for d, value in _by_domain(hours).items()]


def qr_svg(url: str) -> str:
    """An SVG QR code for ``url`` (error correction M, scaled to fit its box)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode()


#: how tightly page one is set, tried in turn until it fits (``render_certificate``): as
#: designed, then smaller type, then smaller type, seal and QR code
DENSITIES = ("", "dense", "densest")
#: the least room between what page one says and its foot (signature, seal, QR code), in CSS px
FOOT_GAP = 8


def holder_size(name: str) -> str:
    """The holder's name is set smaller the longer it is: every name fits the frame."""
    return "very-long" if len(name) > 70 else ("long" if len(name) > 35 else "")


def breakable_url(url: str) -> Markup:
    """``url`` for print, with line breaks allowed only after its slashes: never at a hyphen,
    which a reader would take for a word broken in two and leave out."""
    parts = re.split(r"(?<=[^/]/)(?=[^/])", url)
    return Markup("<wbr>").join(Markup('<span class="nobr">{}</span>').format(p) for p in parts)


def unbroken_slashes(line: str) -> Markup:
    """``line`` with no line break inside a word with a slash ("Mentoring/Education"): a reader
    would see two words, and so would a program reading the PDF's text."""
    return Markup(re.sub(r"(\S*/\S*)", r'<span class="nobr">\1</span>', str(escape(line))))  # noqa: S704 (escaped first)


def certificate_html(facts: CertificateFacts, density: str = "") -> str:
    return _env.get_template("certificate.html").render(
        facts=facts,
        qr=qr_svg(facts.verify_url),
        seal=seal_svg(facts.program_name, facts.issued_on.year),
        density=density,
        holder_size=holder_size(facts.holder_name),
        domains=DOMAINS,
        hours=hours_text,
        long_date=long_date,
        verify_url=breakable_url(facts.verify_url),
        unbroken_slashes=unbroken_slashes,
    )


def hours_text(minutes: float) -> str:
    """Signed-off minutes as a certificate prints them: "1 hour", "7.5 hours", "25.25 hours"."""
    value = round(minutes / 60, 2)
    return f"{value:g} hour" if value == 1 else f"{value:g} hours"


class OnlyDataUris(URLFetcher):
    """WeasyPrint's URL fetcher for certificates: ``data:`` URIs only, nothing from a network or
    a disk."""

    def fetch(self, url: str, headers: object = None) -> object:
        if not url.startswith("data:"):
            raise ValueError(f"certificates never fetch anything: {url}")
        return super().fetch(url, headers)


def laid_out(facts: CertificateFacts) -> tuple[str, Document]:
    """The certificate laid out at the first density whose page one fits (the last one if none
    does: the longest plausible values fit it, tests/certificates/test_pdf_design.py)."""
    for density in DENSITIES:
        # a fetcher of its own (urllib's openers keep state): data: URIs only, nothing else
        html = HTML(string=certificate_html(facts, density), url_fetcher=OnlyDataUris())
        document = html.render()
        if _page_one_fits(document):
            break
    return density, document


def _page_one_fits(document: Document) -> bool:
    """Does everything page one says end above its foot, all on page one?"""
    inner = next(b for b in document.pages[0]._page_box.descendants() if _has_class(b, "inner"))
    flow = [child for child in inner.children if not isinstance(child, AbsolutePlaceholder)]
    feet = [child for child in inner.children if _has_class(child, "footer")]
    if not feet:  # pushed onto the next page
        return False
    end = max(child.position_y + child.margin_height() for child in flow)
    spilled = any(
        _has_class(box, "inner")
        for page in document.pages[1:]
        for box in page._page_box.descendants()
    )
    return end + FOOT_GAP <= feet[0].position_y and not spilled


def _has_class(box: object, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split()


def render_certificate(facts: CertificateFacts) -> bytes:
    """The PDF bytes of one certificate."""
    return laid_out(facts)[1].write_pdf()
