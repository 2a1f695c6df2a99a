"""The achievement's badge: a calm round 600 by 600 PNG drawn with Pillow (nothing fetched), in
the certificate seal's colours: a navy ring with a thin gold line inside it on warm paper, the
program's name at the top, the track's title in the middle, wrapped and sized to fit, then a
small "TRAINING CERTIFICATE" (so the picture, shared alone, does not pass for a board's
certification) and a gold star below.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core); a title with letters DejaVu lacks
(Chinese, Japanese, Korean) is set in Noto Sans CJK where that is installed; with neither, in
Pillow's own font. The same inputs on the same machine always give the same bytes, so the
image can be cached and baked (``certificates.ob3.baking``) without surprises.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

SIZE = 600
CENTRE = SIZE / 2
NAVY = (31, 58, 95, 255)
GOLD = (176, 141, 60, 255)
PAPER = (251, 248, 239, 255)
CLEAR = (0, 0, 0, 0)
#: the widest a line of text may be, for the program's name and for the title
NAME_WIDTH, TITLE_WIDTH = 380, 420
#: the title's size, shrunk step by step from the first to the last until it fits
TITLE_SIZES = (50, 44, 38, 33, 29, 26, 23)
TITLE_MAX_LINES = 4
NAME_SIZES = (24, 21, 18, 16)
NAME_MAX_LINES = 2
#: the line above the star, and where it and the star sit
KIND = "TRAINING CERTIFICATE"
KIND_SIZE, KIND_TOP = 17, 428
STAR_Y, STAR_RADIUS = 482, 20
#: the title is centred between the rule under the program's name and this line
TITLE_BOTTOM = 416

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
)
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",  # Debian, Ubuntu (fonts-noto-cjk)
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",  # Fedora
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def badge_png(program_name: str, track_title: str) -> bytes:
    """The badge for one track, as PNG bytes."""
    image = Image.new("RGBA", (SIZE, SIZE), CLEAR)
    draw = ImageDraw.Draw(image)
    _disc(draw)
    name_font, name_lines = _fit(program_name.upper(), NAME_SIZES, NAME_WIDTH, NAME_MAX_LINES)
    _lines(draw, name_lines, name_font, top=150, colour=NAVY)
    rule_y = 150 + len(name_lines) * _line_height(name_font) + 16
    draw.line([(CENTRE - 60, rule_y), (CENTRE + 60, rule_y)], fill=GOLD, width=3)
    title_font, title_lines = _fit(track_title, TITLE_SIZES, TITLE_WIDTH, TITLE_MAX_LINES)
    height = len(title_lines) * _line_height(title_font)
    middle = (rule_y + TITLE_BOTTOM) / 2
    _lines(draw, title_lines, title_font, top=middle - height / 2, colour=NAVY)
    _lines(draw, [KIND], _font(KIND_SIZE, KIND), top=KIND_TOP, colour=NAVY)
    _star(draw, CENTRE, STAR_Y, STAR_RADIUS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def _disc(draw: ImageDraw.ImageDraw) -> None:
    """The paper disc, its navy ring and the gold line inside it."""
    draw.ellipse([10, 10, SIZE - 10, SIZE - 10], fill=PAPER, outline=NAVY, width=22)
    draw.ellipse([44, 44, SIZE - 44, SIZE - 44], outline=GOLD, width=3)


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    draw.polygon(points, fill=GOLD)


def _lines(draw, lines: list[str], font: Font, *, top: float, colour) -> None:
    """Each line centred, one below the other from ``top``."""
    for i, line in enumerate(lines):
        draw.text((CENTRE, top + i * _line_height(font)), line, font=font, fill=colour, anchor="ma")


def _fit(text: str, sizes: tuple[int, ...], width: int, max_lines: int) -> tuple[Font, list[str]]:
    """The largest size at which ``text`` wraps into at most ``max_lines`` lines of ``width``,
    and those lines; at the smallest size, whatever does not fit is cut with an ellipsis."""
    text = " ".join(text.split())
    for size in sizes:
        font = _font(size, text)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = _wrap(text, font, width)
    kept = lines[:max_lines]
    kept[-1] = _shorten(kept[-1] + "…", font, width)
    return font, kept


def _wrap(text: str, font: Font, width: int) -> list[str]:
    """Words on lines no wider than ``width``; a word too long for a line is broken."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:
            cut = _longest_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _longest_prefix(word: str, font: Font, width: int) -> int:
    cut = len(word) - 1
    while cut > 1 and font.getlength(word[:cut]) > width:
        cut -= 1
    return max(cut, 1)


def _shorten(line: str, font: Font, width: int) -> str:
    while len(line) > 1 and font.getlength(line) > width:
        line = line[:-2] + "…"
    return line


def _line_height(font: Font) -> float:
    return font.size * 1.22 if isinstance(font, ImageFont.FreeTypeFont) else 14


def _font(size: int, text: str) -> Font:
    """DejaVu Sans Bold at ``size``, or a font that has every letter of ``text``."""
    dejavu = _font_file("DejaVuSans-Bold.ttf")
    if dejavu and _covers(dejavu, text):
        return ImageFont.truetype(dejavu, size)
    for path in CJK_FONTS:
        if Path(path).is_file() and _covers(path, text):
            return ImageFont.truetype(path, size)
    if dejavu:
        return ImageFont.truetype(dejavu, size)
    return ImageFont.load_default(size)


@lru_cache(maxsize=4)
def _font_file(name: str) -> str | None:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    return None


def _covers(path: str, text: str) -> bool:
    letters = _letters(path)
    return all(ord(c) in letters or c.isspace() or c == "…" for c in text)


@lru_cache(maxsize=4)
def _letters(path: str) -> frozenset[int]:
    """The code points a font file has letters for (the first font of a collection)."""
    # read whole, so no file is left open
    with TTFont(io.BytesIO(Path(path).read_bytes()), fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})
