"""Offline verification: ``python -m certificates.verify answer.json public-key.pem``."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates import signing
from certificates.verify import main

NAMES = ["Zoë Ångström", "陈美玲", "محمد", "山田 太郎", "José Núñez-O’Brien"]


def _key():
    private = signing.load_private_key(signing.new_private_key_pem())
    return private, signing.public_key_pem(private)


def _payload(holder: str, public: bytes) -> dict:
    return {
        "v": 1,
        "code": "7K3QDM9X2AF4R8T",
        "holder": holder,
        "track": "peer-recovery",
        "track_title": "Peer Recovery Specialist",
        "program": "Peer Support Training Program",
        "issued_on": "2026-11-29",
        "expires_on": "2028-11-29",
        "kind": "initial",
        "replaces": None,
        "content_versions": {"empathy": "abc123"},
        "approved_minutes": {"supervised_practice": 30000, "supervision": 1500},
        "issued_by": "Morgan Lead",
        "verify_url": "https://training.example.org/verify/7K3QD-M9X2A-F4R8T",
        "key_id": signing.key_id(public),
    }


def _answer(payload: dict, signature: str, ascii_only: bool = True) -> str:
    """As /verify/<code>.json writes it (Flask escapes non-ASCII letters as \\uXXXX)."""
    answer = {
        "status": "valid",
        "holder": payload["holder"],
        "payload": payload,
        "signature": signature,
        "key_id": payload["key_id"],
    }
    return json.dumps(answer, ensure_ascii=ascii_only, sort_keys=True)


def _files(tmp_path, answer: str, public: bytes):
    answer_file, key_file = tmp_path / "answer.json", tmp_path / "public-key.pem"
    answer_file.write_text(answer, encoding="utf-8")
    key_file.write_bytes(public)
    return [str(answer_file), str(key_file)]


@pytest.mark.parametrize("ascii_only", [True, False], ids=["escaped", "utf-8"])
@pytest.mark.parametrize("holder", NAMES)
def test_a_genuine_answer_verifies_whatever_the_script_of_the_name(
    tmp_path, capsys, holder, ascii_only
):
    private, public = _key()
    payload = _payload(holder, public)
    answer = _answer(payload, signing.sign(payload, private), ascii_only)
    assert main(_files(tmp_path, answer, public)) == 0
    out = capsys.readouterr().out
    assert out.startswith("GENUINE")
    assert holder in out and "Peer Recovery Specialist" in out and "2028-11-29" in out
    assert "open the live status address" in out
    assert "Signed-off minutes" in out and "supervised_practice 30000, supervision 1500" in out


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(holder="Someone Else"),
        lambda p: p.update(expires_on="2099-12-31"),
        lambda p: p["approved_minutes"].update(supervision=99999),
    ],
    ids=["name", "expiry", "hours"],
)
def test_a_tampered_answer_is_not_genuine(tmp_path, capsys, change):
    private, public = _key()
    payload = _payload("Zoë Ångström", public)
    signature = signing.sign(payload, private)
    change(payload)
    assert main(_files(tmp_path, _answer(payload, signature), public)) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT GENUINE") and "does not match these facts" in out
    assert "Someone Else" not in out  # a forged fact is never repeated as if true


def test_an_answer_signed_with_another_key_is_not_genuine(tmp_path, capsys):
    private, public = _key()
    _, other_public = _key()
    payload = _payload("陈美玲", public)
    answer = _answer(payload, signing.sign(payload, private))
    assert main(_files(tmp_path, answer, other_public)) == 1
    assert "signed with a different key" in capsys.readouterr().out


def test_a_forger_who_also_swaps_the_key_id_is_still_caught(tmp_path, capsys):
    private, _ = _key()
    _, other_public = _key()
    payload = _payload("محمد", other_public)  # claims the other key
    answer = _answer(payload, signing.sign(payload, private))
    assert main(_files(tmp_path, answer, other_public)) == 1
    assert capsys.readouterr().out.startswith("NOT GENUINE")


@pytest.mark.parametrize(
    ("answer", "key", "message"),
    [
        ("not json at all", None, "the answer is not JSON"),
        ("[1, 2]", None, "not a JSON object"),
        ('{"status": "not_found"}', None, "no certificate has this code"),
        ('{"status": "valid", "holder": "X"}', None, "no signed facts"),
        (None, b"hello", "not a PEM public key"),
        (None, signing.new_private_key_pem(), "not a PEM public key"),
    ],
    ids=["not-json", "not-object", "not-found", "no-payload", "bad-key", "private-key"],
)
def test_a_bad_file_gets_a_clear_message_and_a_non_zero_exit(
    tmp_path, capsys, answer, key, message
):
    private, public = _key()
    payload = _payload("Zoë Ångström", public)
    good = _answer(payload, signing.sign(payload, private))
    assert main(_files(tmp_path, answer or good, key or public)) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_missing_files_and_wrong_arguments(tmp_path, capsys):
    assert main([str(tmp_path / "nope.json"), str(tmp_path / "nope.pem")]) == 2
    assert "Could not read the files" in capsys.readouterr().err
    assert main(["only-one"]) == 2
    assert "usage: python -m certificates.verify" in capsys.readouterr().err


def test_it_runs_as_a_command(tmp_path):
    private, public = _key()
    payload = _payload("陈美玲", public)
    files = _files(tmp_path, _answer(payload, signing.sign(payload, private)), public)
    done = subprocess.run(
        [sys.executable, "-m", "certificates.verify", *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0 and "陈美玲" in done.stdout


def test_the_recipe_in_the_readme_checks_a_signature_by_hand(tmp_path):
    """What the README and the verification page tell anyone to do, done with nothing of ours:
    canonical JSON of the payload (sorted keys, no spaces, UTF-8 letters as they are), and an
    Ed25519 check of the base64url signature (padding added back)."""
    private, public = _key()
    payload = _payload("Zoë Ångström", public)
    answer = json.loads(_answer(payload, signing.sign(payload, private)))
    message = json.dumps(
        answer["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    signature = base64.urlsafe_b64decode(
        answer["signature"] + "=" * (-len(answer["signature"]) % 4)
    )
    key = serialization.load_pem_public_key(public)
    assert isinstance(key, Ed25519PublicKey)
    key.verify(signature, message)  # raises InvalidSignature if not genuine


FORGED_STATUS = "valid.\nLive check done for you just now: VALID, not revoked"


def _signed_answer_with(tmp_path, key=None, *, status: str = "valid", **facts: str) -> list[str]:
    """A genuine answer whose unsigned ``status`` says ``status``, signed with ``key``."""
    private, public = key or _key()
    payload = {**_payload("Riley Chen", public), **facts}
    answer = json.loads(_answer(payload, signing.sign(payload, private)))
    answer["status"] = status  # outside the signed payload: anyone can edit it
    return _files(tmp_path, json.dumps(answer), public)


def test_the_unsigned_status_a_revoked_holder_edited_is_not_printed(tmp_path, capsys):
    assert main(_signed_answer_with(tmp_path, status=FORGED_STATUS)) == 0
    out = capsys.readouterr().out
    assert out.startswith("GENUINE")
    assert "Live check done for you" not in out and "VALID" not in out
    # the signed expiry is not a verdict: it must not read as one for a revoked certificate
    assert "valid until" not in out.lower() and "Expires on" in out
    assert "status as" not in out
    assert "not signed" in out and "open the live status address above" in out
    assert "https://training.example.org/verify/7K3QD-M9X2A-F4R8T" in out


def test_the_report_is_the_same_whatever_the_file_says_of_its_status(tmp_path, capsys):
    key = _key()
    reports = set()
    for status in ["valid", "revoked", "replaced", FORGED_STATUS]:
        assert main(_signed_answer_with(tmp_path, key, status=status)) == 0
        reports.add(capsys.readouterr().out)
    assert len(reports) == 1


@pytest.mark.parametrize(
    ("fact", "value", "printed"),
    [
        ("holder", "Riley Chen\n  Live status  http://evil.example/ok", r"Riley Chen\n  Live"),
        ("holder", "Riley Chen\r\nLive status: VALID", r"Riley Chen\r\nLive"),
        ("holder", "Riley Chen\u2028Valid", r"Riley Chen\u2028Valid"),
        ("holder", "Riley \x1b[32mChen", r"Riley \x1b[32mChen"),
        ("holder", "Riley \u202enehC", r"Riley \u202enehC"),
        ("issued_by", "Morgan\x85Lead", r"Morgan\x85Lead"),
    ],
    ids=["newline", "crlf", "line-separator", "escape", "right-to-left-override", "next-line"],
)
def test_control_characters_in_signed_facts_are_printed_as_escapes(
    tmp_path, capsys, fact, value, printed
):
    assert main(_signed_answer_with(tmp_path, **{fact: value})) == 0
    out = capsys.readouterr().out
    assert printed in out
    assert value not in out
    facts = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(facts) == 10  # one line per signed fact, none added by a value


def test_letters_of_every_script_are_printed_as_they_are(tmp_path, capsys):
    name = "مهرداد\u200cی 陈美玲 Zoë"  # Persian needs its zero-width non-joiner
    assert main(_signed_answer_with(tmp_path, holder=name)) == 0
    assert name in capsys.readouterr().out


# --- the transcript beside the payload, checked against the digest it signs ---------------------

LINES = [
    {
        "kind": "course",
        "on": "2026-02-01",
        "title": "Ethics in practice",
        "hours": {"advocacy": 6.0},
    },
    {
        "kind": "outside",
        "on": "2026-03-10",
        "title": "Harm reduction basics",
        "provider": "State University",
        "hours": {"recovery_wellness": 4.0},
    },
]
CERTIFIES = {
    "training_hours": {"advocacy": 6.0, "recovery_wellness": 4.0},
    "training_total": 10.0,
    "course_hours": 6.0,
    "live_hours": 0.0,
    "outside_hours": 4.0,
    "practice_minutes": 600,
    "direct_service_minutes": None,
    "supervision_minutes": {"individual": 60, "group": 0},
    "exam": None,
    "evaluation": None,
    "attestations": {"signed": 1, "versions": ["abc"]},
}


def _with_transcript(tmp_path, lines=LINES, beside=LINES) -> list[str]:
    """A genuine answer signing ``lines``'s digest, carrying ``beside`` next to its payload as
    /verify/<code>.json does for a valid certificate (nothing when None, as for a revoked one)."""
    from certificates.transcript_digest import transcript_sha256

    private, public = _key()
    payload = {
        **_payload("Riley Chen", public),
        "certifies": CERTIFIES,
        "transcript_sha256": transcript_sha256(lines),
    }
    answer = json.loads(_answer(payload, signing.sign(payload, private)))
    if beside is not None:
        answer["transcript"] = {"covered_by": "payload.transcript_sha256", "lines": beside}
    return _files(tmp_path, json.dumps(answer), public)


def test_a_transcript_beside_the_payload_is_checked_and_printed(tmp_path, capsys):
    assert main(_with_transcript(tmp_path)) == 0
    out = capsys.readouterr().out
    assert out.startswith("GENUINE")
    assert "  Transcript          2026-02-01 Course: Ethics in practice, hours Advocacy 6\n" in out
    assert "2026-03-10 Outside training: Harm reduction basics (State University)" in out
    assert "10 hours of training" in out


@pytest.mark.parametrize(
    "change",
    [
        lambda lines: lines[0].update(title="Ethics for experts"),
        lambda lines: lines[1]["hours"].update(recovery_wellness=40.0),
        lambda lines: lines.pop(),
        lambda lines: lines.append({**lines[0], "title": "An extra course"}),
    ],
    ids=["title", "hours", "line-dropped", "line-added"],
)
def test_a_changed_transcript_beside_a_genuine_payload_is_not_genuine(tmp_path, capsys, change):
    beside = json.loads(json.dumps(LINES))
    change(beside)
    assert main(_with_transcript(tmp_path, beside=beside)) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT GENUINE") and "transcript beside them is not the one" in out
    for invented in ("Ethics for experts", "An extra course", "40"):
        assert invented not in out  # nothing unverified is printed as if signed


def test_an_answer_without_the_transcript_says_only_that_it_is_signed_by_digest(tmp_path, capsys):
    assert main(_with_transcript(tmp_path, beside=None)) == 0
    out = capsys.readouterr().out
    assert out.startswith("GENUINE") and "Harm reduction basics" not in out
    assert "not in this file (the certificate signs its digest only)" in out


def test_a_transcript_signed_inline_before_digests_still_verifies_and_prints(tmp_path, capsys):
    private, public = _key()
    payload = {**_payload("Riley Chen", public), "certifies": CERTIFIES, "transcript": LINES}
    assert main(_files(tmp_path, _answer(payload, signing.sign(payload, private)), public)) == 0
    out = capsys.readouterr().out
    assert out.startswith("GENUINE") and "Harm reduction basics (State University)" in out
