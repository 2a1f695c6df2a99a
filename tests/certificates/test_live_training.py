"""Live training events: the rules of an event and of an attendance, and the hours attending
gives (exact, by domain, never more than the time attended)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.live_training import (
    ABSENT,
    PARTIAL,
    PRESENT,
    EventFacts,
    add_hours,
    event_minutes,
    exact,
    hours_attended,
    minutes_attended,
    validate_attendance,
    validate_event,
)
from courses.domains import DOMAINS

GOOD = EventFacts("Ethics workshop", date(2026, 5, 1), "Dana Facilitator", {"advocacy": 1.5})


def facts(**changes):
    values = {"title": GOOD.title, "day": GOOD.day, "facilitator": GOOD.facilitator}
    values["hours"] = GOOD.hours
    values.update(changes)
    return EventFacts(**values)


def test_a_good_event_has_no_problems():
    assert validate_event(GOOD) == {}
    assert validate_event(facts(hours={"advocacy": Decimal("0.25")})) == {}
    assert validate_event(facts(hours={d: 3 for d in DOMAINS})) == {}  # 12 h exactly


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "  "}, "title", "Give the event a title."),
        ({"day": None}, "day", "Enter the date of the event."),
        ({"facilitator": ""}, "facilitator", "Enter who leads the event."),
        ({"hours": {}}, "hours", "at least one domain"),
        ({"hours": {"advocacy": 0}}, "hours", "at least one domain"),
        ({"hours": {"advocacy": 0.2}}, "hours_advocacy", "Use quarter hours"),
        ({"hours": {"advocacy": Decimal("1.1")}}, "hours_advocacy", "Use quarter hours"),
        ({"hours": {"advocacy": -1}}, "hours_advocacy", "can't be negative"),
        ({"hours": {"advocacy": 6, "mentoring_education": 6.25}}, "hours", "12 hours at most"),
        ({"hours": {"cooking": 1}}, "hours", "cooking is not one"),
    ],
)
def test_an_event_problem_is_named_beside_its_field(changes, field, words):
    problems = validate_event(facts(**changes))
    assert words in problems[field]


def test_an_event_lasts_as_long_as_its_hours_add_up_to():
    assert event_minutes({"advocacy": 1.5, "ethical_responsibility": 1.5}) == 180
    assert event_minutes({"advocacy": Decimal("0.25")}) == 15
    assert exact(0.1) == Fraction(1, 10)  # as written, not the binary float


@pytest.mark.parametrize(
    ("status", "minutes", "field", "words"),
    [
        ("late", None, "status", "Choose whether"),
        (PARTIAL, None, "minutes", "Enter how many minutes"),
        (PARTIAL, 0, "minutes", "15 or more"),
        (PARTIAL, 50, "minutes", "steps of 15"),
        (PARTIAL, 180, "minutes", "choose “Attended in full”"),
        (PARTIAL, 195, "minutes", "lasts 180 minutes"),
    ],
)
def test_attendance_rules(status, minutes, field, words):
    assert words in validate_attendance(status, minutes, 180)[field]


def test_good_attendance_and_minutes_that_do_not_matter():
    assert validate_attendance(PRESENT, None, 180) == {}
    assert validate_attendance(ABSENT, 999, 180) == {}  # minutes count only for a part
    assert validate_attendance(PARTIAL, 165, 180) == {}


def test_hours_by_status():
    hours = {"advocacy": 1.5, "ethical_responsibility": 1.5}
    assert hours_attended(PRESENT, None, hours) == hours
    assert hours_attended(ABSENT, None, hours) == {}
    # 90 of 180 minutes: half of each domain
    assert hours_attended(PARTIAL, 90, hours) == {"advocacy": 0.75, "ethical_responsibility": 0.75}
    # 60 of 180: a third of 1.5 h is 0.5 h in each
    assert hours_attended(PARTIAL, 60, hours) == {"advocacy": 0.5, "ethical_responsibility": 0.5}


def test_partial_hours_round_down_to_the_quarter_per_domain():
    hours = {"advocacy": 2, "recovery_wellness": 1}  # 180 minutes
    # 45 of 180 minutes: advocacy 0.5 h, recovery 0.25 h exactly
    assert hours_attended(PARTIAL, 45, hours) == {"advocacy": 0.5, "recovery_wellness": 0.25}
    # 30 of 180: advocacy 1/3 h -> 0.25; recovery 1/6 h -> 0 (left out)
    assert hours_attended(PARTIAL, 30, hours) == {"advocacy": 0.25}
    assert minutes_attended(PARTIAL, 30, 180) == 30
    assert minutes_attended(PRESENT, None, 180) == 180


def test_hours_add_up_exactly_in_domain_order():
    total = add_hours([{"ethical_responsibility": 0.1}, {"advocacy": 0.25}, {"advocacy": 0.2}])
    assert list(total) == ["advocacy", "ethical_responsibility"]
    assert total == {"advocacy": 0.45, "ethical_responsibility": 0.1}
    assert add_hours([]) == {}


quarters = st.integers(min_value=0, max_value=48).map(lambda n: Fraction(n, 4))
events = st.dictionaries(st.sampled_from(list(DOMAINS)), quarters, min_size=1).filter(
    lambda h: 0 < sum(h.values()) <= 12
)


@given(events, st.data())
def test_part_never_gives_more_than_the_whole_nor_than_the_time_attended(hours, data):
    length = event_minutes(hours)
    as_floats = {d: float(h) for d, h in hours.items()}
    whole = hours_attended(PRESENT, None, as_floats)
    if length <= 15:
        return
    minutes = data.draw(st.integers(min_value=1, max_value=length // 15 - 1)) * 15
    part = hours_attended(PARTIAL, minutes, as_floats)
    for domain, given_hours in part.items():
        assert given_hours <= whole[domain]
        assert (Fraction(given_hours) * 4).denominator == 1  # quarter hours
    assert sum(Fraction(h) for h in part.values()) * 60 <= minutes
    assert validate_attendance(PARTIAL, minutes, length) == {}


@given(events)
def test_attending_in_full_gives_the_event_and_its_length(hours):
    as_floats = {d: float(h) for d, h in hours.items()}
    whole = hours_attended(PRESENT, None, as_floats)
    assert sum(Fraction(h) for h in whole.values()) * 60 == event_minutes(hours)
    assert validate_event(facts(hours=as_floats)) == {}
