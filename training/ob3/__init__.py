"""Portable credentials: an Open Badges 3.0 credential with every certificate.

The pure package ``certificates.ob3`` builds, signs and checks the documents; this package
stores them (``models``), keeps the signing keys (``signing_keys``) and the revocation status
list (``status``), and publishes them under the public address: the issuer and its keys, the
status list and the achievements (``publishing_views``), the holder's share page and downloads
(``holder_views``) and the public check of a pasted credential (``verify_views``).

The views are imported by ``blueprint()``, when the app is built, not with this package:
``training.models`` imports this package's models, and the views import ``training.models``.
"""

from flask import Blueprint

bp = Blueprint("ob3", __name__)


def blueprint() -> Blueprint:
    """The blueprint, with every view of the package on it."""
    from training.ob3 import holder_views, publishing_views, verify_views  # noqa: F401

    return bp
