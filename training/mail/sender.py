"""Turning an outbox message into an email, and handing emails to the SMTP server.

``build_message`` makes the ``EmailMessage`` (plain text, then the HTML alternative; the
program as the sender; ``Reply-To`` when ``MAIL_REPLY_TO`` is set; ``List-Unsubscribe`` on
optional messages, RFC 8058, written out as it is, never folded or encoded). ``Connection``
sends a batch over one SMTP connection (``MAIL_*`` settings), opened when the first message
goes, and says how a failure should be treated: ``SetupProblem`` (no message can be sent: the
server is down, refuses our login or our sender address; a set-up to fix, never the message's
fault), or ``SendError`` with ``permanent`` set when the server refused this message for good
(a 5xx reply to its recipient or its data, an address it cannot take), clear for a failure
worth retrying (a 4xx reply, a dropped connection, a timeout).

The password is never logged or kept: every error text passes through ``_without_password``.
"""

from __future__ import annotations

import email.policy
import ipaddress
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
#: the reply to MAIL FROM when the size we declared is more than the server takes (RFC 1870):
#: about this message, not the sender
_TOO_LARGE = 552
_NOT_ASCII = "it is not plain ASCII, and the server does not offer SMTPUTF8"
#: headers as they are, up to the longest line SMTP allows (RFC 5322): the default policy folds
#: at 78 characters, and a long ``List-Unsubscribe`` link, having no space to fold at, is then
#: RFC 2047-encoded, which mail providers do not decode in that header
POLICY = email.policy.default.clone(max_line_length=998)
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


class SetupProblem(SendError):
    """No message can be sent now, through no fault of any message: the server cannot be
    reached, or refuses our login or our sender address. Fixing it is the operator's job, so
    messages wait for it however long it takes."""


def public_host(config: Any) -> str:
    return urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"


def sender(config: Any) -> tuple[str, str]:
    """The From header and the bare address: ``MAIL_DEFAULT_SENDER`` (a bare address gets the
    program's name), or ``noreply@`` the public host."""
    name, address = parseaddr((config.get("MAIL_DEFAULT_SENDER") or "").strip())
    if not address:
        address = f"noreply@{_domain(public_host(config))}"
    return formataddr((name or config["PROGRAM_NAME"], address)), address


def _domain(host: str) -> str:
    """``host`` as the part of an address after the @: an IP address as an address literal
    (``[192.0.2.7]``, ``[IPv6:2001:db8::1]``, RFC 5321 4.1.3), since ``noreply@192.0.2.7`` is
    not a valid address and servers refuse it."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[IPv6:{ip.compressed}]" if ip.version == 6 else f"[{ip}]"


def build_message(letter: Letter, config: Any, now: datetime | None = None) -> EmailMessage:
    """The email for ``letter``, ready to send."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender(config)[0]
    message["To"] = ascii_domain(letter.to_address)
    reply_to = (config.get("MAIL_REPLY_TO") or "").strip()
    if reply_to:
        message["Reply-To"] = reply_to
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


def ascii_domain(address: str) -> str:
    """``address`` with its domain as DNS knows it (IDNA: ``exämple.org`` is
    ``xn--exmple-cua.org``), which every server takes; left as it is when it has no such form
    (the server then refuses it)."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


class Connection:
    """One SMTP connection for a batch: ``send`` opens it when needed (again after the server
    dropped it), ``close`` ends it politely.

        with Connection(app.config) as smtp:
            smtp.send(email)   # raises SetupProblem or SendError
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
        self.where = f"{self.server}:{self.port}"
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        smtp = self._smtp or self._open()
        recipient = message["To"]
        try:
            smtp.send_message(message, self.envelope_from, [recipient])
        except smtplib.SMTPRecipientsRefused as error:
            replies = list(error.recipients.values())
            text = self._without_password("; ".join(_reply(code, r) for code, r in replies))
            if any(code in _LOGIN_REPLIES for code, _r in replies):
                raise SetupProblem(text) from None
            raise SendError(text, permanent=all(code >= 500 for code, _r in replies)) from None
        except smtplib.SMTPSenderRefused as error:
            self._forget_if_dropped()
            reply = self._without_password(_reply(error.smtp_code, error.smtp_error))
            if error.smtp_code == _TOO_LARGE:
                raise SendError(reply, permanent=True) from None
            raise SetupProblem(
                f"{self.where} refused the sender address {self.envelope_from} "
                f"(MAIL_DEFAULT_SENDER): {reply}"
            ) from None
        except (smtplib.SMTPNotSupportedError, UnicodeEncodeError):
            self.close()  # a command may have been cut off half-way
            if not self.envelope_from.isascii():
                raise SetupProblem(
                    f"{self.where} cannot take the sender address {self.envelope_from} "
                    f"(MAIL_DEFAULT_SENDER): {_NOT_ASCII}"
                ) from None
            raise SendError(
                f"{self.where} cannot take the address {recipient}: {_NOT_ASCII}", permanent=True
            ) from None
        except smtplib.SMTPResponseException as error:  # the data refused
            code = error.smtp_code
            self._forget_if_dropped()
            reply = self._without_password(_reply(code, error.smtp_error))
            if code in _LOGIN_REPLIES:
                raise SetupProblem(reply) from None
            raise SendError(reply, permanent=code >= 500) from None
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
        where = self.where
        try:
            if self.use_ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.server, self.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.server, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise SetupProblem(
                self._without_password(f"could not connect to {where}: {_describe(error)}")
            ) from None
        try:
            if self.use_tls:
                if not _offers(smtp, "starttls"):
                    raise SetupProblem(f"{where} does not offer STARTTLS (MAIL_USE_TLS)")
                smtp.starttls(context=context)
            if self.username:
                if not _offers(smtp, "auth"):
                    raise SetupProblem(
                        f"{where} does not offer a login (AUTH) on this connection: check "
                        "MAIL_USE_TLS or MAIL_USE_SSL, or leave MAIL_USERNAME empty"
                    )
                smtp.login(self.username, self._password)
        except SetupProblem:
            smtp.close()
            raise
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            refusal = _reply(error.smtp_code, error.smtp_error)
            raise SetupProblem(
                self._without_password(f"{where} refused the user name or password: {refusal}")
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            smtp.close()
            problem = f"could not start a session with {where}: {_describe(error)}"
            raise SetupProblem(self._without_password(problem)) from None
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
