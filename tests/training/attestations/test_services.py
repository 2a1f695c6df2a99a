"""What the eligibility record and renewal read (``training.attestations.services``): the
attestations each trainee signed in their current version, those signed since a moment, and the
confirmations in force, for many trainees in one query."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from tests.helpers import make_user, save
from tests.training.attestations.conftest import LIVED
from training.attestations import services
from training.attestations.models import LeadConfirmation
from training.extensions import db
from training.models import Role, TrackSignature

NOW = datetime.now(UTC)


@contextmanager
def statements():  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def signature(user, attestation_id, version, days_ago=0, track="peer-recovery"):  # type: ignore[no-untyped-def]
    return TrackSignature(
        user_id=user.id,
        track_id=track,
        attestation_id=attestation_id,
        text_version=version,
        statement="I agree.",
        signed_at=NOW - timedelta(days=days_ago),
    )


def test_signed_attestations_names_the_current_versions_each_trainee_signed(app, track):
    ethics = track.attestations[0]
    riley, alex, sam = (make_user(Role.TRAINEE) for _ in range(3))
    save(
        signature(riley, "code-of-ethics", ethics.version),
        signature(riley, "lived-experience", LIVED.version),
        signature(alex, "lived-experience", "an-old-text"),  # the text changed since
        signature(alex, "code-of-ethics", ethics.version, track="recovery-coach"),  # other track
        signature(sam, "lived-experience", ethics.version),  # another attestation's version
    )
    with app.app_context(), statements() as seen:
        signed = services.signed_attestations([riley.id, alex.id, sam.id], track)
    assert signed == {
        riley.id: {"code-of-ethics", "lived-experience"},
        alex.id: frozenset(),
        sam.id: frozenset(),
    }
    assert len(seen) == 1
    with app.app_context():
        assert services.signed_attestations([], track) == {}
        no_texts = dataclasses.replace(track, attestations=())
        assert services.signed_attestations([riley.id], no_texts) == {riley.id: frozenset()}


def test_signed_since_counts_only_signatures_after_the_moment(app, track):
    ethics = track.attestations[0]
    riley = make_user(Role.TRAINEE)
    save(
        signature(riley, "code-of-ethics", ethics.version, days_ago=700),
        signature(riley, "lived-experience", LIVED.version, days_ago=1),
    )
    with app.app_context():
        since = NOW - timedelta(days=30)
        assert services.signed_since(riley.id, track, since) == {"lived-experience"}
        assert services.signed_since(riley.id, track, NOW) == frozenset()


def test_confirmations_are_those_in_force_of_the_tracks_items(app, track):
    lead = make_user(Role.LEAD)
    riley, alex = make_user(Role.TRAINEE), make_user(Role.TRAINEE)

    def given(user, item, withdrawn=False, track_id="peer-recovery"):  # type: ignore[no-untyped-def]
        return LeadConfirmation(
            trainee_id=user.id,
            track_id=track_id,
            item_id=item,
            confirmed_by_id=lead.id,
            withdrawn_at=NOW if withdrawn else None,
            withdrawn_by_id=lead.id if withdrawn else None,
            withdraw_reason="Confirmed by mistake." if withdrawn else None,
        )

    save(
        given(riley, "diploma"),
        given(riley, "background", withdrawn=True),
        given(alex, "background", withdrawn=True),
        given(alex, "background"),  # confirmed again after a withdrawal
        given(alex, "diploma", track_id="recovery-coach"),
        given(alex, "no-longer-in-the-track"),
    )
    with app.app_context(), statements() as seen:
        confirmed = services.confirmations([riley.id, alex.id], track)
    assert confirmed == {riley.id: {"diploma"}, alex.id: {"background"}}
    assert len(seen) == 1


def test_the_eligibility_record_reads_them(app, track):
    from training.certs.services import record_of

    riley = make_user(Role.TRAINEE)
    save(signature(riley, "lived-experience", LIVED.version))
    save(LeadConfirmation(trainee_id=riley.id, track_id=track.id, item_id="diploma"))
    with app.app_context():
        record = record_of(db.session.get(type(riley), riley.id), track)
    assert record.signed_attestations == {"lived-experience"}
    assert record.confirmations == {"diploma"}
