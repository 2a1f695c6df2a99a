"""Renewing by continuing education: the renewal courses again, the attestations signed again,
and approved CE hours within the certificate's validity (in all and per domain, each course
once); and the reminder before expiry."""

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from certificates.renewal import (
    ce_progress,
    reminder_sentence,
    reminder_window,
    renewal_checklist,
)
from certificates.rulebook import ContinuingEducation, OutsideTraining
from certificates.tracks import Attestation, Renewal, Track

ETHICS = Attestation("Code of ethics", "I agree.", "Be kind.", id="code-of-ethics")
LIVED = Attestation("Lived-experience statement", "I agree.", "My path.", id="lived-experience")
CE = ContinuingEducation(hours=20, by_domain={"ethical_responsibility": 6}, reminder_days=(90, 30))
TRACK = Track(
    id="ncprss",
    title="NCPRSS",
    summary="",
    attestations=(ETHICS, LIVED),
    renewal=Renewal(courses=("ethics",), attestation=True, continuing_education=CE),
)
TITLES = {"ethics": "Ethics in practice"}
ISSUED, EXPIRES = date(2025, 6, 3), date(2027, 6, 3)
SIGNED = frozenset({"code-of-ethics", "lived-experience"})


def ce(record_id, day, hours, title="Course", provider="Recovery Academy", kind="ce"):
    return OutsideTraining(record_id, kind, provider, title, day, hours)


ENOUGH = [
    ce(1, date(2025, 9, 1), {"ethical_responsibility": 6}, "Ethics update"),
    ce(2, date(2026, 2, 1), {"advocacy": 8}, "Advocacy"),
    ce(3, date(2027, 1, 1), {"recovery_wellness": 6}, "Wellness"),
]


def checklist(records, done=frozenset({"ethics"}), signed=SIGNED, track=TRACK):
    return renewal_checklist(track, done, TITLES, signed, records, ISSUED, EXPIRES)


def test_renewal_is_met_with_the_course_the_signatures_and_enough_ce():
    result = checklist(ENOUGH)
    assert result.eligible
    assert [item.label for item in result.items] == [
        "Complete “Ethics in practice”",
        "Sign the code of ethics again",
        "Sign the lived-experience statement again",
        "20 hours of continuing education since your certificate was issued",
        "6 of them in Ethical Responsibility",
    ]


def test_renewal_is_not_met_without_ce_whatever_else_is_done():
    result = checklist([])
    assert not result.eligible
    assert result.still_needed == (
        "20 more continuing-education hours (approved by your program lead); "
        "6 more continuing-education hours in Ethical Responsibility."
    )


def test_enough_hours_but_too_few_in_ethics_is_not_enough():
    records = [ce(1, date(2026, 1, 1), {"advocacy": 18, "ethical_responsibility": 2})]
    result = checklist(records)
    assert [item.missing for item in result.outstanding] == [
        "4 more continuing-education hours in Ethical Responsibility"
    ]


def test_only_ce_dated_within_the_validity_counts_and_each_course_once():
    records = [
        *ENOUGH[:2],
        ce(4, date(2025, 6, 2), {"recovery_wellness": 6}, "Before the issue"),
        ce(5, date(2027, 6, 4), {"recovery_wellness": 6}, "After expiry"),
        ce(6, date(2026, 3, 1), {"ethical_responsibility": 6}, "ETHICS  update"),  # a repeat
        ce(7, date(2026, 4, 1), {"recovery_wellness": 6}, "Outside", kind="outside"),
    ]
    progress = ce_progress(TRACK, records, ISSUED, EXPIRES)
    assert progress.have == 14 and not progress.met
    assert progress.sentence == (
        "You have 14 of 20 continuing-education hours (6 of 6 in Ethical Responsibility)."
    )
    on_the_days = [
        ce(8, ISSUED, {"ethical_responsibility": 10}, "A"),
        ce(9, EXPIRES, {"advocacy": 10}, "B"),
    ]
    assert ce_progress(TRACK, on_the_days, ISSUED, EXPIRES).met


def test_signing_only_one_attestation_again_leaves_the_other_to_sign():
    result = checklist(ENOUGH, signed=frozenset({"code-of-ethics"}))
    assert [item.missing for item in result.outstanding] == [
        "Read and sign the lived-experience statement again."
    ]


def test_the_renewal_course_not_taken_again_is_still_needed():
    result = checklist(ENOUGH, done=frozenset())
    assert [item.missing for item in result.outstanding] == [
        "Complete the course “Ethics in practice”: read every module, pass its quiz and have "
        "its practice exercises accepted"
    ]


def test_a_track_without_ce_asks_only_what_it_did():
    old = replace(TRACK, renewal=Renewal(courses=("ethics",), attestation=False))
    result = checklist([], track=old)
    assert [item.label for item in result.items] == ["Complete “Ethics in practice”"]
    assert result.eligible
    assert ce_progress(old, ENOUGH, ISSUED, EXPIRES).sentence == ""


def test_the_reminder_starts_at_the_tracks_earliest_reminder_or_the_programs_setting():
    assert reminder_window(TRACK, 60) == 90
    assert reminder_window(replace(TRACK, renewal=Renewal()), 60) == 60


def test_the_reminder_in_plain_words():
    progress = ce_progress(
        TRACK,
        [ce(1, date(2026, 1, 1), {"advocacy": 6, "ethical_responsibility": 2})],
        ISSUED,
        EXPIRES,
    )
    assert reminder_sentence(EXPIRES, date(2027, 4, 1), progress) == (
        "Your certificate expires on 3 June 2027. You have 8 of 20 continuing-education hours "
        "(2 of 6 in Ethical Responsibility)."
    )
    assert reminder_sentence(EXPIRES, date(2027, 6, 4), progress).startswith(
        "Your certificate expired on 3 June 2027."
    )


quarter_hours = st.integers(min_value=1, max_value=40).map(lambda q: q / 4)
ce_records = st.lists(
    st.builds(
        OutsideTraining,
        id=st.integers(min_value=1, max_value=10_000),
        kind=st.just("ce"),
        provider=st.sampled_from(["A", "B"]),
        title=st.sampled_from(["One", "Two", "Three", "one "]),
        day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
        hours=st.dictionaries(
            st.sampled_from(["advocacy", "ethical_responsibility"]), quarter_hours, min_size=1
        ),
    ),
    max_size=10,
    unique_by=lambda r: r.id,
)


@given(ce_records)
def test_ce_is_met_exactly_when_the_hours_reach_the_minimums(records):
    progress = ce_progress(TRACK, records, ISSUED, EXPIRES)
    ethics = progress.by_domain[0].have
    assert progress.met == (progress.have >= 20 and ethics >= 6)
    assert checklist(records).eligible == progress.met
    # never more than the records dated in the period hold
    in_period = [r for r in records if ISSUED <= r.day <= EXPIRES]
    assert progress.have <= sum(sum(r.hours.values()) for r in in_period)
