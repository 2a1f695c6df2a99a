"""LinkedIn's "Add to profile" link for a certification: the holder follows it, signed in to
LinkedIn, and finds the Licenses & certifications form filled in, with the certificate's
verification page as its credential URL so anyone who sees the entry can check it.

The link is LinkedIn's documented one (``/profile/add?startTask=CERTIFICATION_NAME``, with the
certification's name, the organisation's name, issue and expiry month and year, the
credential URL and the credential id). Every value is percent-encoded (UTF-8, spaces as %20), so
a name with "&", "#" or letters outside ASCII arrives whole.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def add_to_profile_url(
    *,
    name: str,
    organization_name: str,
    issued_on: date,
    expires_on: date | None,
    cert_url: str,
    cert_id: str,
) -> str:
    """The link that opens LinkedIn's add-certification form, filled in."""
    params = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", name),
        ("organizationName", organization_name),
        ("issueYear", str(issued_on.year)),
        ("issueMonth", str(issued_on.month)),
    ]
    if expires_on is not None:
        params += [
            ("expirationYear", str(expires_on.year)),
            ("expirationMonth", str(expires_on.month)),
        ]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote, safe='')}"
