"""The certificate's logo and signature from configuration: checked when the app starts (a file
that cannot be used stops it, with a message naming the setting and what is wrong), then drawn
on every certificate issued."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from tests.helpers import app_config, app_with_database, assign, in_app, make_user
from tests.training.certs.test_views import issue, make_eligible, use_track
from training import ConfigurationError, create_app
from training.extensions import db
from training.models import Certificate, Role

LOGO_RGB = (0x12, 0xC4, 0x5A)


def write_png(path, rgb=LOGO_RGB, size=(300, 100)):
    out = io.BytesIO()
    Image.new("RGB", size, rgb).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def refused(**settings: object) -> str:
    with pytest.raises(ConfigurationError) as error:
        create_app(app_config(**settings))
    return str(error.value)


def test_without_images_the_app_starts_and_certificates_use_the_defaults():
    app = create_app(app_config())
    assert app.extensions["certificate_images"] == {
        "CERTIFICATE_LOGO": None,
        "CERTIFICATE_SIGNATURE": None,
    }


def test_a_missing_file_stops_the_app_naming_the_setting(tmp_path):
    message = refused(CERTIFICATE_LOGO=str(tmp_path / "logo.png"))
    assert message.startswith(f"FLASK_CERTIFICATE_LOGO is set to '{tmp_path / 'logo.png'}'")
    assert "there is no file there" in message
    assert "Point it at a PNG, JPEG or SVG logo of at most 1 MB, or leave it unset." in message


def test_a_folder_a_big_file_or_a_document_is_refused_with_the_reason(tmp_path):
    assert "that is not a file" in refused(CERTIFICATE_SIGNATURE=str(tmp_path))
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 1024 * 1024)
    message = refused(CERTIFICATE_SIGNATURE=str(big))
    assert message.startswith("FLASK_CERTIFICATE_SIGNATURE")
    assert "too big (1,048,584 bytes; the limit is 1,048,576 bytes, 1 MB)" in message
    assert "signature image of at most 1 MB" in message
    document = tmp_path / "logo.png"
    document.write_bytes(b"%PDF-1.4 not an image")
    assert "it is not a PNG, JPEG or SVG image." in refused(CERTIFICATE_LOGO=str(document))


def test_an_unreadable_file_is_refused(tmp_path, monkeypatch):
    logo = write_png(tmp_path / "logo.png")
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:  # as for a file of another user (tests may run as root)
        if path == logo:
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert "the file cannot be read (Permission denied)" in refused(CERTIFICATE_LOGO=str(logo))


def test_the_setting_may_come_from_the_environment(tmp_path, monkeypatch):
    config = app_config()
    del config["CERTIFICATE_LOGO"]  # what create_app is given wins over the environment
    monkeypatch.setenv("FLASK_CERTIFICATE_LOGO", str(tmp_path / "nowhere.svg"))
    with pytest.raises(ConfigurationError, match="FLASK_CERTIFICATE_LOGO is set to"):
        create_app(config)
    monkeypatch.setenv("FLASK_CERTIFICATE_LOGO", str(write_png(tmp_path / "logo.png")))
    app = create_app(config)
    assert app.extensions["certificate_images"]["CERTIFICATE_LOGO"].media_type == "image/png"


def test_an_issued_certificate_carries_the_configured_logo_at_the_top(tmp_path):
    logo = write_png(tmp_path / "logo.png")
    signature = write_png(tmp_path / "signature.png", rgb=(0xD0, 0x20, 0xC0), size=(240, 60))
    with app_with_database(CERTIFICATE_LOGO=str(logo), CERTIFICATE_SIGNATURE=str(signature)) as app:
        use_track(app, tmp_path / "content")
        lead = make_user(Role.LEAD, name="Morgan Lead")
        supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
        trainee = make_user(Role.TRAINEE, name="Riley Chen")
        assign(trainee, supervisor)
        make_eligible(app, trainee, supervisor)
        issue(app.test_client(), lead, trainee)
        with in_app():
            pdf = db.session.scalars(select(Certificate)).one().pdf
    (tmp_path / "issued.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "issued.pdf"), str(tmp_path / "issued")],
        check=True,
    )  # fmt: skip
    page = Image.open(tmp_path / "issued.png").convert("RGB")
    top = page.crop((0, 0, page.width, page.height // 4))
    near = [n for n, c in top.getcolors(page.width * page.height) if _near(c, LOGO_RGB)]
    assert sum(near) > 500
    bottom_left = page.crop((0, page.height * 2 // 3, page.width // 3, page.height))
    colours = bottom_left.getcolors(page.width * page.height)
    assert sum(n for n, c in colours if _near(c, (0xD0, 0x20, 0xC0))) > 300


def _near(colour: tuple[int, ...], rgb: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 3 for a, b in zip(colour, rgb, strict=True))
