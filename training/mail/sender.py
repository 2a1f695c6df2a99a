"""Turning an outbox message into an email, and handing emails to the SMTP server.

``build_message`` makes the ``EmailMessage`` (plain text, then the HTML alternative; the
program as the sender; ``List-Unsubscribe`` on optional messages, RFC 8058). ``Connection``
sends a batch over one SMTP connection (``MAIL_*`` settings), opened when the first message
goes, and says how a failure should be treated: ``CannotConnect`` (nothing could be sent: the
server is down, or refuses our login), or ``SendError`` with ``permanent`` set when the server
refused the message for good (a 5xx reply), clear for a failure worth retrying (a 4xx reply, a
dropped connection, a timeout).

The password is never logged or kept: every error text passes through ``_without_password``.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any, Protocol
from urllib.parse import urlsplit

#: SMTP replies about our login, not the message: a configuration to fix, so tried again later
#: (530 authentication required, 534 mechanism too weak, 535 bad credentials, 538 encryption
#: required), never a reason to give a message up
_LOGIN_REPLIES = frozenset({530, 534, 535, 538})
#: how much of an error is kept (``MailAttempt.error``, ``OutboxMessage.last_error``)
ERROR_LENGTH = 500


class Letter(Protocol):
    """What ``build_message`` reads of a message (an ``OutboxMessage`` or a row of its
    columns)."""

    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    list_unsubscribe: str | None


class SendError(Exception):
    """A message was not sent. ``permanent``: the server refused it for good."""

    def __init__(self, text: str, *, permanent: bool = False) -> None:
        super().__init__(text[:ERROR_LENGTH])
        self.permanent = permanent


class CannotConnect(SendError):
    """No message can be sent now: the server cannot be reached, or refuses our login."""


def public_host(config: Any) -> str:
    return urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"


def sender(config: Any) -> tuple[str, str]:
    """The From header and the bare address: ``MAIL_DEFAULT_SENDER`` (a bare address gets the
    program's name), or ``noreply@`` the public host."""
    name, address = parseaddr((config.get("MAIL_DEFAULT_SENDER") or "").strip())
    if not address:
        address = f"noreply@{public_host(config)}"
    return formataddr((name or config["PROGRAM_NAME"], address)), address


def build_message(letter: Letter, config: Any, now: datetime | None = None) -> EmailMessage:
    """The email for ``letter``, ready to send."""
    message = EmailMessage()
    message["From"] = sender(config)[0]
    message["To"] = letter.to_address
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=f"outbox{letter.id}", domain=public_host(config))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    if letter.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{letter.list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text_body)
    message.add_alternative(letter.html_body, subtype="html")
    return message


class Connection:
    """One SMTP connection for a batch: ``send`` opens it when needed (again after the server
    dropped it), ``close`` ends it politely.

        with Connection(app.config) as smtp:
            smtp.send(email)   # raises CannotConnect or SendError
    """

    def __init__(self, config: Any) -> None:
        self.server = (config.get("MAIL_SERVER") or "").strip()
        self.port = int(config.get("MAIL_PORT") or 25)
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.use_tls = bool(config.get("MAIL_USE_TLS")) and not self.use_ssl
        self.username = config.get("MAIL_USERNAME") or ""
        self._password = config.get("MAIL_PASSWORD") or ""
        self.timeout = float(config.get("MAIL_TIMEOUT") or 10)
        self.envelope_from = sender(config)[1]
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        smtp = self._smtp or self._open()
        try:
            smtp.send_message(message, self.envelope_from, [message["To"]])
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            text = "; ".join(_reply(code, reply) for code, reply in error.recipients.values())
            raise SendError(
                self._without_password(text), permanent=all(c >= 500 for c in codes)
            ) from None
        except smtplib.SMTPResponseException as error:  # sender or data refused
            code = error.smtp_code
            self._forget_if_dropped()
            raise SendError(
                self._without_password(_reply(code, error.smtp_error)),
                permanent=code >= 500 and code not in _LOGIN_REPLIES,
            ) from None
        except (OSError, smtplib.SMTPException) as error:  # dropped, timed out
            self.close()
            raise SendError(self._without_password(_describe(error))) from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _open(self) -> smtplib.SMTP:
        context = ssl.create_default_context()  # checks the server's certificate and name
        where = f"{self.server}:{self.port}"
        try:
            if self.use_ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.server, self.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.server, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise CannotConnect(
                self._without_password(f"could not connect to {where}: {_describe(error)}")
            ) from None
        try:
            if self.use_tls:
                if not _offers(smtp, "starttls"):
                    raise CannotConnect(f"{where} does not offer STARTTLS (MAIL_USE_TLS)")
                smtp.starttls(context=context)
            if self.username:
                if not _offers(smtp, "auth"):
                    raise CannotConnect(
                        f"{where} does not offer a login (AUTH) on this connection: check "
                        "MAIL_USE_TLS or MAIL_USE_SSL, or leave MAIL_USERNAME empty"
                    )
                smtp.login(self.username, self._password)
        except CannotConnect:
            smtp.close()
            raise
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            refusal = _reply(error.smtp_code, error.smtp_error)
            raise CannotConnect(
                self._without_password(f"{where} refused the user name or password: {refusal}")
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            smtp.close()
            problem = f"could not start a session with {where}: {_describe(error)}"
            raise CannotConnect(self._without_password(problem)) from None
        self._smtp = smtp
        return smtp

    def _forget_if_dropped(self) -> None:
        """smtplib closes the socket itself after some replies (421): connect again next time."""
        if self._smtp is not None and self._smtp.sock is None:
            self._smtp = None

    def _without_password(self, text: str) -> str:
        if self._password:
            text = text.replace(self._password, "********")
        return text[:ERROR_LENGTH]


def _offers(smtp: smtplib.SMTP, extension: str) -> bool:
    smtp.ehlo_or_helo_if_needed()
    return smtp.has_extn(extension)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "the mail server did not answer in time"
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
