"""Images a certificate carries (the program's logo, a signature) and the one way WeasyPrint may
reach them: as ``data:`` URIs written into the page.

A program configures each image as a file (``training.certs.design`` reads it once, when the app
starts); ``embedded_image`` checks the bytes are a PNG, JPEG or SVG image it can draw and says
in plain words what is wrong otherwise. Rendering fetches nothing: the PDF's URL fetcher
(``certificates.pdf.OnlyDataUris``) answers a ``data:`` URI and refuses every other address
(http, https, file, ...), also those an SVG file names inside itself.
"""

from __future__ import annotations

import base64
import io
import warnings
from dataclasses import dataclass
from xml.etree import ElementTree

from PIL import Image

#: the largest image file a certificate embeds: every certificate PDF carries a copy
MAX_IMAGE_BYTES = 1024 * 1024
#: PNG and JPEG, by their first bytes (the file's name and extension are never trusted)
RASTER_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG"),
    b"\xff\xd8\xff": ("image/jpeg", "JPEG"),
}
SVG = "image/svg+xml"
SVG_ROOTS = ("svg", "{http://www.w3.org/2000/svg}svg")


class ImageProblem(ValueError):
    """Bytes that cannot be a certificate's image, with the reason in plain words."""


@dataclass(frozen=True)
class EmbeddedImage:
    """An image's bytes and media type, as embedded in the PDF."""

    data: bytes
    media_type: str  # image/png, image/jpeg or image/svg+xml

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode()}"


def embedded_image(data: bytes) -> EmbeddedImage:
    """``data`` as an image to embed; ImageProblem if it is empty, too big, not a PNG, JPEG or
    SVG image, or damaged."""
    if not data:
        raise ImageProblem("the file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem(
            f"the file is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes (1 MB). "
            "Use a smaller copy: a logo or signature needs only a few hundred pixels"
        )
    for signature, (media_type, image_format) in RASTER_SIGNATURES.items():
        if data.startswith(signature):
            _check_raster(data, image_format)
            return EmbeddedImage(data, media_type)
    _check_svg(data)
    return EmbeddedImage(data, SVG)


def _check_raster(data: bytes, image_format: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem("the image has too many pixels to open safely") from None
        except Exception:  # Pillow raises many kinds for a damaged file
            raise ImageProblem(
                f"the {image_format} image is damaged: it could not be opened"
            ) from None


def _check_svg(data: bytes) -> None:
    """An SVG image: UTF-8 XML whose root is <svg>, without a DOCTYPE (entities could make a
    small file expand enormously)."""
    not_an_image = "it is not a PNG, JPEG or SVG image"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImageProblem(not_an_image) from None
    if "<!DOCTYPE" in text.upper():
        raise ImageProblem("the SVG file has a DOCTYPE; remove it (SVG images need none)")
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 (no DOCTYPE, so no entities)
    except ElementTree.ParseError:
        raise ImageProblem(not_an_image) from None
    if root.tag not in SVG_ROOTS:
        raise ImageProblem(not_an_image)
