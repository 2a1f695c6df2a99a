"""The server the browser tests use closes every answer, also when the browser drops the
connection half-way: a file left open would fail some later, unrelated test."""

from __future__ import annotations

import gc
import socket
import struct
import sys
from pathlib import Path

from flask import Flask

import training
from tests.browser.conftest import served

STATIC = "print.css"


def test_answers_are_closed_when_the_client_resets_the_connection(monkeypatch):
    app = Flask("served", static_folder=Path(training.__file__).parent / "static")
    unclosed: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unclosed.append(repr(u.exc_value)))
    with served(app) as url:
        port = int(url.rsplit(":", 1)[1])
        for _ in range(50):
            # As Chromium does when it leaves a page while a stylesheet loads: read the first
            # byte of the answer, then reset the connection (close with unread data waiting).
            with socket.create_connection(("127.0.0.1", port)) as client:
                client.sendall(f"GET /static/{STATIC} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                assert client.recv(1) == b"H"
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    gc.collect()
    assert [u for u in unclosed if STATIC in u] == []
