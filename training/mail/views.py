"""A person's notification settings, and the unsubscribe link of an optional message.

Both write the same thing: a ``MailOptOut`` row for each optional kind a person has turned
off. Turning off inserts the row if absent and turning on deletes it, so a double submit, two
tabs, or a mail provider's one-click POST arriving twice never fail and audit only what
changed. Required kinds (security, invitations) can be turned off neither here nor by a link.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import delete, select

from training import audit
from training.extensions import csrf, db
from training.mail import bp
from training.mail.forms import PreferencesForm, UnsubscribeForm
from training.mail.kinds import KINDS, Kind, optional_for
from training.mail.models import MailOptOut
from training.mail.outbox import read_unsubscribe_token
from training.models import User
from training.upserts import dialect_insert


def turn_off(user: User, kind: str) -> bool:
    """Stop ``kind`` for ``user`` (in the caller's transaction); False if it was off already."""
    written = db.session.execute(
        dialect_insert(MailOptOut)
        .values(user_id=user.id, kind=kind)
        .on_conflict_do_nothing(index_elements=["user_id", "kind"])
        .returning(MailOptOut.kind)
    )
    return written.scalar_one_or_none() is not None


def turn_on(user: User, kind: str) -> bool:
    """Send ``kind`` to ``user`` again (in the caller's transaction); False if it was on."""
    deleted = db.session.execute(
        delete(MailOptOut).where(MailOptOut.user_id == user.id, MailOptOut.kind == kind)
    )
    return bool(deleted.rowcount)


def turned_off(user: User) -> set[str]:
    return set(db.session.scalars(select(MailOptOut.kind).where(MailOptOut.user_id == user.id)))


def always_sent(user: User) -> list[Kind]:
    """The required kinds that concern ``user``'s role."""
    return [kind for kind in KINDS.values() if kind.required and user.role_enum in kind.roles]


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():  # type: ignore[no-untyped-def]
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    offered = optional_for(user.role_enum)
    form = PreferencesForm()
    form.offer(offered)
    if form.validate_on_submit():
        wanted = set(form.wanted.data or [])
        stopped = [k.label for k in offered if k.name not in wanted and turn_off(user, k.name)]
        started = [k.label for k in offered if k.name in wanted and turn_on(user, k.name)]
        if stopped or started:
            changes = [
                f"{words}: {'; '.join(labels)}."
                for words, labels in (("Turned off", stopped), ("Turned on", started))
                if labels
            ]
            audit.record(
                user, "user", user.id, "notification settings changed", comment=" ".join(changes)
            )
        db.session.commit()
        flash("Saved. Your notification settings are up to date.", "success")
        return redirect(url_for("mail.preferences"))
    if request.method == "GET":
        off = turned_off(user)
        form.wanted.data = [kind.name for kind in offered if kind.name not in off]
    return render_template(
        "mail/pages/preferences.html", form=form, offered=offered, always=always_sent(user)
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the protection: mail providers POST without a CSRF token
def unsubscribe(token: str):  # type: ignore[no-untyped-def]
    """The ``List-Unsubscribe`` link of an optional message: GET asks, POST turns that kind
    off for that person, from the page's button or as a one-click POST (RFC 8058), which
    carries ``List-Unsubscribe=One-Click`` and no CSRF token. Works without signing in."""
    named = read_unsubscribe_token(token)
    user = db.session.get(User, named[0]) if named else None
    if named is None or user is None:
        return render_template("mail/pages/unsubscribe_invalid.html"), 404
    kind = KINDS[named[1]]
    form = UnsubscribeForm()
    if request.method in ("GET", "HEAD"):  # a link checker's HEAD changes nothing either
        already = kind.name in turned_off(user)
        return render_template("mail/pages/unsubscribe.html", form=form, kind=kind, already=already)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if not one_click and not form.validate_on_submit():
        abort(400, "This form has expired. Please reload the page and press the button again.")
    if turn_off(user, kind.name):
        how = "with one click in their mail program" if one_click else "with the link in an email"
        said = f"{kind.name} (“{kind.label}”), {how}"
        audit.record(user, "user", user.id, "unsubscribed from emails", comment=said)
    db.session.commit()
    return render_template("mail/pages/unsubscribed.html", kind=kind)
