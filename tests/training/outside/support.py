"""Files and records for the outside-training tests."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy import select

from tests.helpers import html_of, in_app, save, sign_in
from training.extensions import db
from training.models import AuditEvent, User
from training.outside.models import OutsideRecord
from training.uploads.models import StoredFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
_files = itertools.count(1)
YESTERDAY = datetime.now(UTC).date() - timedelta(days=1)


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, kind)
    return buffer.getvalue()


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(data: bytes = PDF, name: str = "certificate.pdf") -> tuple[io.BytesIO, str]:
    """A file as a test client sends it in a form."""
    return (io.BytesIO(data), name)


def record_form(**changes: object) -> dict[str, object]:
    """A valid "add outside training" form: 2.5 h of ethics with a PDF certificate; a change to
    None leaves the field out."""
    data: dict[str, object] = {
        "provider": "Recovery Academy",
        "title": "Ethics in Peer Work",
        "day": YESTERDAY.isoformat(),
        "hours_ethical_responsibility": "2.5",
        "certificate": upload(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def make_file(owner: User, data: bytes = PDF, filename: str = "certificate.pdf") -> StoredFile:
    stored = StoredFile(
        owner_id=owner.id,
        uploaded_by_id=owner.id,
        filename=filename,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    save(stored)
    return stored


def make_record(
    trainee: User,
    status: str = "submitted",
    *,
    kind: str = "outside",
    hours: dict[str, float] | None = None,
    day: date = YESTERDAY,
    title: str = "Ethics in Peer Work",
    provider: str = "Recovery Academy",
    certificate: bytes | None = None,
    **fields: object,
) -> OutsideRecord:
    """A record with its certificate: ``certificate``'s bytes, or a PDF of its own."""
    stored = make_file(trainee, certificate or PDF + f"% record {next(_files)}\n".encode())
    record = OutsideRecord(
        trainee_id=trainee.id,
        kind=kind,
        provider=provider,
        title=title,
        day=day,
        hours=hours or {"ethical_responsibility": 2.5},
        file_id=stored.id,
        status=status,
        **fields,
    )
    save(record)
    return record


def events_of(subject_type: str, subject_id: int) -> list[tuple[int | None, str, str | None]]:
    """(actor id, action, comment) of a subject's audit events, in order."""
    with in_app():
        return [
            (e.actor_id, e.action, e.comment)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
                .order_by(AuditEvent.id)
            )
        ]


def as_(client, person):  # type: ignore[no-untyped-def]
    """The client, signed in as ``person``."""
    sign_in(client, person)
    return client


def only_record() -> OutsideRecord:
    """The one outside record there is, read fresh."""
    with in_app():
        records = db.session.scalars(select(OutsideRecord)).all()
        db.session.expunge_all()
    assert len(records) == 1
    return records[0]


def seen(record: OutsideRecord) -> str:
    """The version of a record a lead's decision form carries: when it was last sent."""
    return record.submitted_at.astimezone(UTC).isoformat(timespec="microseconds")


def decision(record: OutsideRecord, **fields: object) -> dict[str, object]:
    """An approve or return form sent from the record's page as it is now."""
    return {"seen": seen(record), **fields}


def seen_on_page(client, record_id: int) -> str:  # type: ignore[no-untyped-def]
    """The version the decision forms on the record's page carry (both the same)."""
    found = set(
        re.findall(r'name="seen" value="([^"]+)"', html_of(client.get(f"/outside/{record_id}")))
    )
    assert len(found) == 1, found
    return found.pop()
