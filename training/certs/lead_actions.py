"""A program lead issues, revokes and re-issues certificates.

Each action has one address: a GET shows a page that says exactly what will happen (who, which
track, the email the holder gets, what the public verification page says from then on) with
any field it needs, and changes nothing; the POST does it. Either way the lead goes back to
the page they came from (``next``, ``training.back``), else the holder's page.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from certificates.codes import format_code
from training.auth import role_required
from training.back import back_to
from training.certs import bp, issuing, keys, services
from training.certs.forms import ReissueForm, RevokeForm
from training.certs.lost_races import NotCurrent
from training.certs.views import track_or_404
from training.extensions import db
from training.forms import submitted
from training.hours.forms import ActionForm
from training.models import REVOCATION_CATEGORIES, Certificate, Role, User, utcnow


def _trainee(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.TRAINEE:
        abort(404)
    return user


def _certificate(certificate_id: int) -> Certificate:
    return db.get_or_404(Certificate, certificate_id)


def _reissue_track(certificate: Certificate):  # type: ignore[no-untyped-def]
    """A re-issue keeps the certificate's own track."""
    from training import content

    return content.store().tracks.track(certificate.track_id) or track_or_404(certificate.holder)


def _holders_page(certificate: Certificate, anchor: str | None = None) -> str:
    return url_for("lead.edit_person", user_id=certificate.user_id, _anchor=anchor)


@bp.route("/lead/people/<int:user_id>/certificate", methods=["GET", "POST"])
@role_required(Role.LEAD)
def issue(user_id: int):  # type: ignore[no-untyped-def]
    trainee = _trainee(user_id)
    track = track_or_404(trainee)
    back = back_to(url_for("lead.edit_person", user_id=trainee.id))
    if request.method == "GET":
        today = utcnow().date()
        return render_template(
            "lead/confirm_issue.html",
            trainee=trainee,
            track=track,
            checklist=services.checklist(trainee, track),
            current=services.current_certificate(trainee, track),
            today=today,
            expires_on=track.expiry(today),
            next=back,
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        certificate = issuing.issue(trainee, track, current_user)
    except (services.CertificateError, keys.NoSigningKey) as error:
        flash(str(error), "error")
        return redirect(back), 303
    flash(f"Issued certificate {format_code(certificate.code)} to {trainee.name}.", "success")
    return redirect(back)


def _confirm_page(template: str, certificate: Certificate, form, back: str, status: int = 200):  # type: ignore[no-untyped-def]
    """The page that says what revoking or re-issuing ``certificate`` does, with its form (and
    the problems of one just sent, next to their fields)."""
    today = utcnow().date()
    return render_template(
        template,
        certificate=certificate,
        status=certificate.status(today),
        today=today,
        form=form,
        next=back,
    ), status


def _lost(certificate: Certificate, error: services.CertificateError, back: str):  # type: ignore[no-untyped-def]
    """The certificate changed meanwhile (another lead, another tab): say so, and where a
    replacement is now current, open its holder's page at it, so it can be acted on too."""
    flash(str(error), "error")
    replacement = getattr(error, "now_current", None)
    if replacement is not None:
        return redirect(_holders_page(certificate, f"certificate-{replacement.id}")), 303
    return redirect(back), 303


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@role_required(Role.LEAD)
def revoke(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = _certificate(certificate_id)
    back = back_to(_holders_page(certificate))
    form = RevokeForm()
    template = "lead/confirm_revoke.html"
    if request.method == "GET":
        return _confirm_page(template, certificate, form, back)
    if not submitted(form):
        return _confirm_page(template, certificate, form, back, 400)
    try:
        issuing.revoke(certificate, current_user, form.category.data or "", form.reason.data or "")
    except NotCurrent as error:
        return _lost(certificate, error, back)
    except services.CertificateError as error:  # no category, or no reason: said beside it
        blank = form.category.data not in REVOCATION_CATEGORIES
        (form.category if blank else form.reason).errors.append(str(error))
        return _confirm_page(template, certificate, form, back, 400)
    flash(
        f"Certificate {format_code(certificate.code)} is revoked. "
        "Verification says so from now on.",
        "success",
    )
    return redirect(back)


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["GET", "POST"])
@role_required(Role.LEAD)
def reissue(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = _certificate(certificate_id)
    back = back_to(_holders_page(certificate))
    template = "lead/confirm_reissue.html"
    if request.method == "GET":
        form = ReissueForm(formdata=None, holder_name=certificate.holder_name)
        return _confirm_page(template, certificate, form, back)
    form = ReissueForm()
    if not submitted(form):
        return _confirm_page(template, certificate, form, back, 400)
    try:
        new = issuing.reissue(
            certificate, current_user, form.holder_name.data or "", _reissue_track(certificate)
        )
    except NotCurrent as error:
        return _lost(certificate, error, back)
    except (services.CertificateError, keys.NoSigningKey) as error:
        if not (form.holder_name.data or "").strip():  # said beside the name
            form.holder_name.errors.append(str(error))
            return _confirm_page(template, certificate, form, back, 400)
        flash(str(error), "error")
        return redirect(back), 303
    flash(
        f"Re-issued as {format_code(new.code)}. The old code now verifies as replaced.", "success"
    )
    return redirect(back)
