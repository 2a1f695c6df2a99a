"""Checking, storing and handing out uploaded files.

A file is accepted only if its content is a PDF, PNG or JPEG (read by ``filetype`` from its
first bytes, never from its name or the type the browser claimed), an image also opens and
verifies with Pillow, and it is at most ``UPLOAD_MAX_BYTES``. Each refusal says what was wrong
in plain words ("This file is a Word document. Please upload a PDF, PNG or JPEG.").

A stored file is served only as a download (``training.outside.views.stored_file``), to its
owner, program leads and the supervisors assigned to its owner (``may_download``).
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import unicodedata
import warnings

import filetype
from flask import current_app
from PIL import Image
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from training import audit, limits
from training.extensions import db
from training.hours.assignments import supervises
from training.models import Role, User
from training.uploads.models import StoredFile

SUBJECT = "stored_file"
ASK = "Please upload a PDF, PNG or JPEG."
MB = 1024 * 1024

#: the accepted types, by the type read from the content: the extension a download gets, and
#: the extensions a file of that type may already have
ACCEPTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("pdf", ("pdf",)),
    "image/png": ("png", ("png",)),
    "image/jpeg": ("jpg", ("jpg", "jpeg", "jpe")),
}
IMAGES = {"image/png": "PNG", "image/jpeg": "JPEG"}

#: how a refused file is named to the person who chose it
DESCRIBED = {
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
    "application/vnd.oasis.opendocument.text": "an OpenDocument text document",
    "application/rtf": "a rich-text (RTF) document",
    "application/vnd.ms-excel": "an Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet",
    "application/vnd.ms-powerpoint": "a PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "a PowerPoint presentation"
    ),
    "application/zip": "a ZIP archive",
    "image/heic": "a HEIC photo (the iPhone's format; its share menu can save it as JPEG)",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "image/tiff": "a TIFF image",
    "image/bmp": "a BMP image",
}


class UploadError(ValueError):
    """A file that cannot be accepted, with the message for the person who chose it."""


def size_in_mb(size: int) -> str:
    """Bytes as megabytes for a message, rounded up to one decimal (a file just over a 5 MB
    limit is "5.1 MB", never "5.0 MB"): 7_549_747 -> "7.2"; 5 MB -> "5"."""
    return f"{math.ceil(size * 10 / MB) / 10:g}"


def _read(file_storage: FileStorage, limit: int) -> bytes:
    """The file's bytes; UploadError if it is empty or larger than ``limit`` (its size is
    measured, without reading it, where the stream can seek)."""
    stream = file_storage.stream
    try:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
    except (AttributeError, OSError, ValueError):  # a stream that cannot seek: read a bit more
        size = None
    data = stream.read(limit + 1)
    size = len(data) if size is None else size
    if size > limit:
        raise UploadError(
            f"This file is {size_in_mb(size)} MB; the limit is {size_in_mb(limit)} MB. "
            "Please upload a smaller copy (a scan at a lower resolution, say)."
        )
    if not data:
        raise UploadError(f"This file is empty. {ASK}")
    return data


def detected_type(data: bytes) -> str:
    """The content type read from the file's content; UploadError unless PDF, PNG or JPEG."""
    kind = filetype.guess(data)
    if kind is None:
        raise UploadError(f"We couldn't recognise this kind of file. {ASK}")
    if kind.mime not in ACCEPTED:
        # no article before a bare format name: "a EXE file" reads wrong, "in EXE format" not
        what = DESCRIBED.get(kind.mime, f"in {kind.extension.upper()} format")
        raise UploadError(f"This file is {what}. {ASK}")
    if kind.mime in IMAGES:
        _verify_image(data, IMAGES[kind.mime])
    return kind.mime


def _verify_image(data: bytes, expected_format: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadError(
                "This image has too many pixels to open safely. Please upload a smaller copy."
            ) from None
        except Exception:  # Pillow raises many kinds for a damaged file
            image_format = None
    if image_format != expected_format:
        raise UploadError(
            f"This {expected_format} image seems to be damaged: it could not be opened. {ASK}"
        )


def safe_filename(raw: str | None, content_type: str) -> str:
    """The name to keep and offer on download: no folders, no control, format or direction
    characters, spaces collapsed, at most ``limits.FILE_NAME`` characters, and ending in the
    detected type's extension ("report.html" holding a PDF becomes "report.html.pdf")."""
    extension, known = ACCEPTED[content_type]
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, ending = name.rpartition(".")
    if not dot or ending.lower() not in known:
        stem = name
    stem = stem[: limits.FILE_NAME - len(extension) - 1].rstrip(" .") or "certificate"
    return f"{stem}.{extension}"


def store_upload(
    file_storage: FileStorage, owner: User, *, uploaded_by: User | None = None
) -> StoredFile:
    """Check an uploaded file and add it, owned by ``owner``, to the open transaction (the
    caller commits it with the record it belongs to), with an audit event. UploadError says
    why a file is refused; nothing is added then."""
    if file_storage is None or not isinstance(file_storage, FileStorage):
        raise UploadError(f"Choose the file to upload. {ASK}")
    data = _read(file_storage, int(current_app.config["UPLOAD_MAX_BYTES"]))
    content_type = detected_type(data)
    stored = StoredFile(
        owner_id=owner.id,
        uploaded_by_id=(uploaded_by or owner).id,
        filename=safe_filename(file_storage.filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    db.session.add(stored)
    db.session.flush()
    audit.record(
        uploaded_by or owner,
        SUBJECT,
        stored.id,
        "uploaded",
        comment=f"{stored.filename} ({stored.size:,} bytes, SHA-256 {stored.sha256[:16]}…)",
    )
    return stored


def discard(actor: User, file_id: int) -> None:
    """Delete a file no record uses any more (replaced, or its record withdrawn), in the open
    transaction, with an audit event."""
    db.session.execute(delete(StoredFile).where(StoredFile.id == file_id))
    audit.record(actor, SUBJECT, file_id, "deleted")


def may_download(user: User, stored: StoredFile) -> bool:
    """Its owner, program leads, and the supervisors who supervise its owner."""
    if not user.is_authenticated or not user.active:
        return False
    if user.id == stored.owner_id or user.role == Role.LEAD:
        return True
    return supervises(user, stored.owner_id)


def file_data(file_id: int) -> bytes:
    """The file's bytes (not loaded with the file's other columns)."""
    return db.session.scalar(select(StoredFile.data).where(StoredFile.id == file_id)) or b""
