"""Eligibility: each requirement met, unmet and at its boundary, in plain words."""

from fractions import Fraction

from certificates.eligibility import TraineeRecord, eligibility
from certificates.hours import HoursRules, Logged, totals
from certificates.tracks import Attestation, Renewal, Track

TRACK = Track(
    id="t",
    title="Peer Recovery Specialist",
    summary="s",
    hours=HoursRules(
        practice_minutes=600,
        supervision_minutes=120,
        supervision_by_domain={"ethical_responsibility": 60},
    ),
    courses=("empathy", "boundaries"),
    training_hours={"ethical_responsibility": 6, "advocacy": 1},
    attestations=(Attestation("Code of ethics", "I agree.", "Be kind."),),
    renewal=Renewal(courses=("boundaries",), attestation=True),
)
TITLES = {"empathy": "Empathy in peer support", "boundaries": "Boundaries and ethics"}
HOURS = {
    "empathy": {"mentoring_education": 3, "ethical_responsibility": 1},
    "boundaries": {"ethical_responsibility": 6, "advocacy": 2},
}
ENOUGH = [
    Logged(600, "supervised_practice", "approved", ("advocacy",)),
    Logged(120, "individual_supervision", "approved", ("ethical_responsibility",)),
]


def record(courses=("empathy", "boundaries"), entries=ENOUGH, attested=True):
    return TraineeRecord(
        frozenset(courses),
        TITLES,
        HOURS,
        totals(entries),
        signed_attestations=frozenset({"code-of-ethics"} if attested else ()),
    )


def test_everything_met_is_eligible():
    result = eligibility(TRACK, record())
    assert result.eligible and result.outstanding == ()
    assert [i.label for i in result.items] == [
        "Complete “Empathy in peer support”",
        "Complete “Boundaries and ethics”",
        "6 hours of training in Ethical Responsibility",
        "1 hour of training in Advocacy",
        "10 approved hours of supervised practice",
        "2 approved hours of supervision",
        "1 approved hour of supervision in Ethical Responsibility",
        "Sign the code of ethics",
    ]


def test_a_missing_course_is_named_and_its_training_hours_too():
    result = eligibility(TRACK, record(courses=("empathy",)))
    missing = [i.missing for i in result.outstanding]
    assert (
        "Complete the course “Boundaries and ethics”: read every module, pass its quiz and have "
        "its practice exercises accepted" in missing
    )
    assert "5 more training hours in Ethical Responsibility" in missing
    assert "1 more training hours in Advocacy" in missing
    assert not result.eligible


def test_hours_one_quarter_short_and_exactly_enough():
    short = [Logged(585, "supervised_practice", "approved", ("advocacy",)), ENOUGH[1]]
    result = eligibility(TRACK, record(entries=short))
    assert [i.missing for i in result.outstanding] == [
        "0.25 more approved hours of supervised practice"
    ]
    assert eligibility(TRACK, record()).eligible


def test_unapproved_hours_do_not_count():
    waiting = [Logged(600, "supervised_practice", "submitted", ("advocacy",)), ENOUGH[1]]
    assert "10 more approved hours of supervised practice" in [
        i.missing for i in eligibility(TRACK, record(entries=waiting)).outstanding
    ]


def test_supervision_per_domain_counts_a_shared_session_by_halves():
    split = [
        ENOUGH[0],
        Logged(120, "group_supervision", "approved", ("ethical_responsibility", "advocacy")),
    ]
    result = eligibility(TRACK, record(entries=split))
    assert result.eligible  # 60 of the 120 minutes go to Ethical Responsibility: exactly enough
    less = [
        ENOUGH[0],
        Logged(90, "group_supervision", "approved", ("ethical_responsibility", "advocacy")),
        Logged(30, "group_supervision", "approved", ("advocacy",)),
    ]
    outstanding = eligibility(TRACK, record(entries=less)).outstanding
    assert [i.missing for i in outstanding] == [
        "0.25 more approved hours of supervision in Ethical Responsibility"
    ]
    assert Fraction(45) < 60


def test_the_code_of_ethics_must_be_signed():
    result = eligibility(TRACK, record(attested=False))
    assert [i.missing for i in result.outstanding] == ["Read and sign the code of ethics."]
