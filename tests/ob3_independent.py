"""Run an independent verifier over our Open Badges 3.0 credentials.

tests/credentials_node/verify.mjs checks a credential with Digital Bazaar's @digitalbazaar/vc
(Data Integrity, eddsa-rdfc-2022) and, when asked, its Bitstring Status List, using only the
JSON-LD contexts shipped in its npm packages and the documents we pass (issuer document,
verification methods, status list credentials). Nothing of ours runs there, so a pass means a
standard verifier accepts what we sign.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).resolve().parent / "credentials_node"
SCRIPT = NODE_DIR / "verify.mjs"
TIMEOUT_SECONDS = 120


def independent_verify(
    credential: Mapping[str, Any],
    documents: Mapping[str, Mapping[str, Any]],
    check_status: bool = True,
    now: str | None = None,
) -> dict[str, Any]:
    """``{"verified": bool, "errors": [str], "statusResult": …}`` from the Node verifier.

    ``documents`` maps each URL the verifier may dereference to its JSON (the issuer's
    controller document, each verification method, each status list credential); ``now``
    (``YYYY-MM-DDTHH:MM:SSZ``) checks the dates as of that moment instead of the present.
    """
    return _run(_request(credential, documents, check_status, now))


def independent_verify_many(
    checks: Sequence[tuple[Mapping[str, Any], Mapping[str, Any], bool, str | None]],
) -> list[dict[str, Any]]:
    """Several ``(credential, documents, check_status, now)`` checks in one start of Node (each
    start costs about half a second); the answers come back in the same order."""
    return _run([_request(*check) for check in checks])


def _request(
    credential: Mapping[str, Any],
    documents: Mapping[str, Mapping[str, Any]],
    check_status: bool,
    now: str | None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "credential": credential,
        "documents": documents,
        "checkStatus": check_status,
    }
    if now is not None:
        request["now"] = now
    return request


def _run(request: Any) -> Any:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the independent credential verifier: install nodejs.")
    if not (NODE_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail(
            "The independent verifier's packages are missing: run scripts/test "
            "(npm ci in tests/credentials_node)."
        )
    completed = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        cwd=NODE_DIR,
        check=False,
    )
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"The independent verifier did not answer in JSON (exit {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
