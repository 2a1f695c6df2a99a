"""What someone is told when the certificate they acted on had already been changed: true
whoever acted (themselves in another tab, or someone named), dated when it was not a moment ago,
and saying what is current now. (The races themselves: ``test_races.py``.)"""

from datetime import timedelta

from certificates.codes import format_code
from tests.helpers import in_app, make_certificate, make_user
from training import audit
from training.certs.lost_races import why_not_current
from training.extensions import db
from training.models import Certificate, Role, utcnow


def _replaced(holder, by, *, kind="reissue", ago=timedelta(0), replacement_fields=None):
    """``holder``'s certificate, replaced (``ago``) by a new one that ``by`` made."""
    old = make_certificate(holder, code=f"OLD{holder.id:012d}", superseded_at=utcnow() - ago)
    new = make_certificate(
        holder, code=f"NEW{holder.id:012d}", kind=kind, **(replacement_fields or {})
    )
    action = "renewed" if kind == "renewal" else "re-issued"
    with in_app():
        row = db.session.get(Certificate, old.id)
        row.replaced_by_id = new.id
        audit.record(by, "certificate", new.id, action)
        db.session.commit()
    return old, new


def _told(certificate_id, actor, attempted):
    with in_app():
        certificate = db.session.get(Certificate, certificate_id)
        error = why_not_current(certificate, actor, attempted)
        return str(error), getattr(error.now_current, "id", None)


def test_a_revoke_that_lost_to_a_reissue_names_the_valid_replacement(app):
    holder, morgan, riley = (
        make_user(Role.TRAINEE),
        make_user(Role.LEAD, name="Morgan Lead"),
        make_user(Role.LEAD, name="Riley Lead"),
    )
    old, new = _replaced(holder, morgan)
    told, now_current = _told(old.id, riley, "revoke")
    code = format_code(new.code)
    assert told == (
        f"Nothing was revoked: this certificate was re-issued a moment ago by Morgan Lead. "
        f"Its replacement, {code}, is now the current certificate, valid until "
        f"{new.expires_on.day} {new.expires_on:%B %Y}. If it should be revoked too, revoke "
        f"{code}: it is shown below."
    )
    assert now_current == new.id


def test_ones_own_second_click_is_not_blamed_on_someone_else(app):
    holder = make_user(Role.TRAINEE)
    old, new = _replaced(holder, holder, kind="renewal")
    told, _ = _told(old.id, holder, "renew")
    assert told.startswith(
        "Nothing was changed: this certificate was renewed a moment ago by you (perhaps in "
        f"another tab or window). Its replacement, {format_code(new.code)}, is now the current "
        "certificate"
    )
    assert "someone else" not in told and "revoke" not in told


def test_a_change_made_earlier_is_dated_not_a_moment_ago(app):
    holder, morgan = make_user(Role.TRAINEE), make_user(Role.LEAD, name="Morgan Lead")
    old, _ = _replaced(holder, morgan, ago=timedelta(days=3))
    told, _ = _told(old.id, holder, "renew")
    day = (utcnow() - timedelta(days=3)).date()
    assert f"was re-issued on {day.day} {day:%B %Y} by Morgan Lead." in told
    assert "a moment ago" not in told


def test_a_replacement_revoked_since_is_not_called_current(app):
    holder, morgan = make_user(Role.TRAINEE), make_user(Role.LEAD, name="Morgan Lead")
    old, new = _replaced(
        holder, morgan, replacement_fields={"revoked_at": utcnow(), "revoked_by_id": morgan.id}
    )
    told, _ = _told(old.id, morgan, "revoke")
    assert f"Its replacement, {format_code(new.code)}, has since been revoked too." in told
    assert "current" not in told and "revoke it" not in told


def test_an_already_revoked_certificate_says_who_revoked_it(app):
    holder, morgan = make_user(Role.TRAINEE), make_user(Role.LEAD, name="Morgan Lead")
    revoked = make_certificate(holder, revoked_at=utcnow(), revoked_by_id=morgan.id)
    told, now_current = _told(revoked.id, holder, "renew")
    assert told == (
        "Nothing was changed: this certificate was already revoked a moment ago by Morgan Lead."
    )
    assert now_current is None
    assert _told(revoked.id, morgan, "revoke")[0] == (
        "Nothing was revoked: this certificate was already revoked a moment ago by you (perhaps "
        "in another tab or window)."
    )
