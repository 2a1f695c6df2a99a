"""The certificate's seal: a rosette drawn as inline SVG (nothing fetched), with the program's
name around a ring and the year of issue in the middle.

WeasyPrint draws SVG text on a straight line only (no ``textPath``), so the ring's letters are
placed one by one, each turned to face outward. They are drawn as shapes (the outlines of DejaVu
Sans Bold, ``certificates.glyphs``), spaced by their real widths: part of the picture, so
reading the certificate's text (a screen reader, ``pdftotext``) does not meet the ring spelled
out letter by letter among its words. Where the font file cannot be found the letters are set as
text in a monospaced font instead, which spaces evenly without measuring.

A name that cannot be set letter by letter (a script whose letters join or combine, such as
Arabic or Devanagari) or that is too long for the ring is replaced there by the program's
initials or, failing those, by "Certificate of training"; the name is printed in full elsewhere
on the certificate.
"""

from __future__ import annotations

import math
import unicodedata

from markupsafe import Markup, escape

from certificates import glyphs

#: colours that print well: a deep navy and an old gold
NAVY = "#1f3a5f"
GOLD = "#b08d3c"
PAPER = "#fbf8ef"
#: the ring: its letters stand on this radius (the seal's box is 100 by 100 units)
RING_RADIUS = 33.0
#: the letters' size, and the least it may shrink to for a long name
LETTER_SIZE = 6.2
#: the most letters the ring holds
RING_MAX_LETTERS = 48
#: the part of the ring left for the star at the bottom, in degrees
STAR_GAP = 36.0
#: extra space between letters, as a share of their size
TRACKING = 0.12
FALLBACK = "Certificate of training"
#: the scalloped edge: so many petals around the disc
PETALS = 30


def ring_text(program_name: str) -> str:
    """What goes around the ring: the program's name in capitals, else its initials, else the
    fallback."""
    for candidate in (program_name, _initials(program_name), FALLBACK):
        text = " ".join(candidate.split()).upper()
        if text and len(text) <= RING_MAX_LETTERS and _one_letter_at_a_time(text):
            return text
    return FALLBACK.upper()


def _initials(name: str) -> str:
    """The capitals that start the name's words, when there are two to eight of them: "P.S.T.P."
    for "Peer Support Training Program"."""
    initials = [w[0] for w in name.replace("-", " ").split() if w[0].isupper()]
    return ".".join(initials) + "." if 2 <= len(initials) <= 8 else ""


def _one_letter_at_a_time(text: str) -> bool:
    """Letters that read the same set apart: no joining (right-to-left) scripts, no combining
    marks (vowel signs, viramas) and no wide CJK characters."""
    return not any(
        unicodedata.category(char).startswith("M")
        or unicodedata.bidirectional(char) in ("R", "AL")
        or unicodedata.east_asian_width(char) in "WF"
        for char in text
    )


def _petals() -> str:
    """The scalloped edge: small circles around the disc."""
    circles = []
    for n in range(PETALS):
        angle = 2 * math.pi * n / PETALS
        x, y = 50 + 44 * math.sin(angle), 50 - 44 * math.cos(angle)
        circles.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="5.2" fill="{GOLD}"/>')
    return "".join(circles)


def _ring(text: str) -> str:
    """``text`` around the ring, clockwise and centred at the top, and a four-pointed star (the
    same either way up) at the bottom."""
    outlines = glyphs.outlines(f"{text}\u2726")
    if outlines is None:
        return _ring_as_text(text)
    *letters, star = outlines
    room = math.radians(360 - STAR_GAP) * RING_RADIUS  # the ring's length for the letters
    ems = sum(g.advance for g in letters) + TRACKING * (len(letters) - 1)
    size = min(LETTER_SIZE, room / ems)
    angle = -math.degrees(ems * size / RING_RADIUS) / 2  # where the first letter starts
    placed = []
    for glyph in letters:
        middle = angle + math.degrees(glyph.advance * size / 2 / RING_RADIUS)
        placed.append(_placed(glyph, size, middle))
        angle += math.degrees((glyph.advance + TRACKING) * size / RING_RADIUS)
    placed.append(_placed(star, LETTER_SIZE, 180.0))
    return f'<g fill="{PAPER}">{"".join(placed)}</g>'


def _placed(glyph: glyphs.Glyph, size: float, angle: float) -> str:
    """One letter's outline, centred on ``angle`` (degrees clockwise from the top), upright."""
    if not glyph.path:
        return ""  # a space
    scale = size / glyph.units_per_em
    x = 50 - glyph.advance * size / 2
    return (
        f'<path transform="rotate({angle:.3f} 50 50) translate({x:.3f} {50 - RING_RADIUS:.3f}) '
        f'scale({scale:.6f} {-scale:.6f})" d="{glyph.path}"/>'
    )


def _ring_as_text(text: str) -> str:
    """The ring's letters as text, monospaced (each 0.6 of its size wide), evenly apart."""
    step = min(360 / (len(text) + 4), 10.0)  # degrees per letter: room for the star, or less
    size = min(LETTER_SIZE, RING_RADIUS * math.radians(step) / 0.6 * 0.9)
    start = -step * (len(text) - 1) / 2
    letters = [(start + n * step, char) for n, char in enumerate(text) if not char.isspace()]
    return "".join(
        f'<text x="{50 - 0.3 * size:.2f}" y="{50 - RING_RADIUS:.2f}" '
        f'transform="rotate({angle:.2f} 50 50)" font-family="DejaVu Sans Mono" '
        f'font-weight="bold" font-size="{size:.2f}" fill="{PAPER}">{escape(char)}</text>'
        for angle, char in [*letters, (180.0, "\u2726")]
    )


def _star(x: float, y: float, radius: float) -> str:
    """A five-pointed star centred on (x, y)."""
    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.4
        angle = math.pi * n / 5
        points.append(f"{x + r * math.sin(angle):.2f},{y - r * math.cos(angle):.2f}")
    return f'<polygon points="{" ".join(points)}" fill="{NAVY}"/>'


def seal_svg(program_name: str, year: int) -> Markup:
    """The seal as an inline SVG element, scaled to its box by CSS."""
    parts = [
        '<svg class="seal" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">',
        f'<circle cx="50" cy="50" r="44" fill="{GOLD}"/>',
        _petals(),
        f'<circle cx="50" cy="50" r="41" fill="{NAVY}"/>',
        f'<circle cx="50" cy="50" r="39.6" fill="none" stroke="{PAPER}" stroke-width="0.5"/>',
        _ring(ring_text(program_name)),
        f'<circle cx="50" cy="50" r="27" fill="{PAPER}" stroke="{GOLD}" stroke-width="1.6"/>',
        f'<circle cx="50" cy="50" r="24" fill="none" stroke="{GOLD}" stroke-width="0.4"/>',
        *(_star(x, 40.5, 2.2) for x in (43.5, 50, 56.5)),
        f'<text x="50" y="58" text-anchor="middle" font-family="DejaVu Serif" '
        f'font-weight="bold" font-size="15" fill="{NAVY}">{int(year)}</text>',
        f'<path d="M38 63.5 H62" stroke="{GOLD}" stroke-width="0.8"/>',
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped or a number)
