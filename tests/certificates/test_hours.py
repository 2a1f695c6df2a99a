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
    identifying_data_warnings,
    totals,
    validate_entry,
)
from certificates.requirements import (
    EXPERIENCE,
    SUPERVISION,
    counted_supervision,
    group_cap,
    hours_progress,
    supervision_for_practice,
)
from certificates.rulebook import ExperienceRule
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
        ({"direct_service": True}, "direct_service", "Only supervised practice"),
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
    direct_service=st.booleans(),
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
    # direct service is a part of supervised practice, never of supervision
    practice = [e for e in approved if e.kind == "supervised_practice"]
    assert t.approved_direct_practice == sum(e.minutes for e in practice if e.direct_service)
    assert t.approved_direct_practice <= t.approved_practice
    assert t.direct_practice == sum(
        e.minutes for e in entries if e.kind == "supervised_practice" and e.direct_service
    )
    group = [e for e in approved if e.kind == "group_supervision"]
    assert t.approved_group_supervision == sum(e.minutes for e in group)
    assert sum(t.approved_group_supervision_by_domain.values()) == t.approved_group_supervision
    for domain in DOMAINS:
        assert (
            t.approved_group_supervision_by_domain[domain]
            <= t.approved_supervision_by_domain[domain]
        )


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


# --- experience rules: direct service, the supervision ratio, the group-supervision cap ----------

TRACK_HOURS = HoursRules(
    practice_minutes=500 * 60,
    supervision_minutes=25 * 60,
    supervision_by_domain={"ethical_responsibility": 6 * 60},
)
EXPERIENCE_RULES = ExperienceRule(
    direct_service_hours=250,
    practice_hours_per_supervision_hour=20,
    group_supervision_max_percent=50,
)


def by_label(progress):
    return {r.label: r for r in progress}


def test_without_experience_rules_the_requirements_are_as_before():
    done = totals([Logged(600, "group_supervision", "approved", ("advocacy",))])
    labels = [r.label for r in hours_progress(TRACK_HOURS, done)]
    assert labels == [
        "supervised practice",
        "supervision",
        "supervision in Ethical Responsibility",
    ]


def test_requirements_are_grouped_for_the_checklist():
    progress = hours_progress(TRACK_HOURS, totals([]), EXPERIENCE_RULES)
    assert [(r.label, r.group) for r in progress] == [
        ("supervised practice", EXPERIENCE),
        ("direct service within supervised practice", EXPERIENCE),
        ("supervision", SUPERVISION),
        ("1 hour of supervision for every 20 hours of practice", SUPERVISION),
        ("supervision in Ethical Responsibility", SUPERVISION),
    ]


def test_only_approved_direct_service_within_practice_counts():
    done = totals(
        [
            Logged(600, "supervised_practice", "approved", ("advocacy",), direct_service=True),
            Logged(300, "supervised_practice", "approved", ("advocacy",)),
            Logged(600, "supervised_practice", "submitted", ("advocacy",), direct_service=True),
            Logged(60, "individual_supervision", "approved", ("advocacy",), direct_service=True),
        ]
    )
    direct = by_label(hours_progress(TRACK_HOURS, done, EXPERIENCE_RULES))[
        "direct service within supervised practice"
    ]
    assert direct.approved_minutes == 600 and direct.required_minutes == 250 * 60
    assert direct.missing_text == (
        "240 more approved hours of direct service within supervised practice"
    )


def test_the_ratio_asks_supervision_for_the_practice_done_rounded_up_to_the_quarter_hour():
    done = totals(
        [
            Logged(305 * 60, "supervised_practice", "approved", ("advocacy",)),
            Logged(10 * 60, "individual_supervision", "approved", ("advocacy",)),
        ]
    )
    ratio = by_label(hours_progress(TRACK_HOURS, done, EXPERIENCE_RULES))[
        "1 hour of supervision for every 20 hours of practice"
    ]
    assert ratio.required_minutes == 15 * 60 + 15  # 15.25 h for 305 h
    assert ratio.missing_text == (
        "5.25 more hours of approved supervision: your 305 hours of approved practice need "
        "15.25 hours of supervision"
    )
    assert ratio.text == (
        "15.25 hours of approved supervision for your 305 hours of approved practice (1 hour "
        "of supervision for every 20 hours of practice)"
    )
    assert by_label(hours_progress(TRACK_HOURS, done))["supervision"].text == (
        "25 approved hours of supervision"
    )
    assert supervision_for_practice(20 * 60, 20) == 60
    assert supervision_for_practice(20 * 60 + 1, 20) == 75
    assert supervision_for_practice(0, 20) == 0


def test_group_supervision_beyond_the_cap_does_not_count_and_the_trainee_is_told_what_to_log():
    done = totals(
        [
            Logged(10 * 60 + 30, "individual_supervision", "approved", ("advocacy",)),
            Logged(15 * 60, "group_supervision", "approved", ("advocacy",)),
        ]
    )
    supervision = by_label(hours_progress(TRACK_HOURS, done, EXPERIENCE_RULES))["supervision"]
    assert supervision.approved_minutes == 23 * 60  # 10.5 individual + 12.5 of the 15 group
    assert supervision.missing_text == (
        "group supervision counts up to 12.5 hours; log 2 more hours of individual supervision"
    )


def test_the_cap_applies_to_each_domains_minimum_too():
    done = totals(
        [
            Logged(5 * 60, "group_supervision", "approved", ("ethical_responsibility",)),
            Logged(60, "individual_supervision", "approved", ("ethical_responsibility",)),
        ]
    )
    ethics = by_label(hours_progress(TRACK_HOURS, done, EXPERIENCE_RULES))[
        "supervision in Ethical Responsibility"
    ]
    assert ethics.approved_minutes == 4 * 60  # 1 individual + 3 of the 5 group (50 % of 6 h)
    assert ethics.missing_text == (
        "group supervision counts up to 3 hours in Ethical Responsibility; log 2 more hours "
        "of individual supervision in Ethical Responsibility"
    )


def test_while_group_supervision_is_under_the_cap_the_plain_message_stays():
    done = totals([Logged(10 * 60, "group_supervision", "approved", ("advocacy",))])
    supervision = by_label(hours_progress(TRACK_HOURS, done, EXPERIENCE_RULES))["supervision"]
    assert supervision.approved_minutes == 600
    assert supervision.missing_text == "15 more approved hours of supervision"


def test_a_track_where_group_supervision_never_counts_says_so():
    rules = ExperienceRule(group_supervision_max_percent=0)
    done = totals([Logged(60, "group_supervision", "approved", ("advocacy",))])
    supervision = by_label(hours_progress(HoursRules(supervision_minutes=120), done, rules))[
        "supervision"
    ]
    assert supervision.approved_minutes == 0
    assert supervision.missing_text == (
        "group supervision does not count on this track; log 2 more hours of individual supervision"
    )


def test_with_more_practice_the_cap_grows_with_the_supervision_the_ratio_asks():
    done = totals([Logged(600 * 60, "supervised_practice", "approved", ("advocacy",))])
    assert supervision_for_practice(done.approved_practice, 20) == 30 * 60
    assert group_cap(50, max(25 * 60, 30 * 60)) == 15 * 60


quarters = st.integers(0, 400).map(lambda q: q * 15)
percents = st.one_of(
    st.integers(0, 100), st.sampled_from([12.5, 33.3, 50.0, 66.7, 99.9, 100.0, 150.0])
)


@given(individual=quarters, group=quarters, required=quarters, percent=percents)
def test_group_supervision_counts_exactly_up_to_the_cap(individual, group, required, percent):
    entries = [
        Logged(individual, "individual_supervision", "approved", ("advocacy",)),
        Logged(group, "group_supervision", "approved", ("advocacy",)),
    ]
    rules = ExperienceRule(group_supervision_max_percent=percent)
    done = totals([e for e in entries if e.minutes])
    supervision = by_label(hours_progress(HoursRules(supervision_minutes=required), done, rules))[
        "supervision"
    ]
    cap = group_cap(percent, required)
    if percent >= 100:
        assert cap is None and supervision.approved_minutes == individual + group
    else:
        assert cap == Fraction(str(percent)) * required / 100
        assert supervision.approved_minutes == individual + min(group, cap)
    assert supervision.approved_minutes <= individual + group
    if not supervision.met and "individual supervision" in supervision.missing_text:
        # more group supervision would not help: the advice names individual hours that do
        assert cap is not None and group >= cap
        advised = float(supervision.missing_text.split("log ")[1].split(" more")[0]) * 60
        assert advised % 15 == 0
        assert (
            counted_supervision(Fraction(individual + advised + group), Fraction(group), cap)
            >= required
        )
        assert (
            counted_supervision(Fraction(individual + advised - 15 + group), Fraction(group), cap)
            < required
        )


@given(
    group=quarters,
    percent=st.integers(1, 99),
    required=st.integers(1, 200).map(lambda q: q * 15),
)
def test_group_supervision_exactly_at_the_cap_counts_in_full(group, percent, required):
    cap = group_cap(percent, required)
    assert counted_supervision(cap, cap, cap) == cap
    assert counted_supervision(cap + 15, cap + 15, cap) == cap
    assert counted_supervision(Fraction(group), Fraction(group), cap) == min(group, cap)


@given(
    practice=st.integers(0, 2000).map(lambda q: q * 15),
    ratio=st.one_of(st.integers(1, 50), st.sampled_from([12.5, 7.5, 0.1, 33.3])),
)
def test_the_ratio_asks_the_least_quarter_hours_that_cover_the_practice(practice, ratio):
    needed = supervision_for_practice(practice, ratio)
    exact_ratio = Fraction(str(ratio))
    assert needed % 15 == 0
    assert needed * exact_ratio >= practice  # enough supervision for all the practice
    assert needed == 0 or (needed - 15) * exact_ratio < practice  # and no more than that
    assert supervision_for_practice(practice + 15, ratio) >= needed


@given(entries=st.lists(logged, max_size=20))
def test_a_track_without_experience_rules_counts_as_before(entries):
    done = totals(entries)
    for requirement in hours_progress(TRACK_HOURS, done, ExperienceRule()):
        assert requirement.advice == ""
    plain = hours_progress(TRACK_HOURS, done)
    assert [r.approved_minutes for r in plain] == [
        done.approved_practice,
        done.approved_supervision,
        done.approved_supervision_by_domain["ethical_responsibility"],
    ]
