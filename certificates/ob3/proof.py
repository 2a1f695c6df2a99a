"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC-DI-EdDSA §3.3).

Any standard verifier (a wallet, Digital Bazaar's @digitalbazaar/vc, …) checks our credentials
this way, without asking us:

1. the document without its ``proof`` is canonicalised with RDFC-1.0 (pyld's URDNA2015, the
   same algorithm under its earlier name) into N-Quads;
2. so are the proof options (the proof without ``proofValue``) under the document's
   ``@context``;
3. the Ed25519 signature covers SHA-256(proof options) || SHA-256(document);
4. ``proofValue`` is ``z`` + base58btc(signature).

Contexts come only from :mod:`certificates.ob3.contexts` (shipped files), never the network.
Like the verifiers' "safe mode", a field that none of the contexts defines is an error rather
than silently left out of what is signed: what a holder sees in the JSON is what is signed.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import canon, jsonld

from certificates.ob3.contexts import UnknownDocument, document_loader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


class ProofError(ValueError):
    """A proof that does not hold, or a document that cannot be signed; the message says why."""


def _dropped(term: str | None) -> None:
    raise ProofError(
        f"The field {term!r} is not defined by the document's JSON-LD contexts, so it would "
        "not be covered by the signature."
    )


# pyld writes these control characters into N-Quads as they are, where RDFC-1.0 escapes them
# (\b, \f, \u0000 …): the hashes would differ from every other implementation's. No credential
# of ours needs them, so a document holding one is refused rather than signed differently.
_UNESCAPED_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(value: Any, where: str = "The document") -> None:
    if isinstance(value, str):
        if _UNESCAPED_CONTROLS.search(value):
            raise ProofError(
                f"{where} contains an invisible control character; remove it before signing."
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_control_characters(key, where)
            _refuse_control_characters(item, f"The field {key!r}")
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_control_characters(item, where)


# pyld keeps its resolved contexts in module-wide LRU caches that are not safe to change from
# two threads at once (a web server's threads may sign and check at the same time).
_PYLD_LOCK = threading.Lock()


def canonical_nquads(document: Mapping[str, Any]) -> str:
    """The document's RDFC-1.0 canonical N-Quads, with the shipped contexts only."""
    _refuse_control_characters(document)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader(),
        "base": None,
        "rdfDirection": "i18n-datatype",  # as the eddsa-rdfc-2022 cryptosuites do
    }
    processor = jsonld.JsonLdProcessor(on_property_dropped=_dropped)
    try:
        with _PYLD_LOCK:
            expanded = processor.expand(copy.deepcopy(dict(document)), options)
            _refuse_relative_references(expanded)
            dataset = processor.to_rdf(
                expanded, {k: v for k, v in options.items() if k != "format"}
            )
            return _BoundedRdfc10().main(dataset, options)
    except jsonld.JsonLdError as error:
        raise ProofError(_why(error)) from error


class _BoundedRdfc10(canon.URDNA2015):
    """RDFC-1.0 with the work limit Digital Bazaar's rdf-canonize applies by default.

    Blank nodes that look alike make the algorithm try every ordering of them: a pasted
    "credential" of a few dozen such nodes would keep a server busy for hours. Like rdf-canonize
    (maxWorkFactor 1), we allow as many deep hashing steps as there are blank nodes that are not
    told apart at first sight, and refuse the document past that. A credential of ours needs none.
    """

    def __init__(self) -> None:
        super().__init__()
        self._remaining: int | None = None

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> dict[str, Any]:
        if self._remaining is None:
            self._remaining = sum(
                len(ids) for ids in self.hash_to_blank_nodes.values() if len(ids) > 1
            )
        if self._remaining <= 0:
            raise ProofError(
                "The document has too many parts that cannot be told apart to be put in "
                "canonical form; it is not a credential we could have issued."
            )
        self._remaining -= 1
        return super().hash_n_degree_quads(id_, issuer)


def _refuse_relative_references(expanded: Any) -> None:
    """An ``id`` or ``type`` that is not a full URL would drop out of what is signed (a relative
    reference has no meaning without a base); verifiers in safe mode refuse it, and so do we."""
    if isinstance(expanded, list):
        for item in expanded:
            _refuse_relative_references(item)
        return
    if not isinstance(expanded, dict):
        return
    for key, value in expanded.items():
        if key in ("@id", "@type") and "@value" not in expanded:
            for reference in value if isinstance(value, list) else [value]:
                if isinstance(reference, str) and ":" not in reference:
                    what = "an id" if key == "@id" else "a type"
                    raise ProofError(
                        f"{reference!r} is used as {what} but is not a full URL, nor a term "
                        "the document's JSON-LD contexts define."
                    )
        elif key != "@value":
            _refuse_relative_references(value)


def _why(error: BaseException) -> str:
    """The plain-word reason at the root of a pyld error."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ProofError | UnknownDocument):
            return str(cause)
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return f"The document is not valid JSON-LD: {error}"


def _proof_options(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    return options


def _hash_data(document: Mapping[str, Any], proof: Mapping[str, Any]) -> bytes:
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    config_hash = hashlib.sha256(canonical_nquads(_proof_options(document, proof)).encode())
    document_hash = hashlib.sha256(canonical_nquads(unsigned).encode())
    return config_hash.digest() + document_hash.digest()


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("The proof's creation time must carry a time zone.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` DataIntegrityProof added."""
    if "@context" not in document:
        raise ProofError("The document has no @context, so it cannot be signed.")
    if "proof" in document:
        raise ProofError("The document already carries a proof.")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = private_key.sign(_hash_data(document, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    signed = copy.deepcopy(dict(document))
    signed["proof"] = proof
    return signed


def _the_proof(document: Mapping[str, Any]) -> Mapping[str, Any]:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if proof is None:
        raise ProofError("The credential carries no proof (it is not signed).")
    if not isinstance(proof, Mapping):
        raise ProofError("The credential must carry exactly one proof.")
    return proof


def verification_method_of(document: Mapping[str, Any]) -> str:
    """The URL of the key the document's proof says it was signed with."""
    method = _the_proof(document).get("verificationMethod")
    if isinstance(method, Mapping):
        method = method.get("id")
    if not isinstance(method, str) or not method:
        raise ProofError("The proof does not say which key signed it.")
    return method


def verify(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> None:
    """Raise :class:`ProofError`, saying why, unless ``public_key`` signed exactly this document."""
    proof = _the_proof(document)
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(f"The proof is not a {PROOF_TYPE}.")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"The proof does not use the {CRYPTOSUITE} cryptosuite.")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofError("The proof was not made to assert the credential (assertionMethod).")
    if "@context" not in document:
        raise ProofError("The credential has no @context.")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("The proof's signature is missing or not written in base58.")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        raise ProofError("The proof's signature is not valid base58 text.") from None
    if len(signature) != 64:
        raise ProofError("The proof's signature has the wrong length.")
    try:
        public_key.verify(signature, _hash_data(document, proof))
    except InvalidSignature:
        raise ProofError(
            "The signature does not match: the credential was changed after it was signed, "
            "or it was signed with another key."
        ) from None
