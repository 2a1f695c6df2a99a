"""Anyone checks a portable credential here (``/verify/credential``), without an account: they
paste its JSON, or choose its ``.json`` file or a badge image with it baked in.

The check itself is ``certificates.ob3.checking.check_credential``: the proof against the keys
this program publishes (retired ones too, for what they signed before they were retired), the
dates, and the revocation bit in our status list.
This page only reads what was sent, says in plain words what is wrong with something that is
not a credential, and shows each check as a line. A credential from another issuer fails the
"issued by us" check; the page says we can only vouch for this program's.

When the issuer and signature checks pass, the page also links the certificate's public page
(its code read from the credential, the address built here with ``public_url``: never an
address taken from what was sent) and lists the criteria the program signed.

Limits: 200 KB of pasted text and a 2 MB file, said on the form. A larger body is refused
before it is read (``request.max_content_length``, set before any guard reads the form), with
this page's own message rather than the site's general one about uploads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from werkzeug.datastructures import FileStorage

from certificates.codes import CodeError, format_code, parse_code
from certificates.ob3 import baking, checking, reading
from training.certs.views import _verify_limit
from training.extensions import limiter
from training.forms import refuse_bad_csrf
from training.input_checks import takes_files
from training.models import utcnow
from training.ob3 import bp, signing_keys, status
from training.ob3.forms import FILE_BYTES, PASTE_CHARACTERS, CheckCredentialForm
from training.urls import public_url

ENDPOINT = "ob3.verify_credential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: room in the request body for the pasted text and the form around the file
FORM_ALLOWANCE = 1024 * 1024
#: the most pasted text the request may carry in bytes (a character may take up to 4)
PASTE_BYTES = 4 * PASTE_CHARACTERS + 64 * 1024

TOO_LARGE = (
    "What you sent is too large to be a credential. A pasted credential can be at most 200 KB "
    "and a file at most 2 MB; a credential from this program is a few kilobytes. Nothing was "
    "kept. Please check that you chose the right file."
)

#: a check of a credential counts against the same allowance as a look-up of a code; showing
#: the empty form does not
check_limit = limiter.shared_limit(
    _verify_limit,
    scope="verification",
    methods=["POST"],
    error_message=(
        "Many certificates and credentials have been checked from your network in a short "
        "time, so checking is paused for a while. Please wait, then try again."
    ),
)


class UnreadableCredential(ValueError):
    """What was sent is not a credential we can read; the message says why, in plain words."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Sent:
    """What the verifier sent, read as a credential."""

    credential: dict[str, Any]
    source: str  # "pasted text", "the file credential.json", …


@bp.url_value_preprocessor
def limit_the_body(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Runs before any guard reads the form: this page never reads a body larger than a file
    and the text beside it could be."""
    if endpoint == ENDPOINT:
        request.max_content_length = FILE_BYTES + FORM_ALLOWANCE + PASTE_BYTES
        request.max_form_memory_size = PASTE_BYTES


@bp.errorhandler(413)
def too_large(error: Exception):  # type: ignore[no-untyped-def]
    """This page's 413 says its own limits; any other page of the blueprint gets the site's."""
    if request.endpoint == ENDPOINT:
        return _page(CheckCredentialForm(formdata=None), problem=TOO_LARGE), 413
    from training.outside import too_large as site_too_large

    return site_too_large(error)


@bp.route("/verify/credential", methods=["GET", "POST"])
@takes_files
@check_limit
def verify_credential():  # type: ignore[no-untyped-def]
    form = CheckCredentialForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        refuse_bad_csrf(form)
        return _page(form), 400
    try:
        sent = read_sent(form.credential.data or "", form.file.data)
    except UnreadableCredential as error:
        return _page(form, problem=str(error)), error.status
    outcome = checking.check_credential(
        sent.credential,
        issuer_id=public_url("ob3.issuer"),
        public_keys=signing_keys.public_keys(),
        revoked=status.revoked,
        now=utcnow(),
        code_check_url=public_url("certs.verify"),
        retired_at=signing_keys.retired_times(),
    )
    return _page(
        CheckCredentialForm(formdata=None),
        outcome=outcome,
        valid_from=reading.readable_date(outcome.valid_from),
        valid_until=reading.readable_date(outcome.valid_until),
        source=sent.source,
        foreign_issuer=outcome.foreign_issuer,
        code_url=_code_url(outcome.certificate_code),
        **_email_compared(sent.credential, outcome, form.email.data),
    )


def _email_compared(
    credential: dict[str, Any], outcome: checking.Outcome, email: str | None
) -> dict[str, Any]:
    """Whether the email address the verifier typed is the one the credential names (compared
    only for a genuine credential; the address is not kept)."""
    email = (email or "").strip()
    if not email:
        return {"email_given": False}
    found = reading.email_matches(credential, email) if outcome.genuine else None
    return {"email_given": True, "email_match": found}


def _code_url(code: str | None) -> str | None:
    """The public page of the certificate a genuine credential names, from our own address."""
    if code is None:
        return None
    try:
        return public_url("certs.verify_code", code=format_code(parse_code(code)))
    except CodeError:
        return None


def _page(form: CheckCredentialForm, **context: Any) -> str:
    return render_template(
        "ob3/verify_credential.html",
        form=form,
        issuer_url=public_url("ob3.issuer"),
        **context,
    )


# --- reading what was sent -----------------------------------------------------------------------


def read_sent(text: str, upload: FileStorage | None) -> Sent:
    """The credential in the pasted ``text`` or the chosen file; UnreadableCredential if there
    is none, both, or something that is not a credential."""
    chosen = isinstance(upload, FileStorage) and bool(upload.filename)
    if chosen and text.strip():
        raise UnreadableCredential(
            "Please paste a credential or choose a file, not both: clear the box or the file, "
            "then check again."
        )
    if chosen:
        assert upload is not None
        return _read_file(upload)
    if not text.strip():
        raise UnreadableCredential(
            "Paste a credential into the box, or choose its file, then check again."
        )
    return Sent(_parsed(text), "the pasted text")


def _read_file(upload: FileStorage) -> Sent:
    data = upload.stream.read(FILE_BYTES + 1)
    name = upload.filename or "file"
    if len(data) > FILE_BYTES:
        raise UnreadableCredential(
            f"The file {name} is larger than 2 MB, so it is not a credential of this program "
            "(they are a few kilobytes; a badge image well under 1 MB). Please choose the "
            "credential's .json file or its badge image.",
            status=413,
        )
    if not data:
        raise UnreadableCredential(f"The file {name} is empty. Please choose another file.")
    source = f"the file {name}"
    if data.startswith(PNG_SIGNATURE):
        return Sent(_unbaked(data, name), source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableCredential(
            f"The file {name} is neither a credential (.json) nor a badge image (.png). Please "
            "choose the credential's .json file, or the badge image downloaded with it."
        ) from None
    return Sent(_parsed(text), source)


def _unbaked(png: bytes, name: str) -> dict[str, Any]:
    try:
        credential = baking.unbake(png)
    except ValueError as error:
        raise UnreadableCredential(
            f"The image {name} could not be read as a badge image ({error}). Please choose the "
            "badge image as it was downloaded, or the credential's .json file."
        ) from None
    if credential is None:
        raise UnreadableCredential(
            f"The image {name} has no credential inside it. A badge image downloaded from a "
            "holder's share page carries one; a picture or a screenshot of a badge does not. "
            "Please ask the holder for the credential's .json file or the downloaded badge image."
        )
    if not isinstance(credential, dict):
        raise UnreadableCredential(
            f"The credential inside the image {name} is not one we can read."
        )
    return credential


def _parsed(text: str) -> dict[str, Any]:
    """The JSON object in ``text``; UnreadableCredential, saying where, for anything else."""
    stripped = text.strip()
    if stripped.startswith("eyJ"):
        raise UnreadableCredential(
            "This looks like a credential in JWT form (a long line starting with eyJ). This page "
            "checks the JSON form: please paste the credential's JSON, from its first { to its "
            "last }."
        )
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        raise UnreadableCredential(
            f"This is not valid JSON: at line {error.lineno}, column {error.colno}, "
            f"{error.msg[0].lower()}{error.msg[1:]}. Please paste the whole credential, from its "
            "first { to its last }, as it was given to you."
        ) from None
    except (ValueError, RecursionError):
        raise UnreadableCredential(
            "This JSON holds values no credential has (numbers hundreds of digits long, or "
            "brackets nested hundreds deep), so it is not a credential. Please paste the "
            "credential as it was given to you."
        ) from None
    if not isinstance(value, dict):
        raise UnreadableCredential(
            "This is JSON, but not a credential: a credential is one JSON object, written "
            "between { and }. Please paste the whole credential."
        )
    return value


__all__ = ["FILE_BYTES", "PASTE_CHARACTERS", "read_sent", "verify_credential"]
