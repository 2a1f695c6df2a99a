"""Security headers on every answer (Flask-Talisman), and no caching of a signed-in person's pages.

- ``Content-Security-Policy``: scripts, styles, images and fonts only from this site, never
  inline (the templates have no ``<script>`` and no ``style=``), no plug-ins, forms post only to
  this site, and no other site may show ours in a frame (``frame-ancestors 'none'``, with
  ``X-Frame-Options: DENY`` for older browsers).
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``: another site never
  learns which page of a recovery-support program someone came from.
- ``Strict-Transport-Security`` when the answer goes out over HTTPS (``request.is_secure``, which
  ``FLASK_PROXY_COUNT`` alone makes right behind a proxy: see ``training.serving``), or
  whenever ``SESSION_COOKIE_SECURE`` says the site is served over HTTPS.
- ``Cache-Control: no-store`` on every answer to a signed-in person (PDF and CSV downloads
  included), so a shared computer's cache or a proxy keeps nothing of theirs. Static files stay
  cacheable.
- ``Cache-Control: no-cache`` on a certificate's public verification page, its transcript and
  its JSON answer (for visitors; signed-in people get ``no-store`` as above): what they say can
  change at any moment (a revocation), so a browser or proxy must ask again on every look-up
  rather than show "valid" from its cache. A short ``max-age`` would save little (the answer is
  one indexed query) and would leave a revoked certificate looking valid for that long.

This is the one place the app decides ``Cache-Control`` (static files keep Flask's own).

Talisman's own HTTPS redirect is off: the reverse proxy that terminates HTTPS redirects, and
the development server and the tests speak plain HTTP. It also leaves the session cookie's
settings as ``training.config`` sets them.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REFERRER_POLICY = "same-origin"
HSTS_MAX_AGE = 31536000  # one year
#: endpoints whose answers are the same for everyone, so they may be cached
PUBLIC_ENDPOINTS = frozenset({"static"})
#: public answers that say what is true right now: kept by a cache only if it asks again first
LIVE_ENDPOINTS = frozenset({"certs.verify_code", "certs.verify_json", "certs.verify_transcript"})


def init_app(app: Flask) -> None:
    # One Talisman per app: it keeps a reference to the app it serves.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy=REFERRER_POLICY,
        # Talisman would also send HSTS whenever a request *claims* HTTPS in its own
        # X-Forwarded-Proto, from anyone; below, only ``request.is_secure`` counts.
        strict_transport_security=False,
        session_cookie_secure=False,  # leave SESSION_COOKIE_SECURE as configured
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    hsts = f"max-age={HSTS_MAX_AGE}"

    @app.after_request
    def private_answers_are_not_stored(response: Response) -> Response:
        if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", hsts)
        if request.endpoint not in PUBLIC_ENDPOINTS and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        elif request.endpoint in LIVE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-cache"
            response.headers.pop("Expires", None)
        return response
