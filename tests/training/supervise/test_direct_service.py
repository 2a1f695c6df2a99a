"""A supervisor sees, before signing, whether each supervised-practice entry claims direct
service, and the words they attest (kept on the sign-off) say so where it does."""

import re

from sqlalchemy import select

from tests.helpers import assign, html_of, in_app, make_entry, make_user, post, sign_in, text_of
from training.extensions import db
from training.models import AuditEvent, Role, SignOff

PLAIN = "I attest that these hours took place as described."
DIRECT = (
    "I attest that these hours took place as described, including that they were direct "
    "service with the people supported."
)
QUEUE_DIRECT = (
    "I attest that these hours took place as described, and that those marked “Direct "
    "service: yes” were direct service with the people supported."
)


def _team():  # type: ignore[no-untyped-def]
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Alex Trainee")
    assign(trainee, supervisor)
    return supervisor, trainee


def _practice(trainee, supervisor, direct: bool, notes: str):  # type: ignore[no-untyped-def]
    return make_entry(
        trainee,
        supervisor,
        status="submitted",
        kind="supervised_practice",
        direct_service=direct,
        notes=notes,
    )


def _attested(entry_id: int) -> tuple[str, str | None]:
    with in_app():
        signed = db.session.scalar(select(SignOff.attestation).where(SignOff.entry_id == entry_id))
        audited = db.session.scalar(
            select(AuditEvent.comment).where(
                AuditEvent.subject_id == entry_id, AuditEvent.action == "approved"
            )
        )
        return signed or "", audited


def _kind_cells(page: str) -> dict[str, str]:
    """Each queue row's notes -> its Kind cell, as read."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    cells = {}
    for row in rows:
        kind = re.search(r'data-label="Kind">(.*?)</td>', row, flags=re.S)
        notes = re.search(r'data-label="Notes">(.*?)</td>', row, flags=re.S)
        if kind and notes:
            cells[notes.group(1).strip()] = " ".join(re.sub(r"<[^>]+>", " ", kind.group(1)).split())
    return cells


def test_each_queue_row_says_whether_practice_was_direct_service(client, app):
    supervisor, trainee = _team()
    _practice(trainee, supervisor, True, "Met a peer at the drop-in")
    _practice(trainee, supervisor, False, "Wrote up case notes")
    make_entry(trainee, supervisor, status="submitted", notes="A supervision session")
    sign_in(client, supervisor)
    kinds = _kind_cells(html_of(client.get("/supervise/")))
    assert (
        kinds["Met a peer at the drop-in"] == "Supervised practice, in person Direct service: yes"
    )
    assert kinds["Wrote up case notes"] == "Supervised practice, in person Direct service: no"
    assert "Direct service" not in kinds["A supervision session"]
    assert QUEUE_DIRECT in text_of(client.get("/supervise/"))


def test_a_queue_without_direct_service_keeps_the_plain_attestation(client, app):
    supervisor, trainee = _team()
    _practice(trainee, supervisor, False, "Wrote up case notes")
    sign_in(client, supervisor)
    page = text_of(client.get("/supervise/"))
    assert PLAIN in page and "were direct service" not in page


def test_the_sign_off_keeps_the_words_attested_for_each_entry(client, app):
    supervisor, trainee = _team()
    direct = _practice(trainee, supervisor, True, "Met a peer at the drop-in")
    other = _practice(trainee, supervisor, False, "Wrote up case notes")
    sign_in(client, supervisor)
    answer = post(
        client,
        "/supervise/approve",
        {"entry": [str(direct.id), str(other.id)], "attest": "yes"},
        follow_redirects=True,
    )
    assert "Approved 2 entries" in text_of(answer)
    assert _attested(direct.id) == (DIRECT, DIRECT)
    assert _attested(other.id) == (PLAIN, PLAIN)
    sign_in(client, trainee)
    assert f"“{DIRECT}”" in text_of(client.get(f"/hours/{direct.id}"))
    summary = text_of(client.get("/hours/summary"))
    assert f"Each sign-off attests: “{DIRECT}”, or “{PLAIN}”" in summary or (
        f"Each sign-off attests: “{PLAIN}”, or “{DIRECT}”" in summary
    )


def _attest_label(page: str) -> str:
    return re.search(r'<label for="attest">(.*?)</label>', page, flags=re.S).group(1)


def test_the_review_page_shows_direct_service_and_attests_it(client, app):
    supervisor, trainee = _team()
    direct = _practice(trainee, supervisor, True, "Met a peer at the drop-in")
    other = _practice(trainee, supervisor, False, "Wrote up case notes")
    sign_in(client, supervisor)
    page = client.get(f"/hours/{direct.id}")
    assert "Direct service Yes: support of the peers served" in text_of(page)
    assert _attest_label(html_of(page)) == DIRECT
    plain = client.get(f"/hours/{other.id}")
    assert "Direct service No" in text_of(plain)
    assert _attest_label(html_of(plain)) == PLAIN
