"""Trainees' certificates and public verification (a lead's certificate actions are
``training.certs.lead_actions``)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select

from certificates import signing
from certificates.codes import CodeError, format_code, parse_code
from certificates.transcript import Certifies, TranscriptLine, sentences_of, transcript_of
from certificates.transcript_digest import has_transcript
from training.auth import role_required
from training.certs import bp, issuing, keys, renewals, services
from training.certs.forms import VerifyForm
from training.dates import long_date
from training.extensions import db, limiter
from training.hours import services as hours
from training.hours.forms import ActionForm
from training.models import REVOCATION_CATEGORIES, Certificate, Role, SigningKey, User, utcnow
from training.urls import public_url

log = logging.getLogger(__name__)


def track_or_404(user: User):  # type: ignore[no-untyped-def]
    """The person's track (their cohort's, else the program's); a 404 when they have none."""
    track = hours.track_for(user)
    if track is None:
        abort(404)
    return track


# --- the trainee -------------------------------------------------------------------------------


@bp.route("/certificate/")
@role_required(Role.TRAINEE)
def mine():  # type: ignore[no-untyped-def]
    track = track_or_404(current_user)
    today = utcnow().date()
    certificates = services.certificates_of(current_user)
    current, revoked = services.standing(certificates, track)
    reminder = renewal = None
    ce_reminder = ""
    if current is not None:
        due = renewals.reminder_of(current_user, track, current, today)
        if due.due:
            reminder, ce_reminder = due.days_left, due.sentence
            renewal = services.renewal_status(current_user, track, current)
    return render_template(
        "certs/mine.html",
        track=track,
        checklist=services.checklist(current_user, track),
        certificates=certificates,
        current=current,
        revoked=revoked,
        revocation_reasons=REVOCATION_CATEGORIES,
        reminder=reminder,
        ce_reminder=ce_reminder,
        renewal=renewal,
        today=today,
        form=ActionForm(),
    )


@bp.route("/certificate/sign", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def sign():  # type: ignore[no-untyped-def]
    """Each attestation is signed on its own page now (``training.attestations``): an old
    link or form comes to the list of them, nothing signed."""
    return redirect(url_for("attestations.index")), 303


@bp.route("/certificate/<int:certificate_id>/renew", methods=["POST"])
@role_required(Role.TRAINEE)
def renew(certificate_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    try:
        new = issuing.renew(certificate, current_user, track_or_404(current_user))
    except services.CertificateError as error:
        flash(str(error), "error")
        return redirect(url_for(".mine")), 303
    except keys.NoSigningKey as error:  # the reason is for the operator
        log.error("A certificate could not be renewed: %s", error)
        flash(keys.CANNOT_SIGN_NOW, "error")
        return redirect(url_for(".mine")), 303
    flash(
        f"Renewed. Your new certificate {format_code(new.code)} is valid until "
        f"{long_date(new.expires_on)}.",
        "success",
    )
    return redirect(url_for(".mine"))


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):  # type: ignore[no-untyped-def]
    """The stored PDF: the holder's own, or any for a lead. No rendering happens here."""
    row = db.session.execute(_download_statement(), {"id": certificate_id}).first()
    if row is None or not (row.user_id == current_user.id or current_user.role == Role.LEAD):
        abort(404)
    if row.revoked_at is not None or row.superseded_at is not None:
        return _withheld(row)
    filename = f"certificate-{format_code(row.code)}.pdf"
    return Response(
        row.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@cache
def _download_statement():  # type: ignore[no-untyped-def]
    """Only what a download needs (no ORM object), built once: downloads are frequent."""
    return select(
        Certificate.user_id,
        Certificate.code,
        Certificate.pdf,
        Certificate.revoked_at,
        Certificate.superseded_at,
    ).where(Certificate.id == bindparam("id"))


def _withheld(row):  # type: ignore[no-untyped-def]
    """No PDF of a revoked or replaced certificate leaves the platform: a marking on the page
    could be cropped off, and the old file would look valid again. The answer says why."""
    code = format_code(row.code)
    if row.revoked_at is not None:
        title = "This certificate was revoked"
        text = (
            f"Certificate {code} was revoked on {long_date(row.revoked_at)}, so its PDF is no "
            "longer available. If you have questions about this, please contact your program "
            "lead."
        )
    else:
        title = "This certificate was replaced"
        text = (
            f"Certificate {code} was replaced by a newer certificate on "
            f"{long_date(row.superseded_at)}, so its PDF is no longer available. Download the "
            "newer one from the same page."
        )
    return render_template("error.html", code=410, title=title, text=text), 410


# --- public verification -----------------------------------------------------------------------


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


#: every look-up of a code counts against one allowance per client, whichever form it asks for
#: (page or JSON); the bare form, which looks nothing up, does not count
lookup_limit = limiter.shared_limit(
    _verify_limit,
    scope="verification",
    error_message=(
        "Many certificates have been looked up from your network in a short time, so looking "
        "up is paused for a while. Please wait, then try again."
    ),
)


@bp.route("/verify", methods=["GET"])
def verify():  # type: ignore[no-untyped-def]
    form = VerifyForm(request.args)
    if request.args.get("code"):
        try:
            code = parse_code(form.code.data or "")
        except CodeError as error:
            form.code.errors = [str(error)]
            return render_template("certs/verify.html", form=form), 400
        return redirect(url_for(".verify_code", code=format_code(code)))
    return render_template("certs/verify.html", form=form)


def _lookup(code_text: str):  # type: ignore[no-untyped-def]
    code = parse_code(code_text)
    return _described(services.public_answer(services.by_code(code), utcnow().date()))


def _described(answer):  # type: ignore[no-untyped-def]
    """The answer with what the certificate certifies in plain words, who issued it, and the
    address of its transcript where there is one to show (a valid or expired certificate's
    whose transcript is intact: ``services.public_answer``)."""
    if answer["status"] == "not_found":
        return answer
    payload = answer["payload"]
    answer["certifies"] = sentences_of(payload)
    answer["issuer"] = {
        "program": payload.get("program"),
        "signatory": payload.get("issued_by"),
        "provider_approval": payload.get("provider_approval"),
    }
    shown = answer["status"] in services.TRANSCRIPT_STATUSES
    if shown and has_transcript(payload) and "transcript_problem" not in answer:
        answer["transcript_url"] = public_url("certs.verify_transcript", code=answer["code"])
    revoked_on = _key_revoked_at(answer["key_id"])
    if revoked_on is not None:
        answer["key_revoked_on"] = revoked_on.date().isoformat()
        answer["key_problem"] = (
            f"The key this certificate was signed with was revoked on {long_date(revoked_on)}, "
            "as compromised, so its signature no longer proves anything by itself: only this "
            "page, from our records, vouches for the certificate. Ask the holder to have it "
            "re-issued."
        )
    return answer


def _key_revoked_at(key_id: str) -> datetime | None:
    """When the key ``key_id`` was revoked (an operator declared it compromised), or None."""
    return db.session.scalar(select(SigningKey.revoked_at).where(SigningKey.key_id == key_id))


@bp.route("/verify/<code>")
@lookup_limit
def verify_code(code: str):  # type: ignore[no-untyped-def]
    form = VerifyForm(data={"code": code})
    try:
        answer = _lookup(code)
    except CodeError as error:
        form.code.errors = [str(error)]
        return render_template("certs/verify.html", form=form), 400
    status = 404 if answer["status"] == "not_found" else 200
    return render_template(
        "certs/verify.html", form=form, answer=answer, code=code, certifies=_certifies(answer)
    ), status


def _certifies(answer) -> Certifies | None:  # type: ignore[no-untyped-def]
    """What a new-format certificate certifies (None for one signed before it was recorded)."""
    signed = answer.get("payload", {}).get("certifies")
    return Certifies.from_payload(signed) if isinstance(signed, dict) else None


@bp.route("/verify/<code>/transcript")
@lookup_limit
def verify_transcript(code: str):  # type: ignore[no-untyped-def]
    """The transcript of a valid or expired certificate, checked against the digest its
    payload signs: its courses, live events, outside training and (a renewal) continuing
    education with dates and hours, and nothing else about the holder. One whose stored copy
    does not match is an integrity failure: said, never shown."""
    try:
        answer = _lookup(code)
    except CodeError:
        abort(404)
    if answer["status"] == "not_found":
        abort(404)
    lines = None
    if answer["status"] not in services.TRANSCRIPT_STATUSES:
        status = 410
    elif "transcript_problem" in answer:
        status = 500
    else:
        lines = _transcript_lines(answer)
        status = 200 if lines is not None else 404
    return render_template(
        "certs/transcript.html", answer=answer, lines=lines, certifies=_certifies(answer)
    ), status


def _transcript_lines(answer) -> tuple[TranscriptLine, ...] | None:  # type: ignore[no-untyped-def]
    """The transcript ``services.public_answer`` checked and put beside the payload, or one
    signed inline before digests were (None for a certificate signed before transcripts)."""
    beside = answer.get("transcript")
    if beside is not None:
        return tuple(TranscriptLine.from_payload(line) for line in beside["lines"])
    if not has_transcript(answer["payload"]):
        return None
    return transcript_of(answer["payload"])


@bp.route("/verify/<code>.json")
@lookup_limit
def verify_json(code: str):  # type: ignore[no-untyped-def]
    try:
        answer = _lookup(code)
    except CodeError as error:
        return jsonify(status="invalid_code", message=str(error)), 400
    answer["public_key_url"] = _public_key_url(answer)
    return jsonify(answer), (404 if answer["status"] == "not_found" else 200)


def _public_key_url(answer) -> str:  # type: ignore[no-untyped-def]
    """The key the certificate was signed with, which stays published after a key rotation;
    the key in service for a code not found (or a key never registered: signed before keys
    were recorded, and rotated out before anything registered it)."""
    from training.ob3 import signing_keys

    if answer["status"] != "not_found" and signing_keys.find(answer["key_id"]) is not None:
        return public_url("certs.key_pem", key_id=answer["key_id"])
    return public_url("certs.public_key")


@bp.route("/verify/public-key.pem")
def public_key():  # type: ignore[no-untyped-def]
    """The key that signs certificates now (stable address). A certificate's own key, current
    or rotated out, is at ``key_pem``."""
    try:
        pem = keys.public_pem()
    except keys.NoSigningKey:
        abort(404)
    revoked = _key_revoked_at(signing.key_id(pem))
    if revoked is not None:
        return _revoked_key(signing.key_id(pem), revoked)
    return Response(pem, mimetype="application/x-pem-file")


@bp.route("/verify/keys/<key_id>.pem")
def key_pem(key_id: str):  # type: ignore[no-untyped-def]
    """Any key that ever signed a certificate, by its id: certificates signed before a key
    rotation keep checking against the key that signed them. A revoked key's is gone (410):
    a verifier is not to check anything against it."""
    from training.ob3 import signing_keys

    row = signing_keys.find(key_id)
    if row is None:
        abort(404)
    if row.revoked_at is not None:
        return _revoked_key(row.key_id, row.revoked_at)
    response = Response(row.public_pem, mimetype="application/x-pem-file")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _revoked_key(key_id: str, revoked_at: datetime):  # type: ignore[no-untyped-def]
    """A revoked key's document: a plain sentence instead of the key, so no verifier checks a
    signature against it."""
    response = Response(
        f"Key {key_id} was revoked on {revoked_at:%Y-%m-%d}: it was compromised, so what it "
        "signed is no longer trusted. Ask the holder for a certificate re-issued since.\n",
        status=410,
        mimetype="text/plain",
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
