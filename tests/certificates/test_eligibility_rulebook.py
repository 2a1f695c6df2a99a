"""The eligibility checklist for a track with the whole rulebook: live training events, a total
and a live share of training hours, the exam, attestations and confirmations, grouped."""

from dataclasses import replace
from datetime import date

from certificates.eligibility import GROUPS, TraineeRecord, eligibility, training_hours
from certificates.hours import totals
from certificates.rulebook import (
    AttendedEvent,
    Confirmation,
    ExamOutcome,
    ExamRule,
    TrainingRule,
)
from certificates.tracks import Attestation, Track

TRACK = Track(
    id="coach",
    title="Recovery coach",
    summary="s",
    courses=("basics",),
    training_hours={"ethical_responsibility": 2, "advocacy": 1},
    training=TrainingRule(total_hours=6, live_min_percent=50),
    exam=ExamRule(kind="external", name="NCPRSS exam"),
    attestations=(
        Attestation("Code of ethics", "I agree.", "Be kind."),
        Attestation("Lived-experience statement", "This is true.", "…", id="lived-experience"),
    ),
    confirmations=(Confirmation("diploma", "High-school diploma or GED seen"),),
)
COURSE_HOURS = {"basics": {"ethical_responsibility": 1, "advocacy": 1}}


def event(hours, day=date(2026, 3, 1), minutes=None):
    return AttendedEvent("Academy day", day, minutes or round(sum(hours.values()) * 60), hours)


def record(**changes):
    base = TraineeRecord(
        completed_courses=frozenset({"basics"}),
        course_titles={"basics": "Basics"},
        course_hours=COURSE_HOURS,
        hours=totals([]),
        signed_attestations=frozenset({"code-of-ethics", "lived-experience"}),
        confirmations=frozenset({"diploma"}),
        events=(event({"ethical_responsibility": 1, "mentoring_education": 3}),),
        exam=ExamOutcome(passed=True, day=date(2026, 4, 1), detail="NCPRSS exam: passed"),
    )
    return replace(base, **changes)


def test_live_hours_count_toward_each_domain_the_total_and_the_live_share():
    result = eligibility(TRACK, record())
    assert result.eligible, result.still_needed
    earned = training_hours(TRACK, record())
    assert earned.by_domain["ethical_responsibility"] == 2
    assert earned.total == 6 and earned.live_total == 4


def test_without_the_event_the_missing_hours_are_named_by_domain_total_and_live_share():
    result = eligibility(TRACK, record(events=()))
    missing = [i.missing for i in result.outstanding]
    assert missing == [
        "1 more training hours in Ethical Responsibility",
        "4 more training hours in any domain",
        "3 more hours at live training events",
    ]


def test_the_live_share_is_rounded_up_to_a_quarter_hour():
    track = replace(TRACK, training=TrainingRule(total_hours=5, live_min_percent=45))
    labels = [i.label for i in eligibility(track, record()).items]
    assert "2.25 hours of it at live training events (45 %)" in labels


def test_a_partly_attended_event_counts_only_its_hours():
    short = event({"ethical_responsibility": 0.5, "mentoring_education": 1.5}, minutes=120)
    result = eligibility(TRACK, record(events=(short,)))
    assert "2 more training hours in any domain" in [i.missing for i in result.outstanding]


def test_the_exam_must_be_passed_and_an_external_one_is_recorded_by_the_lead():
    failed = eligibility(TRACK, record(exam=ExamOutcome(passed=False)))
    assert [i.missing for i in failed.outstanding] == [
        "Pass the NCPRSS exam; take it, then the program lead records the result"
    ]
    assert not eligibility(TRACK, record(exam=None)).eligible
    internal = replace(TRACK, exam=ExamRule(kind="internal", name="final exam", pass_percent=75))
    assert [i.missing for i in eligibility(internal, record(exam=None)).outstanding] == [
        "Pass the final exam (75 % to pass)"
    ]


def test_every_attestation_and_confirmation_is_its_own_item():
    result = eligibility(
        TRACK, record(signed_attestations=frozenset({"code-of-ethics"}), confirmations=frozenset())
    )
    assert [i.missing for i in result.outstanding] == [
        "Read and sign the lived-experience statement.",
        "Your program lead still has to confirm “High-school diploma or GED seen”",
    ]


def test_items_come_grouped_in_the_order_people_meet_them():
    result = eligibility(TRACK, record())
    names = [group.name for group in result.groups]
    assert names == [g for g in GROUPS if g in names]
    assert names == ["Courses", "Training hours", "Exam", "Statements and program checks"]
    assert sum(len(group.items) for group in result.groups) == len(result.items)


def test_a_track_without_the_new_rules_checks_what_it_did_before():
    plain = Track(id="p", title="P", summary="s", courses=("basics",))
    result = eligibility(plain, record(events=(), exam=None, signed_attestations=frozenset()))
    assert [i.label for i in result.items] == ["Complete “Basics”"]
    assert result.eligible
