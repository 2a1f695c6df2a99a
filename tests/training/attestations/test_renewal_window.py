"""The attestations ask to be signed again over the same window as the renewal checklist: a
track whose continuing-education reminder comes 90 days before expiry asks 80 days before it,
and signing then is recorded (it used to answer "You have already signed this version" while
the checklist asked to sign again)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from certificates.rulebook import ContinuingEducation
from tests.helpers import in_app, make_certificate, post, sign_in, text_of, use_track
from training.extensions import db
from training.models import TrackSignature

URL = "/attestations/lived-experience"
SIGNING = {"agree": "y", "name": "Riley Chen"}


def _ninety_day_window(app, track):  # type: ignore[no-untyped-def]
    ce = ContinuingEducation(hours=20, reminder_days=(90, 30))
    renewal = dataclasses.replace(track.renewal, attestation=True, continuing_education=ce)
    return use_track(app, "peer-recovery", renewal=renewal)


def _signed_long_ago(client, team, expires_in_days: int):  # type: ignore[no-untyped-def]
    sign_in(client, team.trainee)
    post(client, URL, SIGNING)
    post(client, "/attestations/code-of-ethics", SIGNING)
    certificate = make_certificate(
        team.trainee, issued_days_ago=650, expires_in_days=expires_in_days
    )
    with in_app():
        db.session.execute(
            db.update(TrackSignature).values(signed_at=datetime.now(UTC) - timedelta(days=660))
        )
        db.session.commit()
    return certificate


def _signatures() -> list[TrackSignature]:
    with in_app():
        rows = list(db.session.scalars(select(TrackSignature).order_by(TrackSignature.id)))
        db.session.expunge_all()
        return rows


def test_eighty_days_before_expiry_the_checklist_and_the_signing_page_agree(
    app, client, team, track
):
    _ninety_day_window(app, track)
    certificate = _signed_long_ago(client, team, expires_in_days=80)
    mine = text_of(client.get("/certificate/"))
    assert "Sign the lived-experience statement again" in mine
    assert "To renew your certificate, read it again and sign it." in text_of(
        client.get("/attestations/")
    )
    answer = text_of(post(client, URL, SIGNING, follow_redirects=True))
    assert "You have already signed this version" not in answer
    assert "Thank you. You signed the lived-experience statement." in answer
    renewed = _signatures()[-1]
    assert renewed.attestation_id == "lived-experience"
    assert renewed.renewal_of_id == certificate.id


def test_before_the_track_window_nothing_asks_to_sign_again(app, client, team, track):
    _ninety_day_window(app, track)
    _signed_long_ago(client, team, expires_in_days=100)
    assert "Sign the lived-experience statement again" not in text_of(client.get("/certificate/"))
    assert "Lived-experience statement: Signed on" in text_of(client.get("/attestations/"))
    answer = text_of(post(client, URL, SIGNING, follow_redirects=True))
    assert "You have already signed this version" in answer
    assert len(_signatures()) == 2
