"""The achievement's badge: a round 600 by 600 PNG whose text stays inside its ring, the same
bytes every time for the same track, and different for another."""

import io
import math
from pathlib import Path

import pytest
from PIL import Image

from certificates.ob3 import badge_image
from certificates.ob3.badge_image import badge_png

PROGRAM = "Peer Support Training Program"
LONG_TITLE = (
    "Certified Peer Recovery Specialist for Families, Youth and Young Adults in Rural "
    "Communities (Advanced Level, with Supervised Practice) Supercalifragilisticexpialidocious"
)


def opened(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGBA")


def test_the_badge_is_a_600_pixel_png_clear_outside_its_disc():
    png = badge_png(PROGRAM, "Recovery coach")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = opened(png)
    assert image.size == (600, 600)
    for corner in [(0, 0), (599, 0), (0, 599), (599, 599)]:
        assert image.getpixel(corner)[3] == 0
    assert image.getpixel((300, 300 - 280))[:3] == badge_image.NAVY[:3]  # the ring


def test_the_same_track_gives_the_same_bytes_and_another_track_another_picture():
    assert badge_png(PROGRAM, "Recovery coach") == badge_png(PROGRAM, "Recovery coach")
    assert badge_png(PROGRAM, "Recovery coach") != badge_png(PROGRAM, "Family peer support")
    assert badge_png(PROGRAM, "Recovery coach") != badge_png("Another program", "Recovery coach")


@pytest.mark.parametrize(
    ("program", "title"),
    [
        (PROGRAM, LONG_TITLE),
        (PROGRAM * 4, "Recovery coach"),
        ("P", "W" * 120),
    ],
)
def test_long_names_and_titles_stay_inside_the_gold_line(program, title):
    image = opened(badge_png(program, title))
    paper = badge_image.PAPER
    # the band just inside the gold line holds nothing but paper: no letter runs over it
    for degrees in range(0, 360, 2):
        for radius in (236, 242, 248):
            x = 300 + radius * math.cos(math.radians(degrees))
            y = 300 + radius * math.sin(math.radians(degrees))
            assert image.getpixel((round(x), round(y))) == paper, (degrees, radius)


def test_every_badge_says_it_is_a_training_certificate_below_the_title():
    """Shared alone, the picture must not pass for a board's certification."""

    def kind_line(png: bytes) -> Image.Image:
        return opened(png).crop((100, badge_image.KIND_TOP, 500, badge_image.KIND_TOP + 24))

    short, long = kind_line(badge_png(PROGRAM, "Coach")), kind_line(badge_png(PROGRAM, LONG_TITLE))
    assert short.tobytes() == long.tobytes()  # the same words, wherever the title ends
    letters = Image.eval(short.convert("L"), lambda v: 255 if v < 120 else 0).getbbox()
    assert letters and letters[2] - letters[0] > 150  # a line of letters, not a speck
    assert badge_image.KIND == "TRAINING CERTIFICATE"


def test_a_long_title_is_set_smaller_than_a_short_one():
    def ink(png: bytes) -> tuple[int, int]:
        image = opened(png).crop((80, 240, 520, badge_image.TITLE_BOTTOM))  # the title's area
        box = Image.eval(image.convert("L"), lambda v: 255 if v < 120 else 0).getbbox()
        assert box
        return box[3] - box[1], box[2] - box[0]

    short_height, _ = ink(badge_png(PROGRAM, "Coach"))
    long_height, long_width = ink(badge_png(PROGRAM, LONG_TITLE))
    assert long_width <= badge_image.TITLE_WIDTH
    assert long_height > short_height  # several lines ...
    short_size = badge_image._fit("Coach", badge_image.TITLE_SIZES, 420, 4)[0].size
    long_size = badge_image._fit(LONG_TITLE, badge_image.TITLE_SIZES, 420, 4)[0].size
    assert long_size < short_size  # ... in smaller letters


@pytest.mark.skipif(
    not any(Path(p).is_file() for p in badge_image.CJK_FONTS),
    reason="needs Debian's fonts-noto-cjk (scripts/test installs it)",
)
def test_a_title_in_chinese_is_drawn_in_its_own_letters_not_empty_boxes():
    # the same number of letters: drawn as missing-letter boxes, both would look the same
    assert badge_png("同伴支持培训项目", "康复教练") != badge_png("同伴支持培训项目", "家庭支持")
