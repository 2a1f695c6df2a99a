"""A trainee's approved hours to take away: as CSV, and as a printable summary with the
program's name, the trainee, the period and a header on every printed page. Both cover a
period when one is chosen (``from`` and ``to`` in the query string), else all approved hours.

The printed header is a CSS ``@page`` margin box (Chromium prints them since version 131);
its words (the trainee's name, the period) come from a small stylesheet made for the page,
because the site's Content-Security-Policy allows no inline style."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, render_template
from flask_login import current_user

from certificates.hours import KINDS, METHODS, PRACTICE, hours_number
from courses.domains import DOMAINS
from training.auth import role_required
from training.csv_export import csv_download
from training.hours import bp, services
from training.hours.filters import EntryFilter, period_in_words, read_filter
from training.hours.forms import PeriodForm
from training.models import EntryStatus, HoursEntry, Role, utcnow


def _approved(chosen: EntryFilter) -> list[HoursEntry]:
    """The trainee's approved entries in the period, oldest first."""
    entries = services.entries_of(current_user)
    approved = [e for e in chosen.apply(entries) if e.status == EntryStatus.APPROVED]
    return sorted(approved, key=lambda e: (e.day, e.id))


def period_words(chosen: EntryFilter, entries: list[HoursEntry], today: date) -> str:
    """The period a summary covers, in words: the one chosen, else from the first approved
    entry to today."""
    words = period_in_words(
        chosen.start or (entries[0].day if entries else None), chosen.end or today
    )
    return words[:1].upper() + words[1:]


@bp.route("/export.csv")
@role_required(Role.TRAINEE)
def export_csv():  # type: ignore[no-untyped-def]
    """Approved hours only, without notes: the minimum needed to show the hours were signed."""
    _, chosen = read_filter(PeriodForm)  # a date that is not a date is left out
    header = [
        "Date",
        "Kind",
        "Direct service",
        "Method",
        "Hours",
        "Domains",
        "Supervisor",
        "Supervisor credential",
        "Signed at (UTC)",
        "Attestation",
    ]
    rows = []
    for e in _approved(chosen):
        sign = e.sign_off
        signed = (
            [sign.supervisor_name, sign.supervisor_credential, sign.signed_at, sign.attestation]
            if sign
            else ["", "", "", ""]
        )
        rows.append(
            [
                e.day,
                KINDS[e.kind],
                ("Yes" if e.direct_service else "No") if e.kind == PRACTICE else "",
                METHODS[e.method],
                hours_number(e.minutes),
                "; ".join(DOMAINS[d] for d in e.domains),
                *signed,
            ]
        )
    return csv_download("approved-hours.csv", header, rows)


@bp.route("/summary")
@role_required(Role.TRAINEE)
def summary():  # type: ignore[no-untyped-def]
    form, chosen = read_filter(PeriodForm)
    entries = _approved(chosen)
    now = utcnow()
    return render_template(
        "hours/summary.html",
        form=form,
        chosen=chosen,
        period=period_words(chosen, entries, now.date()),
        entries=entries,
        totals=services.totals_of(entries),
        track=services.track_for(current_user),
        attestation=services.ATTESTATION,
        now=now,
    ), (400 if any(field.errors for field in form) else 200)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that can hold nothing but text: every character but
    ASCII letters, digits and spaces written as a six-digit escape, each ended by the one
    space CSS reads as part of an escape (so a space that follows one is kept)."""
    kept = (c if (c.isascii() and c.isalnum()) or c == " " else f"\\{ord(c):06x} " for c in text)
    return '"' + "".join(kept) + '"'


@bp.route("/summary-page.css")
@role_required(Role.TRAINEE)
def summary_page_css():  # type: ignore[no-untyped-def]
    """The printed summary's running header and footer: program, trainee, period, page."""
    _, chosen = read_filter(PeriodForm)
    period = period_words(chosen, _approved(chosen), utcnow().date())
    program = current_app.config["PROGRAM_NAME"]
    css = (
        "@page {\n"
        "  margin: 20mm 15mm 18mm;\n"
        f"  @top-left {{ content: {css_string(program)}; font-size: 9pt; }}\n"
        f"  @top-right {{ content: {css_string('Approved hours of ' + current_user.name)}; "
        "font-size: 9pt; }\n"
        f"  @bottom-left {{ content: {css_string('Period: ' + period)}; font-size: 9pt; }}\n"
        '  @bottom-right { content: "Page " counter(page) " of " counter(pages); '
        "font-size: 9pt; }\n"
        "}\n"
    )
    return Response(css, mimetype="text/css")
