"""The certificate PDF: one landscape page whose text holds the facts and whose QR code opens the
verification page; fonts embedded; nothing fetched; the same facts give the same file."""

import io
import subprocess
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from certificates.pdf import CertificateFacts, certificate_html, render_certificate

FACTS = CertificateFacts(
    holder_name="Riley Chen",
    track_title="Peer Recovery Specialist",
    program_name="Peer Support Training Program",
    signatory_name="Morgan Reyes",
    signatory_role="Program lead",
    issued_on=date(2026, 11, 22),
    expires_on=date(2028, 11, 22),
    code="6290E-2B5E2-9QGSS",
    verify_url="https://training.example.org/verify/6290E-2B5E2-9QGSS",
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "certificate.pdf"
    path.write_bytes(render_certificate(FACTS))
    return path


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_text_holds_holder_track_dates_code_and_address(pdf):
    text = " ".join(run("pdftotext", str(pdf), "-").split())
    for expected in (
        "Riley Chen",
        "Peer Recovery Specialist",
        "Issued 22 November 2026",
        "Valid until 22 November 2028",
        "6290E-2B5E2-9QGSS",
        "Morgan Reyes",
        "https://training.example.org/verify/6290E-2B5E2-9QGSS",
    ):
        assert expected in text


def test_one_landscape_page_with_embedded_fonts(pdf):
    info = run("pdfinfo", str(pdf))
    assert "Pages:           1" in info and "841.89 x 595.276" in info
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)


def test_the_qr_code_opens_the_verification_page(pdf, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (found,) = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert found.text == FACTS.verify_url


def test_rendering_again_gives_the_same_certificate(pdf):
    assert render_certificate(FACTS) == pdf.read_bytes()


def test_nothing_is_fetched_over_the_network():
    from certificates.pdf import _no_network

    with pytest.raises(ValueError, match="never fetch"):
        _no_network("https://example.org/logo.png")
    assert "http" not in certificate_html(FACTS).replace(FACTS.verify_url, "").replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_names_are_escaped_not_interpreted():
    from dataclasses import replace

    html = certificate_html(replace(FACTS, holder_name="<script>x</script> O'Neil"))
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert (
        io.BytesIO(render_certificate(replace(FACTS, holder_name="Zoë O'Neil-Nakamura")))
        .getbuffer()
        .nbytes
        > 0
    )
