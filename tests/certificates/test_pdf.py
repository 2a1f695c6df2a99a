"""The certificate PDF: one landscape page whose text holds the facts and whose QR code opens the
verification page; fonts embedded; nothing fetched; the same facts give the same file."""

import io
import re
import subprocess
from dataclasses import replace
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from certificates.pdf import CertificateFacts, certificate_html, render_certificate
from certificates.transcript import Certifies, TranscriptLine

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
    training_hours={"mentoring_education": 10, "recovery_wellness": 9.5, "advocacy": 2},
    approved_minutes={"supervised_practice": 30000, "supervision": 1515},
    provider_approval="Approved education provider no. 1234",
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


def test_it_says_what_it_is_a_programs_training_certificate_with_hours_by_domain(pdf):
    text = " ".join(run("pdftotext", str(pdf), "-").split())
    assert "Certificate of Training" in text
    assert "has completed this program's training track" in text
    assert (
        "Training hours by domain: Advocacy 2 · Mentoring/Education 10 · Recovery/Wellness "
        "Support 9.5 (total 21.5)"
    ) in text
    assert "500 hours of supervised practice and 25.25 hours of supervision" in text
    assert (
        "A training certificate from Peer Support Training Program (Approved education provider "
        "no. 1234). It is not a state certification or an IC&RC credential"
    ) in text
    assert "required for" not in text  # it no longer claims to meet a credential's requirements


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
    from certificates.pdf import OnlyDataUris

    with pytest.raises(ValueError, match="never fetch"):
        OnlyDataUris()("https://example.org/logo.png")
    words = re.sub(r"<[^>]*>", "", certificate_html(FACTS))  # the address may break after "/"
    assert "http" not in words.replace(FACTS.verify_url, "")


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


# --- names in every script, and of any length -----------------------------------------------

LONG_NAME = (
    "Maria Alexandra Guadalupe Fernández-Castellanos de la Santísima Trinidad "
    "Núñez-Villanueva y Quintero-Ålborg Østergaard Smith"
)[:120]
NAMES = {
    "accented": "Zoë Ångström",
    "chinese": "陈美玲",
    "japanese": "山田 さくら",
    "arabic": "محمد علي",
    "korean": "김민준",
    "long": LONG_NAME,
    "one-long-word": "W" * 120,  # the column's limit, with nowhere to break
}
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
MM = 72 / 25.4  # PDF points in a millimetre


def _render(tmp_path, name):
    from dataclasses import replace

    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(replace(FACTS, holder_name=name)))
    return path


def _name_words(pdf):
    """The words of the holder's name with their boxes (points), as pdftotext finds them."""
    import html
    import re

    words = [
        (html.unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            run("pdftotext", "-bbox", str(pdf), "-"),
        )
    ]
    texts = [w[0] for w in words]
    start, end = texts.index("that") + 1, texts.index("completed") - 1  # "…that NAME has completed"
    return words[start:end]


def test_the_name_uses_fonts_for_every_script_and_is_never_empty_boxes(tmp_path):
    """Every glyph of the name comes from a font that has it: pdftotext reads the name back
    (a missing glyph comes out as nothing, or a box), and the fonts are embedded."""
    for name in NAMES.values():
        pdf = _render(tmp_path, name)
        text = "".join(run("pdftotext", str(pdf), "-").translate(BIDI_MARKS).split())
        assert "".join(name.split()) in text, name
        fonts = run("pdffonts", str(pdf))
        if name == NAMES["chinese"]:
            assert "CJK" in fonts
        if name == NAMES["arabic"]:
            assert "Arabic" in fonts


@pytest.mark.parametrize("kind", ["long", "one-long-word", "chinese", "arabic"])
def test_a_name_of_any_length_stays_inside_the_frame_on_one_page(tmp_path, kind):
    pdf = _render(tmp_path, NAMES[kind])
    assert "Pages:           1" in run("pdfinfo", str(pdf))
    width, inner = 841.89, 12 * MM + 9  # the page, and the frame's inner line (margin + 9px)
    boxes = _name_words(pdf)
    assert boxes, "the name is on the page"
    for _text, x0, _y0, x1, _y1 in boxes:
        assert inner < x0 and x1 < width - inner
    # Rendered, nothing is drawn in the page's margins, outside the frame.
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    page = Image.open(tmp_path / "p.png").convert("L")
    margin = int(10 * 50 / 25.4)  # 10 mm in pixels, inside the 12 mm margin
    for box in (
        (0, 0, margin, page.height),
        (page.width - margin, 0, page.width, page.height),
        (0, page.height - margin, page.width, page.height),
    ):
        assert page.crop(box).getextrema()[0] > 240, f"ink in the margin {box}"


def test_long_names_are_set_smaller_so_they_fit():
    assert 'class="holder"' in certificate_html(FACTS)
    from dataclasses import replace

    assert 'class="holder very-long"' in certificate_html(replace(FACTS, holder_name=LONG_NAME))


def test_one_hour_is_singular_and_the_program_and_approval_cannot_reorder_the_sentence():
    from dataclasses import replace

    from certificates.pdf import hours_text

    assert [hours_text(m) for m in (60, 90, 30000, 1515)] == [
        "1 hour", "1.5 hours", "500 hours", "25.25 hours"
    ]  # fmt: skip
    html = certificate_html(replace(FACTS, approved_minutes={"supervision": 60}))
    assert "0 hours of supervised practice and 1 hour of supervision" in " ".join(html.split())
    assert "(<bdi>Approved education provider no. 1234</bdi>)" in html
    assert "from <bdi>Peer Support Training Program</bdi>" in html


# --- a certificate with what the holder completed, and its transcript ---------------------------

CERTIFIES = Certifies(
    training_hours={"advocacy": 10, "mentoring_education": 12, "ethical_responsibility": 14},
    course_hours=26,
    live_hours=6,
    outside_hours=4,
    practice_minutes=30000,
    supervision_individual_minutes=1200,
    supervision_group_minutes=315,
    direct_service_minutes=15000,
    exam={"name": "NCPRSS examination (NAADAC)", "result": "passed", "on": "2026-05-03"},
    evaluation={"title": "Competency evaluation", "by": "Sam Supervisor", "on": "2026-05-02"},
    attestation_versions=("abc",),
)
LINES = (
    TranscriptLine("course", date(2026, 2, 1), "Ethics in practice", {"ethical_responsibility": 8}),
    TranscriptLine(
        "event", date(2026, 4, 2), "Ethics workshop", {"ethical_responsibility": 6}, minutes=360
    ),
    TranscriptLine(
        "outside",
        date(2026, 5, 1),
        "Mentoring 101",
        {"mentoring_education": 4},
        provider="State University",
    ),
)
NEW = replace(FACTS, training_hours={}, approved_minutes={}, certifies=CERTIFIES, transcript=LINES)


@pytest.fixture(scope="module")
def new_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "new.pdf"
    path.write_bytes(render_certificate(NEW))
    return path


def page_text(pdf, page):
    """A page's words in reading order, each table row on one line (then spaces squeezed).
    Page one is read as it flows (its middle band has two columns side by side)."""
    layout = ("-layout",) if page > 1 else ()
    lines = run("pdftotext", *layout, "-f", str(page), "-l", str(page), str(pdf), "-")
    return " ".join(lines.split())


def test_page_one_names_what_the_holder_completed_as_the_programs_certificate(new_pdf):
    text = page_text(new_pdf, 1)
    for expected in (
        "Peer Support Training Program",
        "Certificate of Training",
        "Riley Chen",
        "has completed the training track Peer Recovery Specialist of Peer Support Training "
        "Program, including:",
        "36 hours of training (Advocacy 10, Mentoring/Education 12, Ethical Responsibility 14); "
        "of them 6 hours at live events and 4 hours of outside training.",
        "500 hours of supervised practice, 250 hours of it in direct service",
        "25.25 hours of supervision (20 hours individual, 5.25 hours in a group).",
        "Passed the NCPRSS examination (NAADAC) on 3 May 2026.",
        "Competency evaluation completed and signed by Sam Supervisor on 2 May 2026.",
        "All statements this track asks were signed.",
        "Issued 22 November 2026 Valid until 22 November 2028",
        "Provider approval: Approved education provider no. 1234.",
        "It is not a certification board's credential",
        "6290E-2B5E2-9QGSS",
    ):
        assert expected in text, expected


def test_page_two_is_the_transcript(new_pdf):
    text = page_text(new_pdf, 2)
    assert "Transcript of training" in text
    assert "Date Training Kind Hours by domain Hours" in text
    assert "1 February 2026 Ethics in practice Course Ethical Responsibility 8 8" in text
    assert (
        "2 April 2026 Ethics workshop Live event, attended 6 hours Ethical Responsibility 6 6"
        in text
    )
    assert "1 May 2026 Mentoring 101 Outside training Mentoring/Education 4 4 from State" in text
    assert "Training hours counted 36" in text
    assert "Transcript of certificate 6290E-2B5E2-9QGSS · page 2 of 2" in text
    info = run("pdfinfo", str(new_pdf))
    assert "Pages:           2" in info and "841.89 x 595.276" in info


def test_a_long_transcript_flows_onto_more_pages_with_its_header_and_one_total(tmp_path):
    many = tuple(
        TranscriptLine("course", date(2026, 1, 1 + i % 28), f"Course {i:02}", {"advocacy": 1})
        for i in range(60)
    )
    path = tmp_path / "long.pdf"
    path.write_bytes(render_certificate(replace(NEW, transcript=many)))
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))
    assert pages >= 3
    texts = [page_text(path, n) for n in range(2, pages + 1)]
    assert all("Date Training Kind Hours by domain Hours" in t for t in texts)
    assert sum(t.count("Training hours counted") for t in texts) == 1
    assert "Course 59" in texts[-1] and f"page {pages} of {pages}" in texts[-1]
    assert sum(len(re.findall(r"Course \d\d ", t)) for t in texts) == 60


def test_the_same_facts_give_the_same_two_page_certificate(new_pdf):
    assert render_certificate(NEW) == new_pdf.read_bytes()


def test_outside_training_beyond_the_limit_says_none_counted(tmp_path):
    beyond = TranscriptLine("outside", date(2026, 6, 1), "Extra", {}, provider="Elsewhere")
    path = tmp_path / "beyond.pdf"
    path.write_bytes(render_certificate(replace(NEW, transcript=(*LINES, beyond))))
    assert "Extra Outside training none counted 0 from Elsewhere" in page_text(path, 2)


def _box(pdf, word, after=0.0):
    """The first box of ``word`` on page one below ``after`` (points from the top)."""
    found = re.findall(
        rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">{re.escape(word)}</word>',
        run("pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"),
    )
    return next(tuple(map(float, box)) for box in found if float(box[1]) > after)


@pytest.mark.parametrize("name", ["Riley Chen", LONG_NAME])
def test_what_the_holder_completed_stays_clear_of_the_signature_seal_and_qr_code(tmp_path, name):
    path = tmp_path / "page.pdf"
    path.write_bytes(render_certificate(replace(NEW, holder_name=name)))
    band_bottom = max(_box(path, "signed.")[3], _box(path, "Total")[3])
    assert band_bottom < _box(path, "code", after=300)[1] - 25 * MM  # the QR code (25 mm)
    assert band_bottom < _box(path, "Issued", after=300)[1] - 29 * MM  # the seal (29 mm)
    assert band_bottom < _box(path, "Morgan", after=300)[1] - 15 * MM  # room to sign


def test_a_certificate_signed_before_transcripts_renders_as_it_did():
    html = certificate_html(FACTS)
    assert "has completed this program's training track" in html
    assert "Transcript of training" not in html and "including:" not in html


def test_a_renewal_lists_its_continuing_education_apart_from_the_training(tmp_path):
    ce_lines = (
        TranscriptLine(
            "ce",
            date(2027, 3, 1),
            "Ethics update",
            {"ethical_responsibility": 6},
            provider="Recovery Academy",
        ),
        TranscriptLine(
            "ce", date(2027, 5, 1), "Advocacy today", {"advocacy": 14}, provider="State College"
        ),
    )
    renewal = replace(
        NEW,
        certifies=replace(
            CERTIFIES, continuing_education={"ethical_responsibility": 6, "advocacy": 14}
        ),
        transcript=(*LINES, *ce_lines),
    )
    path = tmp_path / "renewal.pdf"
    path.write_bytes(render_certificate(renewal))
    assert (
        "Renewed with 20 hours of continuing education (Advocacy 14, Ethical Responsibility 6)."
        in page_text(path, 1)
    )
    text = page_text(path, 2)
    assert "Training hours counted 36" in text  # continuing education is not training
    assert "Continuing education counted for this renewal" in text
    assert "Date Course Provider Hours by domain Hours" in text
    assert "1 March 2027 Ethics update Recovery Academy Ethical Responsibility 6 6" in text
    assert "1 May 2027 Advocacy today State College Advocacy 14 14" in text
    assert "Continuing-education hours counted 20" in text
    assert text.index("Training hours counted") < text.index("Ethics update")
