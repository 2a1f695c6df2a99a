"""Letters as SVG path outlines, read from the machine's DejaVu Sans Bold with fontTools (which
WeasyPrint itself uses), for lettering that is part of a picture (the seal's ring), not text.

The outlines are in font units with the y axis up; a caller scales them by
``size / units_per_em`` and flips y. ``outlines`` answers None when the font file is not where
Debian, Fedora or Arch put it, or lacks a letter, so the caller can set text instead.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",  # Fedora
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",  # Arch
)
#: fontTools reads a font lazily: one thread at a time
_lock = threading.Lock()


@dataclass(frozen=True)
class Glyph:
    path: str  # SVG path data in font units, y up; empty for a space
    advance: float  # the width it takes, in ems
    units_per_em: int


@lru_cache(maxsize=1)
def _font() -> TTFont | None:
    for name in FONT_FILES:
        if Path(name).is_file():  # read whole: no file is left open
            return TTFont(io.BytesIO(Path(name).read_bytes()), lazy=True)
    return None


@lru_cache(maxsize=256)
def _glyph(char: str) -> Glyph | None:
    with _lock:
        font = _font()
        if font is None:
            return None
        name = font.getBestCmap().get(ord(char))
        if name is None:
            return None
        glyph_set = font.getGlyphSet()
        pen = SVGPathPen(glyph_set)
        glyph_set[name].draw(pen)
        units = font["head"].unitsPerEm
        return Glyph(pen.getCommands(), glyph_set[name].width / units, units)


def outlines(text: str) -> list[Glyph] | None:
    """Each character's outline, or None if one cannot be drawn from the font."""
    found = [_glyph(char) for char in text]
    return None if any(g is None for g in found) else [g for g in found if g is not None]
