"""The certificate's design, checked as a person sees it: rendered to an image (the logo's and the
signature's colours where they belong, the seal, one landscape page one whatever the lengths)
and read as text (program, holder, track, hours by domain, the verification line with its code).
Each rendering is kept in test-artifacts/certificate/."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from certificates.pdf import CertificateFacts, laid_out, render_certificate
from certificates.pdf_images import EmbeddedImage, embedded_image
from certificates.seal import GOLD, NAVY
from tests.certificates.test_pdf import CERTIFIES, FACTS, LONG_NAME, NEW

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "certificate"
LOGO_RGB = (0x12, 0xC4, 0x5A)  # a green nothing else on the certificate is
SIGNATURE_RGB = (0xD0, 0x20, 0xC0)  # a magenta, likewise
MM = 72 / 25.4  # PDF points in a millimetre
#: how tightly each PDF rendered here was set ("", "dense" or "densest")
DENSITY: dict[Path, str] = {}


def png(rgb: tuple[int, int, int], size: tuple[int, int]) -> EmbeddedImage:
    out = io.BytesIO()
    Image.new("RGB", size, rgb).save(out, "PNG")
    return embedded_image(out.getvalue())


LOGO = png(LOGO_RGB, (300, 100))
SIGNATURE = png(SIGNATURE_RGB, (240, 60))
DRESSED = replace(NEW, logo=LOGO, signature=SIGNATURE)

#: the longest plausible values: names at their limits (a person's name 120 characters, the
#: program's 200), a long track title, exam and evaluation, a renewal, hours in six domains
#: (the four the platform knows and two a future track might add), a long public address
PROGRAM = (
    "Northern Regional Peer Recovery Support Services Training, Workforce Development and "
    "Continuing Education Institute of the Greater Metropolitan Area Behavioral Health "
    "Collaborative of the State"
)
LONGEST = replace(
    NEW,
    holder_name=LONG_NAME,
    track_title="Peer Recovery Specialist (foundation training modelled on IC&RC's Peer "
    "Recovery credential, with supervised practice)",
    program_name=PROGRAM,
    provider_approval=(
        "Approved education provider no. 1234-5678-ABCD, State Certification Board for "
        "Addiction Professionals and Peer Recovery Specialists, approval renewed in 2026 "
        "for continuing education and initial training hours"
    )[:200],
    signatory_name="Maria Alexandra Guadalupe Fernández-Castellanos de la Santísima Trinidad",
    certifies=replace(
        CERTIFIES,
        training_hours={
            "advocacy": 10.25,
            "mentoring_education": 12.5,
            "ethical_responsibility": 14.75,
            "recovery_wellness": 9.5,
            "crisis_and_safety_planning": 6.25,
            "cultural_humility_and_equity": 4.5,
        },
        exam={
            "name": "Peer Recovery Specialist examination of the International Certification "
            "& Reciprocity Consortium (IC&RC), written, computer-based",
            "result": "passed",
            "on": "2026-05-03",
        },
        evaluation={
            "title": "Competency evaluation against SAMHSA's core competencies for peer workers",
            "by": LONG_NAME,
            "on": "2026-05-02",
        },
        continuing_education={
            "advocacy": 4.25,
            "mentoring_education": 5.5,
            "ethical_responsibility": 6,
            "recovery_wellness": 4.75,
        },
    ),
    verify_url="https://training.northern-regional-peer-recovery.example.org/peer-support/"
    "verify/6290E-2B5E2-9QGSS",
)


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def render(facts: CertificateFacts, name: str, tmp_path: Path) -> tuple[Path, Image.Image]:
    """The PDF, and page one as an image at 50 dpi, also kept as an artifact."""
    pdf = tmp_path / f"{name}.pdf"
    density, document = laid_out(facts)
    pdf.write_bytes(document.write_pdf())
    DENSITY[pdf] = density
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(tmp_path / name)],
        check=True,
    )  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes((tmp_path / f"{name}.png").read_bytes())
    return pdf, Image.open(tmp_path / f"{name}.png").convert("RGB")


def pixels(image: Image.Image, rgb: tuple[int, int, int], box: tuple[float, ...]) -> int:
    """How many pixels of ``rgb`` (give or take 3 in each channel, for colour conversion) lie in
    ``box`` (fractions of the page: left, top, right, bottom)."""
    w, h = image.size
    region = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    return sum(
        n
        for n, colour in region.getcolors(w * h)
        if all(abs(a - b) <= 3 for a, b in zip(colour, rgb, strict=True))
    )


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def page_count(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))


def text(pdf: Path, page: int = 1) -> str:
    return " ".join(run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-").split())


def words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """Page one's words with their boxes (points from the top left)."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        run("pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"),
    )
    return [(t, float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def assert_page_one_is_one_landscape_page(pdf: Path, image: Image.Image) -> None:
    assert "841.89 x 595.276" in run("pdfinfo", str(pdf))  # A4, landscape
    assert image.width > image.height
    if page_count(pdf) > 1:  # the transcript starts on page two: page one's content fits one
        assert text(pdf, 2).startswith("Transcript of training")
        assert "Certificate code" not in text(pdf, 2)


def assert_band_clear_of_the_foot(pdf: Path, facts: CertificateFacts) -> None:
    """The middle band ends above the seal and the QR code (smaller on a page set tightest)."""
    qr, seal = (22, 25) if DENSITY[pdf] == "densest" else (25, 29)
    boxes = words(pdf)
    texts = [b[0] for b in boxes]
    if facts.certifies:  # from its first heading to the hours' total
        band = boxes[texts.index("COMPLETED") : texts.index("Total") + 2]
    else:  # "Training hours by domain: … of supervision."
        band = boxes[texts.index("domain:") - 3 : texts.index("supervision.") + 1]
    band_end = max(b[4] for b in band)
    code_top = next(b[2] for b in boxes if b[0] == "Certificate" and b[2] > 300)
    issued_top = next(b[2] for b in boxes if b[0] == "Issued" and b[2] > 300)
    assert band_end < code_top - qr * MM  # the QR code stands on "Certificate code"
    assert band_end < issued_top - seal * MM  # the seal stands on the dates


# --- the design, with a logo and a signature ------------------------------------------------------


@pytest.fixture(scope="module")
def dressed(tmp_path_factory):
    return render(DRESSED, "with-logo-and-signature", tmp_path_factory.mktemp("design"))


def test_the_logo_is_at_the_top_and_the_signature_at_the_bottom_left(dressed):
    pdf, image = dressed
    assert_page_one_is_one_landscape_page(pdf, image)
    assert pixels(image, LOGO_RGB, (0.3, 0, 0.7, 0.25)) > 500  # about 66 by 22 pixels
    assert pixels(image, LOGO_RGB, (0, 0.25, 1, 1)) == 0
    assert pixels(image, SIGNATURE_RGB, (0, 0.65, 0.35, 1)) > 300
    assert (
        pixels(image, SIGNATURE_RGB, (0.35, 0, 1, 1))
        + pixels(image, SIGNATURE_RGB, (0, 0, 0.35, 0.65))
        == 0
    )


def test_the_seal_is_drawn_between_the_signature_and_the_qr_code(dressed):
    _, image = dressed
    foot_middle = (0.38, 0.6, 0.62, 0.92)
    assert pixels(image, hex_rgb(GOLD), foot_middle) > 400  # its rosette
    assert pixels(image, hex_rgb(NAVY), foot_middle) > 400  # its ring


def test_the_text_reads_program_holder_track_hours_by_domain_and_where_to_verify(dressed):
    pdf, _ = dressed
    page = text(pdf)
    for expected in (
        "Peer Support Training Program",
        "Certificate of Training",
        "This certifies that Riley Chen has completed the training track Peer Recovery "
        "Specialist of Peer Support Training Program, including:",
        "TRAINING HOURS BY DOMAIN",
        "Advocacy 10 Mentoring/Education 12 Ethical Responsibility 14 Total 36",
        "Passed the NCPRSS examination (NAADAC) on 3 May 2026.",
        "Morgan Reyes Program lead",
        "Issued 22 November 2026 Valid until 22 November 2028",
        "Certificate code 6290E-2B5E2-9QGSS",
        "Verify at https://training.example.org/verify/6290E-2B5E2-9QGSS",
    ):
        assert expected in page, expected
    # the seal's lettering is drawn, not text: it never breaks into the words around it
    assert "PEER SUPPORT TRAINING PROGRAM Certificate of Training" in page
    assert "Total 36 2026 Morgan Reyes" in page


def test_the_same_facts_and_images_give_the_same_pdf(dressed):
    pdf, _ = dressed
    assert render_certificate(DRESSED) == pdf.read_bytes()


# --- the defaults: a wordmark and a line to sign on ---------------------------------------------


def test_without_images_the_program_is_a_wordmark_and_there_is_a_line_to_sign_on(tmp_path):
    pdf, image = render(NEW, "defaults", tmp_path)
    assert_page_one_is_one_landscape_page(pdf, image)
    assert pixels(image, LOGO_RGB, (0, 0, 1, 1)) == pixels(image, SIGNATURE_RGB, (0, 0, 1, 1)) == 0
    assert text(pdf).startswith("PEER SUPPORT TRAINING PROGRAM Certificate of Training")
    assert pixels(image, hex_rgb(GOLD), (0.38, 0.6, 0.62, 0.92)) > 400  # the seal, still
    assert_band_clear_of_the_foot(pdf, NEW)


def test_an_svg_logo_is_drawn_and_what_it_links_to_is_never_fetched(tmp_path):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'width="300" height="100" viewBox="0 0 300 100"><rect width="300" height="100" '
        b'fill="#12c45a"/><image x="0" y="0" width="10" height="10" '
        b'xlink:href="http://127.0.0.1:9/tracker.png"/></svg>'
    )
    logo = embedded_image(svg)
    assert logo.media_type == "image/svg+xml"
    _, image = render(replace(NEW, logo=logo), "svg-logo", tmp_path)
    assert pixels(image, LOGO_RGB, (0.3, 0, 0.7, 0.25)) > 500


# --- the longest plausible values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "facts"),
    [
        ("longest", LONGEST),
        ("longest-with-images", replace(LONGEST, logo=LOGO, signature=SIGNATURE)),
        ("longest-before-transcripts", replace(LONGEST, certifies=None, transcript=(),
                                               training_hours=LONGEST.certifies.training_hours,
                                               approved_minutes=FACTS.approved_minutes)),
    ],
)  # fmt: skip
def test_page_one_stays_one_page_with_the_longest_values(tmp_path, name, facts):
    pdf, image = render(facts, name, tmp_path)
    assert_page_one_is_one_landscape_page(pdf, image)
    if facts.certifies is None:
        assert page_count(pdf) == 1
    page = text(pdf)
    squeezed = "".join(page.split())  # long lines wrap: compare without the spaces
    for expected in (PROGRAM, LONG_NAME, facts.track_title, facts.verify_url):
        assert "".join(expected.split()).lower() in squeezed.lower(), expected
    if facts.certifies is None:  # as such certificates always said it, every domain named
        assert "crisis_and_safety_planning 6.25 · cultural_humility_and_equity 4.5 (total " in page
    else:
        rows = run("pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-")
        assert re.search(r"crisis_and_safety_planning +6\.25\n", rows)  # six domains, a row each
        assert re.search(r"Total +57\.75\n", rows)
    assert_band_clear_of_the_foot(pdf, facts)
    if facts.logo:
        assert pixels(image, LOGO_RGB, (0.3, 0, 0.7, 0.25)) > 300
        assert pixels(image, SIGNATURE_RGB, (0, 0.65, 0.35, 1)) > 300
