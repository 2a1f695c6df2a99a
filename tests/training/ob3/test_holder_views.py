"""The holder's share page and downloads: who may see them, what LinkedIn is sent, that the
downloaded credential and the badge image hold a credential that verifies, the wallet link that
works signed out for a while and for nothing else, binding a DID, and a revoked or replaced
certificate offering nothing."""

from __future__ import annotations

import io
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from PIL import Image

from certificates.ob3 import baking, proof
from tests.helpers import count, html_of, in_app, post, text_of
from tests.training.ob3.sharing_support import (
    credential_of,
    issue_certificate,
    revoke,
    signed_in,
    wallet_path,
)
from training.ob3.holder_views import WALLET_LINK_MINUTES, WALLET_SALT
from training.ob3.models import OpenBadge

DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


@pytest.fixture
def issued(app, tmp_path):
    return issue_certificate(app, tmp_path)


def _urls(issued) -> list[str]:
    base = f"/certificates/{issued.certificate_id}"
    return [f"{base}/share", f"{base}/credential.json", f"{base}/badge.png"]


def _public_keys(app):  # type: ignore[no-untyped-def]
    from training.ob3 import signing_keys

    with app.app_context():
        return signing_keys.public_keys()


# --- who may see what ----------------------------------------------------------------------------


def test_the_holder_sees_what_a_credential_is_and_every_way_to_share_it(app, issued):
    page = signed_in(app, issued.trainee).get(_urls(issued)[0])
    assert page.status_code == 200
    words = text_of(page)
    assert "Open Badges 3.0" in words and "without asking us" in words
    for offer in (
        "Download credential file (.json)",
        "Download badge image (.png, with the credential inside)",
        "Add to LinkedIn profile",
        "Add to a digital wallet",
        "Optional: link it to your wallet's ID (DID)",
    ):
        assert offer in words, offer
    # where an employer checks it: the public addresses, in full
    assert "to check the file at http://127.0.0.1:5000/verify/credential, or" in words
    assert "to type your certificate code at http://127.0.0.1:5000/verify." in words
    # a renewal's new credential replaces this one
    assert "When you renew, you get a new credential and the old one stops counting." in words
    # honest about what is not offered, in plain words
    assert "That isn't offered yet" in words and "OpenID" not in words and "VC-API" not in words
    assert '<svg role="img" aria-label="QR code of the wallet link"' in html_of(page)
    did_input = re.search(r'<input\b[^>]*\bname="did"[^>]*>', html_of(page))
    assert did_input and 'maxlength="200"' in did_input.group(0)


def test_the_page_says_what_the_file_reveals(app, issued):
    from certificates.transcript import sentences_of
    from training.extensions import db
    from training.models import Certificate

    words = text_of(signed_in(app, issued.trainee).get(_urls(issued)[0]))
    assert "What's in it: your name, this certificate's name and dates, the certificate code" in (
        words
    )
    with app.app_context():
        payload = json.loads(db.session.get(Certificate, issued.certificate_id).payload)
    completed = sentences_of(payload)
    assert completed and all(line in words for line in completed)
    assert 'Instead it holds a coded fingerprint of your address (a "salted hash")' in words
    assert "someone who already knows the address you use here can check that it matches" in words
    assert "proves the credential is yours" not in words  # it proves no such thing
    # what the two files are, and that a posted picture may lose its credential
    assert "Not sure which?" in words and "the site may remove the hidden credential" in words
    # LinkedIn: nothing is sent until the holder saves it there
    assert "Nothing is sent until you check the details and select Save on LinkedIn." in words
    assert "don't call it a state certification" in words
    # the wallet link: no clock time to work out, and no screenshots
    assert f"for the next {WALLET_LINK_MINUTES} minutes" in words and "UTC" not in words
    assert "Don't share a screenshot of this page." in words
    assert "Learner Credential Wallet (a free app)" in words
    # the DID: optional, and explained
    assert "Most people don't need this." in words
    assert "A DID (decentralized identifier) is an ID your wallet app makes for itself" in words
    assert "Make a credential for this DID" in words


def test_an_expired_certificates_page_says_anyone_checking_is_told(app, issued):
    from datetime import date, timedelta

    from training.extensions import db
    from training.models import Certificate

    with app.app_context():
        certificate = db.session.get(Certificate, issued.certificate_id)
        certificate.expires_on = date.today() - timedelta(days=3)
        db.session.commit()
        ended = certificate.expires_on
    words = text_of(signed_in(app, issued.trainee).get(_urls(issued)[0]))
    assert (
        f"Your certificate expired on {ended.day} {ended:%B %Y}. Anyone who checks this "
        "credential is told it has expired." in words
    )
    assert "Download credential file (.json)" in words  # still the holder's to keep


def test_a_valid_certificates_page_says_nothing_of_expiry(app, issued):
    words = text_of(signed_in(app, issued.trainee).get(_urls(issued)[0]))
    assert "Your certificate expired" not in words


def test_the_certificate_page_links_to_the_share_page(app, issued):
    page = html_of(signed_in(app, issued.trainee).get("/certificate/"))
    assert f'href="/certificates/{issued.certificate_id}/share"' in page


def test_a_visitor_is_sent_to_sign_in(app, client, issued):
    for url in _urls(issued):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["other_trainee", "supervisor"])
def test_anyone_else_is_told_nothing_exists(app, issued, who):
    client = signed_in(app, getattr(issued, who))
    for url in _urls(issued):
        assert client.get(url).status_code == 404, url
    refused = post(client, f"{_urls(issued)[0]}/did", {"did": DID})
    assert refused.status_code == 404
    assert count(OpenBadge) <= 1  # (the one issued with the certificate)


def test_a_lead_may_look_and_download_for_support_but_not_bind_a_did(app, issued):
    lead = signed_in(app, issued.lead)
    page = lead.get(_urls(issued)[0])
    assert page.status_code == 200
    assert "as a program lead" in text_of(page)
    assert "link it to your wallet's ID (DID)" not in text_of(page)
    assert lead.get(_urls(issued)[1]).status_code == 200
    assert post(lead, f"{_urls(issued)[0]}/did", {"did": DID}).status_code == 403
    assert count(OpenBadge) == 1


# --- LinkedIn ------------------------------------------------------------------------------------


def test_the_linkedin_link_fills_in_the_certification_with_its_verification_page(app, issued):
    from training.models import Certificate

    page = html_of(signed_in(app, issued.trainee).get(_urls(issued)[0]))
    href = next(
        link
        for link in (part.split('"')[0] for part in page.split('href="')[1:])
        if link.startswith("https://www.linkedin.com/")
    )
    parts = urlsplit(href)
    assert parts.path == "/profile/add"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    with in_app():
        from training.extensions import db

        certificate = db.session.get(Certificate, issued.certificate_id)
        issued_on, expires_on = certificate.issued_on, certificate.expires_on
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Peer Recovery Specialist (training certificate)",
        "organizationName": app.config["PROGRAM_NAME"],
        "issueYear": str(issued_on.year),
        "issueMonth": str(issued_on.month),
        "expirationYear": str(expires_on.year),
        "expirationMonth": str(expires_on.month),
        "certUrl": f"http://127.0.0.1:5000/verify/{issued.code}",
        "certId": issued.code,
    }


# --- the downloads -------------------------------------------------------------------------------


def test_the_json_download_is_the_signed_credential_and_verifies(app, issued):
    client = signed_in(app, issued.trainee)
    response = client.get(_urls(issued)[1])
    assert response.status_code == 200
    assert response.mimetype in ("application/ld+json", "application/json")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="credential-{issued.code}.json"'
    credential = json.loads(response.data)
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["identifier"][0]["identityHash"].startswith("sha256$")
    key = _public_keys(app)[proof.verification_method_of(credential)]
    proof.verify(credential, key)
    # an altered field no longer verifies
    credential["credentialSubject"]["achievement"]["name"] = "Chief Surgeon"
    with pytest.raises(proof.ProofError):
        proof.verify(credential, key)


def test_the_same_credential_every_time(app, issued):
    client = signed_in(app, issued.trainee)
    assert credential_of(client, issued) == credential_of(client, issued)
    assert count(OpenBadge) == 1


def test_the_badge_image_is_a_png_with_the_same_credential_baked_in(app, issued):
    client = signed_in(app, issued.trainee)
    response = client.get(_urls(issued)[2])
    assert response.status_code == 200 and response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="badge-{issued.code}.png"'
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "PNG" and image.size[0] >= 200
    assert baking.unbake(response.data) == credential_of(client, issued)


# --- the wallet link -----------------------------------------------------------------------------


def test_the_wallet_link_hands_over_the_credential_without_signing_in(app, issued):
    holder = signed_in(app, issued.trainee)
    path = wallet_path(html_of(holder.get(_urls(issued)[0])))
    phone = app.test_client()
    response = phone.get(path)
    assert response.status_code == 200
    assert json.loads(response.data) == credential_of(holder, issued)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"


def test_an_altered_wallet_link_finds_nothing(app, issued):
    path = wallet_path(html_of(signed_in(app, issued.trainee).get(_urls(issued)[0])))
    token = path.rsplit("/", 1)[1]
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert app.test_client().get(f"/credentials/wallet/{altered}").status_code == 404
    # a genuine token naming another record (made with another key) is refused too
    forged = URLSafeTimedSerializer("another secret", salt=WALLET_SALT).dumps({"badge": 1})
    assert app.test_client().get(f"/credentials/wallet/{forged}").status_code == 404


def _token_made(seconds_ago: int, secret: str, badge_id: int) -> str:
    """A wallet token as the page makes them, but signed ``seconds_ago``."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    serializer = URLSafeTimedSerializer(secret, salt=WALLET_SALT, signer=Earlier)
    return serializer.dumps({"badge": badge_id})


def test_a_wallet_link_stops_working_after_its_time(app, issued):
    signed_in(app, issued.trainee).get(_urls(issued)[0])  # the credential exists
    with in_app():
        from training.extensions import db

        badge_id = db.session.query(OpenBadge.id).scalar()
    old = _token_made(WALLET_LINK_MINUTES * 60 + 5, app.secret_key, badge_id)
    response = app.test_client().get(f"/credentials/wallet/{old}")
    assert response.status_code == 410
    assert "This link has expired" in text_of(response)
    assert "OpenBadgeCredential" not in response.get_data(as_text=True)
    # a minute younger, it works
    young = _token_made(WALLET_LINK_MINUTES * 60 - 60, app.secret_key, badge_id)
    assert app.test_client().get(f"/credentials/wallet/{young}").status_code == 200


# --- a DID ---------------------------------------------------------------------------------------


def test_the_holder_binds_a_credential_to_their_wallets_did(app, issued):
    client = signed_in(app, issued.trainee)
    response = post(client, f"{_urls(issued)[0]}/did", {"did": DID})
    assert response.status_code == 303
    to = urlsplit(response.headers["Location"])
    assert to.path == f"/certificates/{issued.certificate_id}/share"
    assert parse_qs(to.query) == {"did": [DID]}
    page = client.get(_urls(issued)[0], query_string={"did": DID})
    assert page.status_code == 200 and DID in text_of(page)
    assert "It carries your name and the DID, and no form of your email." in text_of(page)
    assert "salted hash" not in text_of(page)  # that credential holds none
    bound = credential_of(client, issued, did=DID)
    assert bound["credentialSubject"]["id"] == DID
    assert "identifier" not in bound["credentialSubject"]  # no email hash beside a DID
    proof.verify(bound, _public_keys(app)[proof.verification_method_of(bound)])
    baked = client.get(_urls(issued)[2], query_string={"did": DID})
    assert baking.unbake(baked.data) == bound
    assert "-did-" in baked.headers["Content-Disposition"]
    # the email-bound one is still there, unchanged, and the page lists the DID-bound one
    assert credential_of(client, issued)["credentialSubject"].get("id") != DID
    email_page = text_of(client.get(_urls(issued)[0]))
    assert DID in email_page and "Credentials made for a DID" in email_page
    # binding the same DID again makes nothing new
    post(client, f"{_urls(issued)[0]}/did", {"did": DID})
    assert count(OpenBadge) == 2


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("", "Enter your wallet's DID"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "it starts with did:key: or did:web:"),
        ("did:key:notbase58-0OIl", "it starts with did:key: or did:web:"),
        ("did:example:123456789abcdefghi", "it starts with did:key: or did:web:"),
        ("did:web:exa mple.com", "it starts with did:key: or did:web:"),
        ("did:web:" + "a" * 195, "Please use at most 200 characters."),
    ],
)
def test_a_did_that_is_not_well_formed_is_refused_and_nothing_is_saved(app, issued, did, message):
    client = signed_in(app, issued.trainee)
    client.get(_urls(issued)[0])  # the email-bound credential exists
    response = post(client, f"{_urls(issued)[0]}/did", {"did": did})
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(OpenBadge) == 1


def test_a_did_web_with_a_port_and_path_is_taken(app, issued):
    client = signed_in(app, issued.trainee)
    did = "did:web:wallet.example.org%3A8443:users:riley"
    assert post(client, f"{_urls(issued)[0]}/did", {"did": did}).status_code == 303
    assert credential_of(client, issued, did=did)["credentialSubject"]["id"] == did


def test_a_did_form_without_its_csrf_token_is_refused(app, issued):
    client = signed_in(app, issued.trainee)
    response = client.post(f"{_urls(issued)[0]}/did", data={"did": DID})
    assert response.status_code == 400
    assert count(OpenBadge) <= 1


def test_asking_for_a_did_never_bound_finds_nothing_and_makes_nothing(app, issued):
    client = signed_in(app, issued.trainee)
    for url in _urls(issued):
        assert client.get(url, query_string={"did": DID}).status_code == 404, url
    assert count(OpenBadge) == 1


# --- revoked or replaced -------------------------------------------------------------------------


def test_a_revoked_certificate_offers_nothing_and_its_wallet_link_stops(app, issued):
    client = signed_in(app, issued.trainee)
    path = wallet_path(html_of(client.get(_urls(issued)[0])))
    revoke(app, issued)
    page = client.get(_urls(issued)[0])
    assert page.status_code == 410
    words = text_of(page)
    assert "was revoked on" in words and "nothing is offered here" in words
    assert "Its digital credential was withdrawn with it." in words
    assert "to ask you for your current certificate" in words
    assert "Download" not in words and "LinkedIn" not in words
    for url in _urls(issued)[1:]:
        response = client.get(url)
        assert response.status_code == 410 and "OpenBadgeCredential" not in response.text, url
    assert app.test_client().get(path).status_code == 410
    assert post(client, f"{_urls(issued)[0]}/did", {"did": DID}).status_code == 410
    assert count(OpenBadge) == 1


def test_a_replaced_certificate_sends_the_holder_to_the_newer_one(app, issued):
    from training.certs import issuing
    from training.extensions import db
    from training.hours.services import track_for
    from training.models import Certificate, User

    with app.app_context():
        old = db.session.get(Certificate, issued.certificate_id)
        lead = db.session.get(User, issued.lead.id)
        issuing.reissue(old, lead, "Riley A. Chen", track_for(old.holder))
    client = signed_in(app, issued.trainee)
    page = client.get(_urls(issued)[0])
    assert page.status_code == 410
    assert "replaced by a newer certificate" in text_of(page)
    assert "Download" not in text_of(page)
