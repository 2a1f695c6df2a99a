"""What a track's Achievement tells an employer, for the two shipped tracks: the description is
the track's third-person ``credential_description`` (never the summary written to trainees),
each criteria line is built from the track file, and each alignment names IC&RC's public page
and says IC&RC did not review the training. The evidence is what the certificate says the
holder completed, in the PDF's own sentences."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from certificates.transcript import sentences_of
from training.ob3 import achievements

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture
def shipped(app):
    """The app reading the shipped content (tracks and courses)."""
    from training.content import ContentStore

    app.extensions["content"] = ContentStore(CONTENT)
    with app.app_context():
        yield app


def _track(track_id: str):
    found = achievements.track(track_id)
    assert found is not None
    return found


def test_the_peer_recovery_criteria_say_what_the_track_asks(shipped):
    assert achievements.criteria(_track("peer-recovery")).splitlines() == [
        "Complete 14 self-paced online courses (reading, practice exercises and a quiz in each).",
        "At least 28 training hours: Advocacy 2, Mentoring/Education 6.5, Recovery/Wellness "
        "Support 9, Ethical Responsibility 10.5.",
        "500 hours of paid or volunteer peer support work, signed off by a supervisor.",
        "25 hours of supervision (individual and group).",
        "Sign the program's code of ethics.",
        "Valid for 2 years. To renew: complete 3 courses again (Boundaries and ethics in peer "
        "work; Self-care and your own recovery; Ethics in practice) and sign the code of ethics "
        "again.",
    ]


def test_the_recovery_coach_criteria_say_what_the_track_asks(shipped):
    assert achievements.criteria(_track("recovery-coach")).splitlines() == [
        "Complete 11 self-paced online courses (reading, practice exercises and a quiz in each).",
        "60 hours of training in all, with at least: Advocacy 6, Mentoring/Education 10, "
        "Recovery/Wellness Support 10, Ethical Responsibility 6.",
        "At least half of it at live training sessions.",
        "200 hours of direct peer support work, signed off by a supervisor.",
        "10 hours of supervision (individual and group, at most half of it in a group).",
        "Pass the program's own exam, the Recovery coach knowledge exam (written, at the live "
        "training); it is not a certification board's exam.",
        'A supervisor observed the holder\'s work and rated them at least "Competent" in each of '
        "12 competencies.",
        "Sign 3 statements, including the program's code of ethics.",
        "Valid for 2 years. To renew: complete 20 hours of continuing education (6 in Ethical "
        "Responsibility) and sign the statements again.",
    ]


def test_a_changed_number_in_the_track_file_changes_its_sentence(shipped):
    coach = _track("recovery-coach")
    fewer = dataclasses.replace(
        coach,
        validity_months=18,
        experience=dataclasses.replace(coach.experience, direct_service_hours=150),
        training=dataclasses.replace(coach.training, live_min_percent=40),
    )
    lines = achievements.criteria(fewer).splitlines()
    assert "At least 40 percent of it at live training sessions." in lines
    assert (
        "200 hours of peer support work, at least 150 hours of it in direct service, signed off "
        "by a supervisor." in lines
    )
    assert lines[-1].startswith("Valid for 18 months. To renew:")


def test_the_description_is_written_for_an_employer_not_the_trainee(shipped):
    for track_id in ("peer-recovery", "recovery-coach"):
        track = _track(track_id)
        described = achievements.description(track, track.title)
        assert described == track.credential_description
        assert described != track.summary and "You need" not in described
    # "the credential" of the summary read as this very file; the employer reads whose it is not
    assert "is not that credential: IC&RC also asks 18 more training hours" in (
        achievements.description(_track("peer-recovery"), "")
    )


def test_each_alignment_names_its_source_and_says_it_is_no_approval(shipped):
    for found in achievements.alignments(_track("recovery-coach")):
        assert found.url == "https://internationalcredentialing.org/icrc-credentials/pr"
        assert found.description == (
            "A training domain as IC&RC names it. This does not mean IC&RC reviewed or approved "
            "this training."
        )
        assert found.code is None  # the platform's own ids are not IC&RC's codes


def test_the_credentials_evidence_is_the_certificates_own_sentences(app, tmp_path):
    from tests.training.ob3.sharing_support import credential_of, issue_certificate, signed_in
    from training.extensions import db
    from training.models import Certificate

    issued = issue_certificate(app, tmp_path)
    credential = credential_of(signed_in(app, issued.trainee), issued)
    with app.app_context():
        payload = json.loads(db.session.get(Certificate, issued.certificate_id).payload)
    (evidence,) = credential["evidence"]
    assert evidence["narrative"].splitlines() == [
        f"Certificate code: {issued.code}.",
        "",
        *[f"- {line}" for line in sentences_of(payload)],
    ]
    assert evidence["name"].startswith(f"Certificate {issued.code}: public verification page")
    assert credential["name"] == "Training certificate: Peer Recovery Specialist"
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
