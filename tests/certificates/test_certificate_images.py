"""The certificate's images and seal, piece by piece: which files are accepted as a logo or a
signature (and what is said of the others), that rendering reaches data: URIs only, and what the
seal's ring says for names of every kind."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from certificates.pdf import OnlyDataUris
from certificates.pdf_images import MAX_IMAGE_BYTES, ImageProblem, embedded_image
from certificates.seal import FALLBACK, ring_text, seal_svg


def image_bytes(kind: str, size: tuple[int, int] = (20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (image_bytes("PNG"), "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>', "image/svg+xml"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
         "image/svg+xml"),
    ],
)  # fmt: skip
def test_png_jpeg_and_svg_are_embedded_as_data_uris_by_their_content(data, media_type):
    image = embedded_image(data)
    assert image.media_type == media_type
    assert image.data_uri.startswith(f"data:{media_type};base64,")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"x" * (MAX_IMAGE_BYTES + 1), "the limit is 1,048,576 bytes (1 MB)"),
        (b"%PDF-1.4 a document", "it is not a PNG, JPEG or SVG image"),
        (image_bytes("GIF"), "it is not a PNG, JPEG or SVG image"),
        (image_bytes("PNG")[:40], "the PNG image is damaged"),
        (b"<html><body>hello</body></html>", "it is not a PNG, JPEG or SVG image"),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>',
         "the SVG file has a DOCTYPE"),
    ],
)  # fmt: skip
def test_anything_else_is_refused_with_the_reason_in_plain_words(data, message):
    with pytest.raises(ImageProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        embedded_image(data)


def test_rendering_reaches_data_uris_only():
    fetcher = OnlyDataUris()
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("https://example.org/logo.png", "http://127.0.0.1/x", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="never fetch"):
            fetcher(url)


@pytest.mark.parametrize(
    ("program", "ring"),
    [
        ("Peer Support Training Program", "PEER SUPPORT TRAINING PROGRAM"),
        ("Northern Regional Peer Recovery Support Services Training Institute",
         "N.R.P.R.S.S.T.I."),
        ("Northern Regional Peer Recovery Support Services Training and Workforce Development "
         "Institute of the Greater Metropolitan Area", FALLBACK.upper()),
        ("برنامج تدريب دعم الأقران", FALLBACK.upper()),  # letters that join: not one by one
        ("सहकर्मी सहायता प्रशिक्षण", FALLBACK.upper()),  # vowel signs combine
        ("同伴支持培训项目", FALLBACK.upper()),
        ("Программа подготовки", "ПРОГРАММА ПОДГОТОВКИ"),
    ],
)  # fmt: skip
def test_the_seal_rings_the_program_name_its_initials_or_says_what_it_is(program, ring):
    assert ring_text(program) == ring


def test_the_seal_carries_the_year_as_its_only_text_and_escapes_nothing_into_markup():
    svg = str(seal_svg("<b>Peer & Co</b>", 2026))
    assert "<b>" not in svg
    assert svg.count("<text") == 1  # the ring's letters are drawn as shapes
    assert ">2026</text>" in svg
