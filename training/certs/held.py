"""The certificates of one track that many people hold, newest first, in one query: the
cohort dashboard and "My trainees" both decide from these who is certified
(``training.certs.services.standing``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from certificates.tracks import Track
from training.extensions import db
from training.models import Certificate


def held_certificates(user_ids: Iterable[int], track: Track) -> dict[int, list[Certificate]]:
    """Holder id -> their certificates of the track, newest first ([] for none)."""
    ids = list(user_ids)
    held: dict[int, list[Certificate]] = {i: [] for i in ids}
    for certificate in db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id.in_(ids), Certificate.track_id == track.id)
        .order_by(Certificate.issued_at.desc())
    ):
        held[certificate.user_id].append(certificate)
    return held
