"""LinkedIn's add-to-profile link: every field arrives whole, whatever letters it holds."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from certificates.ob3.linkedin import add_to_profile_url


def fields(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    parsed = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values())
    return {key: values[0] for key, values in parsed.items()}


def test_the_link_fills_in_the_certification_form():
    url = add_to_profile_url(
        name="Recovery coach & family support",
        organization_name="Peer Support Training Program (Zürich #2)",
        issued_on=date(2026, 3, 9),
        expires_on=date(2028, 11, 30),
        cert_url="https://train.example.org/verify/6290E2B5?lang=en&x=1",
        cert_id="6290-E2B5-E29Q",
    )
    assert fields(url) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Recovery coach & family support",
        "organizationName": "Peer Support Training Program (Zürich #2)",
        "issueYear": "2026",
        "issueMonth": "3",
        "expirationYear": "2028",
        "expirationMonth": "11",
        "certUrl": "https://train.example.org/verify/6290E2B5?lang=en&x=1",
        "certId": "6290-E2B5-E29Q",
    }
    assert " " not in url and "+" not in url  # spaces are %20, never a "+" a reader could misread


def test_a_certificate_without_an_expiry_leaves_the_expiry_out():
    url = add_to_profile_url(
        name="Recovery coach",
        organization_name="PSTP",
        issued_on=date(2026, 12, 1),
        expires_on=None,
        cert_url="https://train.example.org/verify/X",
        cert_id="X",
    )
    found = fields(url)
    assert "expirationYear" not in found and "expirationMonth" not in found
    assert found["issueMonth"] == "12"


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_any_name_round_trips(name, organization):
    url = add_to_profile_url(
        name=name,
        organization_name=organization,
        issued_on=date(2026, 1, 1),
        expires_on=date(2027, 1, 1),
        cert_url="https://train.example.org/verify/X",
        cert_id="X",
    )
    found = parse_qs(urlsplit(url).query, keep_blank_values=True, errors="strict")
    assert found["name"] == [name]
    assert found["organizationName"] == [organization]
