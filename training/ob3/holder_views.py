"""What a holder does with their portable credential: the share page of a certificate, the
credential's downloads (JSON, and a badge image with it baked in), "Add to LinkedIn profile",
and a short-lived link a phone's wallet can fetch the credential from without signing in.

Who sees what: the holder, and a program lead (for support); anyone else gets 404, as for
the PDF. Only the holder binds a credential to a DID. A revoked or replaced certificate offers
nothing: its credential was revoked with it (its status bit is set), so the page says so.

The wallet link is a signed token (``itsdangerous``, with the app's secret key and a salt of
its own) naming one credential, good for ``WALLET_LINK_MINUTES``; its address comes from
``public_url``, as it is handed to another device. A standard wallet exchange (VC-API or
OpenID for Verifiable Credential Issuance) is not offered: the page says so, in plain words.

The page says what the file reveals: what the holder completed is listed in the same sentences
the credential's evidence holds (``certificates.transcript.sentences_of``), and LinkedIn gets
the certificate's name marked as a training certificate, so it does not pass for a board's.
"""

from __future__ import annotations

import io
import json
import logging
from typing import NoReturn

import segno
from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import select

from certificates.codes import format_code
from certificates.ob3 import baking, linkedin
from certificates.transcript import sentences_of
from training.certs import keys
from training.errors import error_page
from training.extensions import db
from training.forms import submitted
from training.models import Certificate, Role, utcnow
from training.ob3 import bp, credentials
from training.ob3.forms import DidForm
from training.ob3.models import OpenBadge
from training.ob3.publishing_views import badge_picture
from training.urls import public_url

#: how long a wallet link works
WALLET_LINK_MINUTES = 30
log = logging.getLogger(__name__)
WALLET_SALT = "ob3-wallet-link"
JSON_TYPE = "application/ld+json"


def _shown(certificate_id: int) -> Certificate:
    """The certificate, if the signed-in person may see its credential: its holder or a lead."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not (
        certificate.user_id == current_user.id or current_user.role == Role.LEAD
    ):
        abort(404)
    return certificate


def _withheld(certificate: Certificate, status: int = 410):  # type: ignore[no-untyped-def]
    """Nothing is offered for a revoked or replaced certificate; the answer says why."""
    return render_template("ob3/share.html", certificate=certificate, withheld=True), status


# --- the share page ------------------------------------------------------------------------------


@bp.route("/certificates/<int:certificate_id>/share")
@login_required
def share(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = _shown(certificate_id)
    if credentials.ended(certificate):
        return _withheld(certificate)
    badge = _chosen(certificate)
    return _share_page(certificate, badge, DidForm(formdata=None))


@bp.route("/certificates/<int:certificate_id>/share/did", methods=["POST"])
@login_required
def bind_did(certificate_id: int):  # type: ignore[no-untyped-def]
    """A credential that names the holder's DID instead of their hashed email (the holder only;
    nothing is saved when the DID is not well formed)."""
    certificate = _shown(certificate_id)
    if certificate.user_id != current_user.id:
        abort(403)
    if credentials.ended(certificate):
        return _withheld(certificate)
    form = DidForm()
    if not submitted(form):
        return _share_page(certificate, _email_bound(certificate), form), 400
    did = form.did.data.strip()
    try:
        credentials.credential_for(certificate, did, by=current_user)
    except credentials.TooManyDids as error:
        db.session.rollback()
        form.did.errors.append(str(error))
        return _share_page(certificate, _email_bound(certificate), form), 400
    except credentials.CredentialError:
        _withdrawn_now(certificate)
    except keys.NoSigningKey as error:
        _cannot_sign(error)
    flash(
        "Done: this credential names your DID. Download it below, or add it to your wallet.",
        "success",
    )
    return redirect(url_for(".share", certificate_id=certificate.id, did=did), 303)


def _share_page(certificate: Certificate, badge: OpenBadge, form: DidForm) -> str:
    code = format_code(certificate.code)
    verify_url = public_url("certs.verify_code", code=code)
    wallet_url = wallet_link(badge)
    try:
        completed = sentences_of(json.loads(certificate.payload))
    except (KeyError, TypeError, ValueError):  # a payload no sentence can be read from
        completed = []
    did = badge.subject_did
    return render_template(
        "ob3/share.html",
        certificate=certificate,
        code=code,
        status=certificate.status(utcnow().date()),
        badge=badge,
        did=did,
        did_badges=_did_bound_all(certificate),
        did_limit=credentials.DIDS_PER_CERTIFICATE,
        is_holder=certificate.user_id == current_user.id,
        json_url=url_for(".credential_json", certificate_id=certificate.id, did=did),
        png_url=url_for(".badge_png", certificate_id=certificate.id, did=did),
        verify_url=verify_url,
        check_credential_url=public_url("ob3.verify_credential"),
        check_code_url=public_url("certs.verify"),
        completed=completed,
        linkedin_url=linkedin.add_to_profile_url(
            name=linkedin_name(certificate.track_title),
            organization_name=current_app.config["PROGRAM_NAME"],
            issued_on=certificate.issued_on,
            expires_on=certificate.expires_on,
            cert_url=verify_url,
            cert_id=code,
        ),
        wallet_url=wallet_url,
        wallet_qr=qr_svg(wallet_url),
        wallet_minutes=WALLET_LINK_MINUTES,
        form=form,
    )


def linkedin_name(track_title: str) -> str:
    """The name LinkedIn lists: marked as a training certificate, not a board's certification."""
    return f"{track_title} (training certificate)"


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url``, named for screen readers (no inline style: the CSP)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=5, border=4, xmldecl=False, svgns=True, nl=False, title="QR code"
    )
    svg = (
        out.getvalue()
        .decode()
        .replace("<svg ", '<svg role="img" aria-label="QR code of the wallet link" ', 1)
    )
    return Markup(svg)  # noqa: S704 (segno's own output: a path and a title, nothing from input)


# --- which credential ----------------------------------------------------------------------------


def _email_bound(certificate: Certificate) -> OpenBadge:
    """The credential that names the holder's hashed email, made now if the certificate was
    issued before credentials were (``credential_for`` is idempotent, and commits and audits
    what it makes); a certificate revoked or replaced since this request read it offers
    nothing."""
    try:
        return credentials.credential_for(certificate, by=current_user)
    except credentials.CredentialError:
        _withdrawn_now(certificate)
    except keys.NoSigningKey as error:
        _cannot_sign(error)


def _cannot_sign(error: keys.NoSigningKey) -> NoReturn:
    """Nothing can be signed (no key, or one retired or revoked put back): the operator reads
    why in the log, the holder is told to ask the program; nothing is written."""
    db.session.rollback()
    log.error("A credential could not be made: %s", error)
    abort(
        error_page(
            503,
            "Your credential cannot be made right now",
            keys.CANNOT_SIGN_NOW,
        )
    )


def _withdrawn_now(certificate: Certificate) -> NoReturn:
    """Answer that nothing is offered: the certificate ended since this request read it."""
    db.session.rollback()
    certificate = db.session.get(Certificate, certificate.id) or certificate
    abort(make_response(_withheld(certificate)))


def _did_bound_all(certificate: Certificate) -> list[OpenBadge]:
    return list(
        db.session.scalars(
            select(OpenBadge)
            .where(OpenBadge.certificate_id == certificate.id, OpenBadge.subject_did.is_not(None))
            .order_by(OpenBadge.id)
        )
    )


def _chosen(certificate: Certificate) -> OpenBadge:
    """The credential the address asks for: ``?did=`` one already bound (never made by a
    GET), else the email-bound one."""
    did = request.args.get("did")
    if not did:
        return _email_bound(certificate)
    badge = credentials.stored(certificate.id, did)
    if badge is None:
        abort(404)
    return badge


# --- downloads -----------------------------------------------------------------------------------


@bp.route("/certificates/<int:certificate_id>/credential.json")
@login_required
def credential_json(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = _shown(certificate_id)
    if credentials.ended(certificate):
        return _withheld(certificate)
    return _json_attachment(certificate, _chosen(certificate))


@bp.route("/certificates/<int:certificate_id>/badge.png")
@login_required
def badge_png(certificate_id: int):  # type: ignore[no-untyped-def]
    """The badge image with the credential baked in (Open Badges 3.0 §5.3)."""
    certificate = _shown(certificate_id)
    if credentials.ended(certificate):
        return _withheld(certificate)
    badge = _chosen(certificate)
    picture = badge_picture(current_app.config["PROGRAM_NAME"], certificate.track_title)
    baked = baking.bake(picture, credentials.credential_of(badge))
    return _attachment(baked, "image/png", _file_name(certificate, badge, "badge", "png"))


def _json_attachment(certificate: Certificate, badge: OpenBadge) -> Response:
    return _attachment(
        badge.credential.encode(), JSON_TYPE, _file_name(certificate, badge, "credential", "json")
    )


def _file_name(certificate: Certificate, badge: OpenBadge, kind: str, extension: str) -> str:
    """credential-7K3QD-M9X2A-F4R8T.json; one bound to a DID ends in -did-<n>."""
    bound = f"-did-{badge.id}" if badge.subject_did else ""
    return f"{kind}-{format_code(certificate.code)}{bound}.{extension}"


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- the wallet link -----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=WALLET_SALT)  # type: ignore[arg-type]


def wallet_link(badge: OpenBadge) -> str:
    """The public address a wallet fetches this credential from, for the next 30 minutes."""
    return public_url("ob3.wallet_credential", token=_serializer().dumps({"badge": badge.id}))


@bp.route("/credentials/wallet/<token>")
def wallet_credential(token: str):  # type: ignore[no-untyped-def]
    """The credential as a download, for whoever holds an unexpired link (no sign-in: a phone's
    wallet has no session here). A link that was altered is not found; an old one says so."""
    try:
        named = _serializer().loads(token, max_age=WALLET_LINK_MINUTES * 60)
    except SignatureExpired:
        return error_page(
            410,
            "This link has expired",
            f"A wallet link works for {WALLET_LINK_MINUTES} minutes. Open your certificate's "
            "share page again for a new link or QR code.",
        )
    except BadSignature:
        abort(404)
    badge_id = named.get("badge") if isinstance(named, dict) else None
    badge = db.session.get(OpenBadge, badge_id) if isinstance(badge_id, int) else None
    if badge is None:
        abort(404)
    certificate = db.session.get(Certificate, badge.certificate_id)
    if certificate is None:
        abort(404)
    if credentials.ended(certificate):
        return _withheld(certificate)
    response = _json_attachment(certificate, badge)
    response.headers["Cache-Control"] = "no-store"
    return response
