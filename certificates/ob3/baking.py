"""A badge image that carries its credential ("baking", Open Badges 3.0 §5.3): the signed
credential's JSON sits in the PNG in an ``iTXt`` chunk with the keyword
``openbadgecredential``, uncompressed, so a holder can hand over one file that both shows the
badge and proves it.

The PNG is read and written chunk by chunk, not redrawn: the picture's bytes stay exactly as
they were, baking the same credential into the same picture always gives the same file, and
reading a credential back never decodes the pixels (an uploaded image cannot make the site
unpack millions of them). A credential already baked in is replaced, as the specification asks.
"""

from __future__ import annotations

import json
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
#: the most a compressed iTXt credential may unpack to (a credential is a few kilobytes)
MAX_CREDENTIAL_BYTES = 1024 * 1024


def bake(png: bytes, credential: dict) -> bytes:
    """The PNG with ``credential`` baked in, right after its header chunk."""
    chunks = list(_chunks(png))
    if chunks[0][0] != b"IHDR":
        raise ValueError("The PNG image is damaged (it does not start with its header).")
    text = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    # keyword, NUL, compression flag 0, method 0, no language tag, no translated keyword
    baked = _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + text)
    out = [SIGNATURE]
    for kind, data, raw in chunks:
        if kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD:
            continue
        out.append(raw)
        if kind == b"IHDR":
            out.append(baked)
    return b"".join(out)


def unbake(png: bytes) -> dict | None:
    """The credential baked into ``png``; None if it holds none. ValueError, in plain words, if
    the file is not a PNG image or what is baked in is not a credential's JSON."""
    for kind, data, _ in _chunks(png):
        if kind != b"iTXt":
            continue
        keyword, _, rest = data.partition(b"\x00")
        if keyword != KEYWORD:
            continue
        return _credential(rest)
    return None


def _credential(rest: bytes) -> dict:
    """The credential in an iTXt chunk's data after its keyword."""
    if len(rest) < 2:
        raise ValueError("The badge image's credential is damaged.")
    compressed, method = rest[0], rest[1]
    parts = rest[2:].split(b"\x00", 2)  # language tag, translated keyword, text
    if len(parts) != 3:
        raise ValueError("The badge image's credential is damaged.")
    text = parts[2]
    if compressed:
        if method != 0:
            raise ValueError(
                "The badge image's credential is compressed in a way PNG does not use."
            )
        unzip = zlib.decompressobj()
        try:
            text = unzip.decompress(text, MAX_CREDENTIAL_BYTES)
        except zlib.error as error:
            raise ValueError("The badge image's credential is damaged.") from error
        if unzip.unconsumed_tail:
            raise ValueError("The badge image's credential is too large to read.")
    try:
        found = json.loads(text.decode())
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(
            "The badge image holds something that is not a credential's JSON "
            "(a credential in JWT form is not read here)."
        ) from error
    if not isinstance(found, dict):
        raise ValueError("The badge image holds JSON that is not a credential.")
    return found


def _chunks(png: bytes):
    """Each chunk as (type, data, its raw bytes), checked against its CRC."""
    if not isinstance(png, bytes | bytearray) or not png.startswith(SIGNATURE):
        raise ValueError("This file is not a PNG image.")
    at = len(SIGNATURE)
    while at < len(png):
        if at + 8 > len(png):
            raise ValueError("The PNG image is cut short.")
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        end = at + 12 + length
        if end > len(png):
            raise ValueError("The PNG image is cut short.")
        data = png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if zlib.crc32(kind + data) != crc:
            raise ValueError("The PNG image is damaged (a chunk does not match its checksum).")
        yield kind, bytes(data), bytes(png[at:end])
        at = end
        if kind == b"IEND":
            return
    raise ValueError("The PNG image is cut short (it has no end chunk).")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
