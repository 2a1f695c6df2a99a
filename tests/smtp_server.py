"""A real SMTP server for the mail tests (aiosmtpd), on a free local port, keeping what it gets.

    with SMTPServer() as server:
        app.config.update(server.settings())   # MAIL_SERVER, MAIL_PORT
        ... run the worker ...
        server.messages   # email.message.EmailMessage objects, in the order received
        server.raw        # the same messages as the bytes that came over the wire

``stop()`` and ``start()`` take the server down and bring it back on the same port (to show
messages waiting while mail is down); ``refuse_with(code, text)`` makes it answer every
RCPT TO with that reply instead of accepting (a 4xx reply is temporary, 5xx permanent).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.server.refusal:
            return self.server.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)  # type: ignore[arg-type]
            self.server.raw.append(envelope.original_content or b"")
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or _free_port()
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refusal: str | None = None
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def settings(self) -> dict[str, Any]:
        """The app settings that send through this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}

    def start(self) -> SMTPServer:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse_with(self, reply: str | None) -> None:
        """Answer RCPT TO with ``reply`` (e.g. "451 Try again later"); None accepts again."""
        self.refusal = reply

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        with self.lock:
            return [m for m in self.messages if m["To"] and address in m["To"]]

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
