"""Baked badges: the credential a holder downloads inside the PNG reads back whole, by our code
and by Pillow's own PNG reader, and the picture is unchanged."""

import io
import json
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from certificates.ob3 import baking

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:0b9e2a8e-3c57-4bd4-9a43-57c1b1d0f6a1",
    "credentialSubject": {"name": "Zoë O'Brien & 李华"},
    "proof": {"proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk"},
}


def plain_png(colour=(31, 58, 95)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, "PNG")
    return out.getvalue()


def pixels(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGBA").tobytes()


def test_a_baked_credential_reads_back_whole_and_the_picture_is_unchanged():
    png = plain_png()
    baked = baking.bake(png, CREDENTIAL)
    assert baking.unbake(baked) == CREDENTIAL
    assert pixels(baked) == pixels(png)


def test_pillow_reads_the_credential_as_an_uncompressed_itxt_chunk_keyword_openbadgecredential():
    baked = baking.bake(plain_png(), CREDENTIAL)
    with Image.open(io.BytesIO(baked)) as image:
        image.load()
        text = image.text["openbadgecredential"]
    assert json.loads(text) == CREDENTIAL
    at = baked.index(b"iTXtopenbadgecredential\x00")
    assert baked[at + 24 : at + 26] == b"\x00\x00"  # compression flag and method: none


def test_baking_again_replaces_the_credential_instead_of_adding_a_second():
    once = baking.bake(plain_png(), {"id": "urn:uuid:old"})
    twice = baking.bake(once, CREDENTIAL)
    assert twice.count(b"openbadgecredential") == 1
    assert baking.unbake(twice) == CREDENTIAL
    assert twice == baking.bake(plain_png(), CREDENTIAL)


def test_a_png_without_a_credential_holds_none():
    assert baking.unbake(plain_png()) is None


def test_a_compressed_itxt_credential_written_by_another_tool_reads_too():
    out = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("openbadgecredential", json.dumps(CREDENTIAL), zip=True)
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    assert baking.unbake(out.getvalue()) == CREDENTIAL


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a\x01\x00", "not a PNG image"),
        (b"", "not a PNG image"),
        (baking.SIGNATURE + b"\x00\x00", "cut short"),
    ],
)
def test_a_file_that_is_not_a_png_is_refused_in_plain_words(data, reason):
    with pytest.raises(ValueError, match=reason):
        baking.unbake(data)
    with pytest.raises(ValueError, match=reason):
        baking.bake(data, CREDENTIAL)


def test_a_png_cut_short_or_damaged_is_refused():
    baked = baking.bake(plain_png(), CREDENTIAL)
    at = baked.index(b"Zo")
    with pytest.raises(ValueError, match="cut short"):
        baking.unbake(baked[:at])  # in the middle of the credential
    with pytest.raises(ValueError, match="cut short"):
        baking.bake(baked[:-20], CREDENTIAL)
    damaged = baked[:at] + b"Jo" + baked[at + 2 :]
    with pytest.raises(ValueError, match="checksum"):
        baking.unbake(damaged)


def itxt(text: bytes) -> bytes:
    data = b"openbadgecredential\x00\x00\x00\x00\x00" + text
    return (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )


@pytest.mark.parametrize("text", [b"eyJhbGciOiJFZERTQSJ9.e30.sig", b"[1, 2]", b"\xff\xfe"])
def test_a_baked_chunk_that_is_not_a_credential_json_is_refused(text):
    png = plain_png()
    chunked = png[:33] + itxt(text) + png[33:]  # after the signature and the 25-byte IHDR
    with pytest.raises(ValueError, match="credential"):
        baking.unbake(chunked)


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=5))
def test_any_json_object_survives_baking(credential):
    assert baking.unbake(baking.bake(plain_png(), credential)) == credential
