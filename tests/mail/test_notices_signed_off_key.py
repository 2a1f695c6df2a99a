"""The "signed off" message names the sign-offs it tells of in its key (so undoing one finds
it): runs of consecutive ids as ranges, and an approval that would name more than the key
holds tells the rest in a message of its own, every entry told once."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import assign, make_entry, make_user
from training.extensions import db
from training.mail import notices
from training.mail.models import OutboxMessage
from training.models import HoursEntry, Role, SignOff


def test_the_key_names_each_sign_off_once_with_runs_as_ranges():
    assert notices.signed_off_key([15, 12, 13, 19, 14, 13]) == "signed-off:12-15,19"
    assert notices.signed_off_key([]) is None


def test_an_approval_naming_more_than_the_key_holds_tells_the_rest_in_another_message(
    app, monkeypatch
):
    monkeypatch.setattr(notices, "KEY_LENGTH", len("signed-off:1,3,5,7,9"))
    supervisor = make_user(Role.SUPERVISOR, credential="CPRS 1")
    alex, blair = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    for trainee in (alex, blair):
        assign(trainee, supervisor)
    # sign-offs of Alex's entries with Blair's between them: no run to shorten the key
    entries = []
    for _ in range(8):
        entries.append(make_entry(alex, supervisor, "approved"))
        make_entry(blair, supervisor, "approved")
    with app.app_context():  # one approval, an entry a transaction, as the service does
        signed_off = notices.SignedOff()
        for entry in entries:
            signed_off.add(db.session.get(HoursEntry, entry.id))
            db.session.commit()
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        counts = [m.text_body.split("\n")[2] for m in messages]
        named = [notices._named_by(m.dedupe_key) for m in messages]
        alex_sign_offs = set(
            db.session.scalars(
                select(SignOff.id).where(SignOff.entry_id.in_([e.id for e in entries]))
            )
        )
    assert counts == [
        "Your supervisor signed off 5 entries in your hours log. Well done!",
        "Your supervisor signed off 3 entries in your hours log. Well done!",
    ]
    assert [len(ids) for ids in named] == [5, 3]
    assert named[0] | named[1] == alex_sign_offs
