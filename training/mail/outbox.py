"""Writing messages to the outbox, in the caller's transaction.

``queue`` renders ``templates/mail/<template>.txt`` and ``.html`` (each extends ``mail/_base``,
which adds the program's name and public address, and for optional kinds the link to turn them
off) with only what it is given, never the web page's context (``render``), and adds the
message to the session: it is committed, or rolled back, with the event it tells of.
``queue_once`` is for scheduled messages: a ``dedupe_key`` already written (by this worker
before, or by another at the same moment) writes nothing.

Privacy: a message says what happened and links to the page. Never put notes, comments, scores
or the names of people served in a template's context.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from training import limits
from training.extensions import db
from training.mail.kinds import KINDS
from training.mail.models import MailOptOut, OutboxMessage
from training.models import User, utcnow
from training.urls import public_url

_UNSUBSCRIBE_SALT = "mail-unsubscribe"


def wants(user: User, kind: str) -> bool:
    """Does ``user`` get messages of ``kind``? Required kinds always go; optional ones go to
    active accounts that have not turned them off."""
    if KINDS[kind].required:
        return True
    if not user.active:
        return False
    opted_out = exists().where(MailOptOut.user_id == user.id, MailOptOut.kind == kind)
    return not db.session.scalar(select(opted_out))


def queue(
    user: User,
    kind: str,
    template: str,
    subject: str,
    *,
    sensitive: bool = False,
    dedupe_key: str | None = None,
    due: datetime | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Add a message for ``user`` to the current transaction (the caller commits), or None if
    they do not get this kind. ``context`` goes to the templates, with ``user`` and
    ``subject``; links in it must come from ``training.urls.public_url``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message {kind!r}")
    if not wants(user, kind):
        return None
    unsubscribe = None if KINDS[kind].required else unsubscribe_url(user, kind)
    program = current_app.config["PROGRAM_NAME"]
    subject = f"{subject} – {program}"[: limits.MAIL_SUBJECT]
    values = {
        "user": user,
        "subject": subject,
        "kind": KINDS[kind],
        "unsubscribe_url": unsubscribe,
        **context,
    }
    message = OutboxMessage(
        kind=kind,
        user_id=user.id,
        to_address=user.email,
        subject=subject,
        text_body=render(f"mail/{template}.txt", values),
        html_body=render(f"mail/{template}.html", values),
        list_unsubscribe=unsubscribe,
        sensitive=sensitive,
        dedupe_key=dedupe_key,
        next_attempt_at=due or utcnow(),
    )
    db.session.add(message)
    return message


def render(name: str, values: dict[str, Any]) -> str:
    """A message template with ``values`` and the settings (``config``; ``public_url`` is a
    global), without the app's context processors: a message is not a page, so it must not
    read who is signed in or count what waits for them (twice per message: an import of 500
    invitations would run 1,000 queries)."""
    template = current_app.jinja_env.get_template(name)
    return template.render({"config": current_app.config, **values})


def queue_once(user: User, kind: str, template: str, subject: str, dedupe_key: str, **kw: Any):  # type: ignore[no-untyped-def]
    """``queue`` a scheduled message under ``dedupe_key`` and commit it, unless a message with
    that key exists already (written earlier, or by another worker at this moment): then
    nothing is written and None is returned."""
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = queue(user, kind, template, subject, dedupe_key=dedupe_key, **kw)
    if message is None:
        return None
    try:
        db.session.commit()
    except IntegrityError:  # another worker wrote the same key first
        db.session.rollback()
        return None
    return message


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User, kind: str) -> str:
    """The public one-click link that turns ``kind`` off for ``user`` (signed; no expiry, as a
    message may be read long after it was sent)."""
    token = _serializer().dumps([user.id, kind])
    return public_url("mail.unsubscribe", token=token)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) a token from ``unsubscribe_url`` names, or None if it was not made
    here or names no optional kind."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in KINDS or KINDS[kind].required:
        return None
    return user_id, kind
