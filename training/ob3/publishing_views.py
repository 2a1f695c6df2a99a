"""The public documents a wallet or verifier fetches to check a credential without asking us
about it: the issuer (profile and controller document, every key ever used), each key, the
revocation status lists, and each track's achievement and badge image.

No sign-in and no rate limit: they are the same for everyone and cheap to serve. Each answer
carries an ETag (a verifier asking again gets 304 when nothing changed; the status list's is
weak, as each server signs its own copy of the same bits), may be cached for a
minute (a new key or a revocation shows within that minute; the badge image for a day), and
allows any origin (``Access-Control-Allow-Origin: *``), as web wallets and verifiers fetch them
from the browser.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from flask import Response, abort, current_app, request

from certificates.ob3 import badge_image, multikey
from training.certs import keys
from training.extensions import db
from training.ob3 import achievements, bp, signing_keys, status

#: how long a browser or proxy may keep a document before asking again
MAX_AGE = 60
IMAGE_MAX_AGE = 86_400


def _answer(
    body: bytes, mimetype: str, etag: str, max_age: int = MAX_AGE, *, weak: bool = False
) -> Response:
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag, weak=weak)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def _json(document: dict[str, Any]) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return _answer(body, "application/json", hashlib.sha256(body).hexdigest()[:32])


def _method(row) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A key's Multikey document; a revoked one says when it was revoked, so a verifier (Digital
    Bazaar's, for one) refuses what it signed."""
    method = multikey.verification_method(
        signing_keys.method_url(row.key_id),
        achievements.issuer().id,
        signing_keys.public_key(row),
    )
    if row.revoked_at is not None:
        method["revoked"] = row.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return method


@bp.route("/issuer")
def issuer():  # type: ignore[no-untyped-def]
    """The issuer's profile, which is also its controller document: every key it signs or
    signed with, each an assertion method unless it was revoked."""
    profile = achievements.issuer()
    fields: dict[str, Any] = {"name": profile.name, "url": profile.url}
    if profile.email:
        fields["email"] = profile.email
    rows = signing_keys.published()
    document = multikey.controller_document(profile.id, [_method(row) for row in rows], fields)
    # a revoked key is still listed (what it was), but no longer asserts anything for us
    revoked = {signing_keys.method_url(row.key_id) for row in rows if row.revoked_at is not None}
    document["assertionMethod"] = [m for m in document["assertionMethod"] if m not in revoked]
    return _json(document)


@bp.route("/issuer/keys/<key_id>")
def key(key_id: str):  # type: ignore[no-untyped-def]
    """One key, current or retired, as a Multikey verification method."""
    row = signing_keys.find(key_id)
    if row is None:
        abort(404)
    return _json(_method(row))


@bp.route("/credentials/status/<int:list_id>")
def status_list(list_id: int):  # type: ignore[no-untyped-def]
    """A signed Bitstring Status List: a bit set is a revoked (or replaced) credential."""
    if not status.served(list_id):
        abort(404)
    try:
        signed = status.published(list_id)
    except keys.NoSigningKey:
        abort(503)  # no key to sign it with (a site set up without one)
    db.session.commit()  # signing registers the key in service, if it was new
    # weak: each server signs its own copy (another moment, another proof) of the same list
    return _answer(signed.body, "application/json", signed.etag, weak=True)


@bp.route("/achievements/<track_id>")
def achievement(track_id: str):  # type: ignore[no-untyped-def]
    track = achievements.track(track_id)
    if track is None:
        abort(404)
    return _json(achievements.document(track))


@bp.route("/achievements/<track_id>/badge.png")
def achievement_image(track_id: str):  # type: ignore[no-untyped-def]
    """The track's badge (not baked: a holder's baked badge is on their share page)."""
    track = achievements.track(track_id)
    if track is None:
        abort(404)
    png = badge_picture(current_app.config["PROGRAM_NAME"], track.title)
    return _answer(png, "image/png", hashlib.sha256(png).hexdigest()[:32], IMAGE_MAX_AGE)


@cache
def badge_picture(program_name: str, track_title: str) -> bytes:
    """A track's badge picture, drawn once per program and track (it never changes): served
    here, and baked with a holder's credential on their share page."""
    return badge_image.badge_png(program_name, track_title)
