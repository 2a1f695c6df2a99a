"""The certificate as a landscape PDF (WeasyPrint): page one names the holder and what they
completed, with a QR code (segno) that opens the public verification page; the pages after it
are the transcript (every course, live event and outside training, with dates and hours, and a
renewal's continuing education in a table of its own: it counts toward no training hours).
A certificate signed before the transcript was (no ``certifies``) renders as it always did: one
page.

Everything the page needs is in the HTML: the QR code is an inline SVG and the fonts are the
machine's (DejaVu, and Debian's Noto fonts for names in other scripts), so rendering never
touches the network; a URL fetcher that refuses every request makes sure of it. The same facts
always give the same page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML

from certificates.transcript import Certifies, TranscriptLine, certifies_sentences
from courses.domains import DOMAINS

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


def qr_svg(url: str) -> str:
    """An SVG QR code for ``url`` (error correction M, scaled to fit its box)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode()


def certificate_html(facts: CertificateFacts) -> str:
    return _env.get_template("certificate.html").render(
        facts=facts,
        qr=qr_svg(facts.verify_url),
        domains=DOMAINS,
        hours=hours_text,
        completed=certifies_sentences(facts.certifies) if facts.certifies else [],
        long_date=lambda day: f"{day.day} {day:%B %Y}",
    )


def hours_text(minutes: float) -> str:
    """Signed-off minutes as a certificate prints them: "1 hour", "7.5 hours", "25.25 hours"."""
    value = round(minutes / 60, 2)
    return f"{value:g} hour" if value == 1 else f"{value:g} hours"


def _no_network(url: str, timeout: int = 10, ssl_context: object = None) -> dict:
    raise ValueError(f"certificates never fetch anything: {url}")


def render_certificate(facts: CertificateFacts) -> bytes:
    """The PDF bytes of one certificate."""
    document = HTML(string=certificate_html(facts), url_fetcher=_no_network)
    return document.write_pdf()
