"""The certificate's images from configuration: the program's logo (``CERTIFICATE_LOGO``) and the
signatory's signature (``CERTIFICATE_SIGNATURE``), each a path to a PNG, JPEG or SVG file of at
most 1 MB, both optional.

They are read and checked once, when the app starts (``load_images``, run as the certificates
blueprint is registered): a file that is missing, unreadable, too big or not such an image
stops the app with a message that names the setting and says what is wrong, rather than
certificates going out without the logo. Without a logo the certificate prints the program's
name as a wordmark; without a signature, a line to sign on with the signatory's name and role.
The images are configuration, not signed facts: they are drawn on certificates issued while
they are set.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from certificates.pdf_images import MAX_IMAGE_BYTES, EmbeddedImage, ImageProblem, embedded_image

#: each setting, and what it is called in a message
SETTINGS = {"CERTIFICATE_LOGO": "logo", "CERTIFICATE_SIGNATURE": "signature image"}
EXTENSION_KEY = "certificate_images"


def load_images(app: Flask) -> None:
    """Read and check the configured images; ConfigurationError if one cannot be used."""
    app.extensions[EXTENSION_KEY] = {key: _image(app, key) for key in SETTINGS}


def configured_image(key: str) -> EmbeddedImage | None:
    """The image read at start for ``key`` ("CERTIFICATE_LOGO" or "CERTIFICATE_SIGNATURE")."""
    return current_app.extensions.get(EXTENSION_KEY, {}).get(key)


def _image(app: Flask, key: str) -> EmbeddedImage | None:
    from training import ConfigurationError

    value = app.config.get(key)
    if value in (None, ""):
        return None
    path = Path(str(value)).expanduser()
    start = f"FLASK_{key} is set to {str(path)!r}, but"
    ask = f"Point it at a PNG, JPEG or SVG {SETTINGS[key]} of at most 1 MB, or leave it unset."
    try:
        if not path.exists():
            raise ConfigurationError(f"{start} there is no file there. {ask}")
        if not path.is_file():
            raise ConfigurationError(f"{start} that is not a file. {ask}")
        if path.stat().st_size > MAX_IMAGE_BYTES:
            size = path.stat().st_size
            raise ConfigurationError(
                f"{start} the file is too big ({size:,} bytes; the limit is "
                f"{MAX_IMAGE_BYTES:,} bytes, 1 MB). {ask}"
            )
        data = path.read_bytes()
    except OSError as error:
        raise ConfigurationError(
            f"{start} the file cannot be read ({error.strerror or error}). {ask}"
        ) from None
    try:
        return embedded_image(data)
    except ImageProblem as problem:
        raise ConfigurationError(f"{start} {problem}. {ask}") from None
