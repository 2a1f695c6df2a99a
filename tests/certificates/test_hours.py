"""The rules for an hours entry, its warnings, and the arithmetic of totals."""

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.hours import (
    KINDS,
    SUPERVISION_KINDS,
    EntryFacts,
    HoursRules,
    Logged,
    OtherEntry,
    as_hours,
    duplicate_warning,
    format_minutes,
    hours_progress,
    identifying_data_warnings,
    totals,
    validate_entry,
)
from courses.domains import DOMAINS

TODAY = date(2026, 11, 22)
GOOD = EntryFacts(
    TODAY, 60, "individual_supervision", "video", ("advocacy",), 7, "Talked boundaries."
)


def errors(facts=GOOD, others=(), max_age_days=365):
    return validate_entry(
        facts, today=TODAY, max_age_days=max_age_days, assigned_supervisors=[7, 8], others=others
    )


def test_a_good_entry_has_no_errors():
    assert errors() == {}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"day": None}, "day", "Enter the date"),
        ({"day": TODAY + timedelta(days=1)}, "day", "can't be in the future"),
        ({"day": TODAY - timedelta(days=366)}, "day", "older than 365 days"),
        ({"minutes": 0}, "duration", "at least 15 minutes"),
        ({"minutes": -15}, "duration", "at least 15 minutes"),
        ({"minutes": 50}, "duration", "steps of 15 minutes"),
        ({"minutes": 12 * 60 + 15}, "duration", "12 hours at most"),
        ({"kind": "coffee"}, "kind", "Choose what kind"),
        ({"method": "telepathy"}, "method", "Choose how"),
        ({"domains": ()}, "domains", "at least one"),
        ({"domains": ("cooking",)}, "domains", "from the list"),
        ({"supervisor_id": 99}, "supervisor", "assigned supervisors"),
        ({"supervisor_id": None}, "supervisor", "assigned supervisors"),
        ({"notes": "   "}, "notes", "Describe briefly"),
    ],
)
def test_each_rule_gives_a_message_at_its_field(change, field, message):
    found = errors(replace(GOOD, **change))
    assert list(found) == [field]
    assert message in found[field]


def test_the_limits_themselves_are_allowed():
    assert errors(replace(GOOD, minutes=12 * 60)) == {}
    assert errors(replace(GOOD, day=TODAY - timedelta(days=365))) == {}


def test_at_most_24_hours_on_one_day():
    day = [OtherEntry(TODAY, 12 * 60, "supervised_practice"), OtherEntry(TODAY, 11 * 60, "x")]
    found = errors(replace(GOOD, minutes=75), others=day)
    assert "more than 24 hours" in found["duration"] and "1 h left" in found["duration"]
    assert errors(replace(GOOD, minutes=60), others=day) == {}
    other_day = [OtherEntry(TODAY - timedelta(days=1), 12 * 60, "x")] * 2
    assert errors(replace(GOOD, minutes=12 * 60), others=other_day) == {}


@given(
    minutes=st.integers(-100, 2000),
    already=st.lists(st.integers(0, 720).map(lambda m: m - m % 15), max_size=4),
)
def test_duration_rules_hold_for_any_numbers(minutes, already):
    found = errors(
        replace(GOOD, minutes=minutes), others=[OtherEntry(TODAY, m, "x") for m in already]
    )
    valid = 0 < minutes <= 720 and minutes % 15 == 0 and sum(already) + minutes <= 1440
    assert ("duration" not in found) == valid


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("Met R.S. to plan a warm hand-off.", []),
        ("Met with client 42, recovery planning, 2 hours.", []),
        ("Emailed jo.smith@example.org about housing", ["email address"]),
        ("Her number is (555) 123-4567", ["phone number"]),
        ("call 555.123.4567 tomorrow", ["phone number"]),
        ("DOB 03/14/1988, intake", ["date of birth"]),
        ("born on the 4th", ["date of birth"]),
        ("Phone +1 555 123 4567, email a@b.co", ["email address", "phone number"]),
    ],
)
def test_identifying_data_in_notes_is_flagged(notes, expected):
    found = identifying_data_warnings(notes)
    assert len(found) == len(expected)
    for word, warning in zip(expected, found, strict=True):
        assert word in warning


def test_a_repeat_of_date_kind_and_duration_is_a_warning():
    same = [OtherEntry(TODAY, 60, "individual_supervision")]
    assert "same date, kind and duration" in duplicate_warning(GOOD, same)
    assert duplicate_warning(GOOD, [OtherEntry(TODAY, 45, "individual_supervision")]) is None


@pytest.mark.parametrize(
    ("minutes", "text", "decimal"),
    [
        (15, "15 min", "0.25"),
        (60, "1 h", "1"),
        (90, "1 h 30 min", "1.5"),
        (600, "10 h", "10"),
        (0, "0 min", "0"),
    ],
)
def test_durations_read_naturally(minutes, text, decimal):
    assert format_minutes(minutes) == text
    assert as_hours(minutes) == decimal


logged = st.builds(
    Logged,
    minutes=st.integers(1, 48).map(lambda q: q * 15),
    kind=st.sampled_from(sorted(KINDS)),
    status=st.sampled_from(["draft", "submitted", "returned", "approved"]),
    domains=st.lists(st.sampled_from(sorted(DOMAINS)), min_size=1, max_size=4, unique=True).map(
        tuple
    ),
)


@given(entries=st.lists(logged, max_size=30))
def test_totals_add_up_every_way(entries):
    t = totals(entries)
    all_minutes = sum(e.minutes for e in entries)
    assert sum(t.by_kind.values()) == sum(t.by_status.values()) == all_minutes
    approved = [e for e in entries if e.status == "approved"]
    assert (
        t.by_status["approved"]
        == sum(t.approved_by_kind.values())
        == sum(e.minutes for e in approved)
    )
    # a session split between domains is never counted twice
    assert sum(t.approved_supervision_by_domain.values()) == t.approved_supervision
    assert sum(t.approved_practice_by_domain.values()) == t.approved_practice
    assert t.approved_supervision == sum(e.minutes for e in approved if e.kind in SUPERVISION_KINDS)


def test_only_approved_hours_count_toward_the_track():
    rules = HoursRules(
        practice_minutes=500 * 60,
        supervision_minutes=25 * 60,
        supervision_by_domain={"ethical_responsibility": 6 * 60},
    )
    done = totals(
        [
            Logged(30, "individual_supervision", "approved", ("ethical_responsibility",)),
            Logged(60, "group_supervision", "approved", ("ethical_responsibility", "advocacy")),
            Logged(600, "individual_supervision", "submitted", ("ethical_responsibility",)),
            Logged(120, "supervised_practice", "approved", ("advocacy",)),
        ]
    )
    practice, supervision, ethics = hours_progress(rules, done)
    assert practice.missing_text == "498 more approved hours of supervised practice"
    assert supervision.approved_minutes == 90 and not supervision.met
    assert ethics.approved_minutes == Fraction(60)
    assert ethics.missing_text == "5 more approved hours of supervision in Ethical Responsibility"


def test_a_met_requirement_says_done_at_the_boundary():
    rules = HoursRules(supervision_minutes=60)
    exactly = hours_progress(
        rules, totals([Logged(60, "group_supervision", "approved", ("advocacy",))])
    )
    assert exactly[1].met and exactly[1].missing_text == "Done" and exactly[1].percent == 100
    short = hours_progress(
        rules, totals([Logged(45, "group_supervision", "approved", ("advocacy",))])
    )
    assert not short[1].met and short[1].missing_text == "0.25 more approved hours of supervision"
