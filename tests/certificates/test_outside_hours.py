"""Which approved outside training and continuing education count: the allowance, the record
that crosses it, CE within the validity period, each course once."""

import random
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from certificates.outside_hours import (
    ce_counted,
    ce_hours,
    counted_outside,
    course_key,
    hours_problem,
)
from certificates.rulebook import OutsideTraining
from courses.domains import DOMAINS

DAY = date(2026, 3, 1)


def record(id, hours, day=DAY, kind="outside", provider="Recovery Academy", title="Ethics"):
    return OutsideTraining(id, kind, provider, title, day, hours)


def test_everything_counts_under_the_cap():
    records = [
        record(1, {"advocacy": 2}, title="Advocacy"),
        record(2, {"ethical_responsibility": 1.5, "advocacy": 1}),
    ]
    assert counted_outside(records, 10) == {"advocacy": 3, "ethical_responsibility": 1.5}


def test_records_count_in_date_order_until_the_cap_and_the_crossing_one_in_part():
    records = [
        record(3, {"advocacy": 4}, day=DAY + timedelta(days=2)),  # last: nothing left for it
        record(1, {"ethical_responsibility": 3}, day=DAY),
        record(2, {"advocacy": 2, "mentoring_education": 2}, day=DAY + timedelta(days=1)),
    ]
    # 3 h of ethics, then 2 of the next record's 4 h, shared in proportion: 1 + 1
    assert counted_outside(records, 5) == {
        "ethical_responsibility": 3,
        "advocacy": 1,
        "mentoring_education": 1,
    }


def test_the_crossing_record_uses_the_whole_cap_leftover_quarters_to_the_largest_remainders():
    # 1 h left, shared 2:1 -> 0.667 and 0.333: 0.5 and 0.25 rounded down, and the quarter left
    # over goes to advocacy, whose remainder is the larger
    records = [record(1, {"advocacy": 2, "ethical_responsibility": 1})]
    assert counted_outside(records, 1) == {"advocacy": 0.75, "ethical_responsibility": 0.25}


def test_equal_remainders_go_in_the_domains_order():
    hours = {"ethical_responsibility": 1, "mentoring_education": 1, "advocacy": 1}
    # 0.5 h of 3: each share is a sixth of an hour, nothing rounded down; two quarters left
    assert counted_outside([record(1, hours)], 0.5) == {
        "advocacy": 0.25,
        "mentoring_education": 0.25,
    }


def test_records_of_one_day_count_by_id():
    first = record(7, {"advocacy": 2}, title="Boundaries")
    second = record(9, {"ethical_responsibility": 2}, title="Ethics")
    assert counted_outside([second, first], 2) == {"advocacy": 2}


def test_the_same_course_on_the_same_day_counts_once():
    """A double click, or one certificate sent twice and approved twice: counted once (the
    first recorded), however the provider and title are spaced or capitalised."""
    records = [
        record(2, {"advocacy": 3}, provider="recovery  ACADEMY", title="ethics"),
        record(1, {"advocacy": 3}),
    ]
    assert counted_outside(records, 20) == {"advocacy": 3}


def test_the_same_course_on_another_day_or_from_another_provider_counts_again():
    records = [
        record(1, {"advocacy": 3}),
        record(2, {"advocacy": 3}, day=DAY + timedelta(days=7)),  # the course taken again
        record(3, {"advocacy": 3}, provider="Another provider"),
        record(4, {"advocacy": 3}, title="Ethics, part 2"),
    ]
    assert counted_outside(records, 20) == {"advocacy": 12}


def test_no_allowance_counts_nothing():
    assert counted_outside([record(1, {"advocacy": 2})], 0) == {}
    assert counted_outside([], 10) == {}


quarter_hours = st.integers(min_value=1, max_value=160).map(lambda q: q / 4)
hour_maps = st.dictionaries(st.sampled_from(list(DOMAINS)), quarter_hours, min_size=1)
#: different courses (each its own title)
record_lists = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), hour_maps), max_size=12
).map(
    lambda rows: [
        record(i + 1, hours, DAY + timedelta(days=d), title=f"Course {i}")
        for i, (d, hours) in enumerate(rows)
    ]
)
caps = st.integers(min_value=0, max_value=400).map(lambda q: q / 4)


def in_quarters(hours: float) -> int:
    assert (hours * 4).is_integer()
    return int(hours * 4)


@given(record_lists, caps)
def test_never_more_than_the_cap_nor_than_was_approved(records, cap):
    counted = counted_outside(records, cap)
    assert sum(counted.values()) <= cap
    for domain, hours in counted.items():
        assert hours <= sum(r.hours.get(domain, 0) for r in records)
        assert (hours * 4).is_integer() and hours > 0
    if sum(r.total_hours for r in records) <= cap:
        assert counted == {d: h for d, h in ce_hours(records).items()}


@given(record_lists, caps, st.randoms(use_true_random=False))
def test_the_order_records_are_given_in_changes_nothing(records, cap, rng):
    shuffled = list(records)
    rng.shuffle(shuffled)
    assert counted_outside(shuffled, cap) == counted_outside(records, cap)


@given(record_lists, caps)
def test_the_cap_is_used_to_the_last_quarter_hour(records, cap):
    """Nothing of the cap is lost to rounding: the hours that count are the cap, or all the
    approved hours if they are fewer."""
    counted = sum(in_quarters(h) for h in counted_outside(records, cap).values())
    available = sum(in_quarters(h) for r in records for h in r.hours.values())
    assert counted == min(in_quarters(cap), available)


@given(hour_maps, st.integers(min_value=1, max_value=160))
def test_the_crossing_record_never_counts_more_than_its_own_hours_in_a_domain(hours, cap_q):
    counted = counted_outside([record(1, hours)], cap_q / 4)
    for domain, value in counted.items():
        assert value <= hours[domain]
    assert sum(in_quarters(h) for h in counted.values()) == min(
        cap_q, sum(in_quarters(h) for h in hours.values())
    )


@given(record_lists, caps, st.data())
def test_copies_of_a_record_change_nothing(records, cap, data):
    """Approving copies (the same course, day and provider, with new ids after it) counts no
    more hours, wherever the copies fall among the other records."""
    if not records:
        return
    copies = [
        record(
            100 + n,
            original.hours,
            original.day,
            provider=original.provider.upper(),
            title=f"  {original.title.lower()} ",
        )
        for n, original in enumerate(data.draw(st.lists(st.sampled_from(records), max_size=5)))
    ]
    assert counted_outside(records + copies, cap) == counted_outside(records, cap)


def ce(id, day, title="Ethics in Practice", provider="Recovery Academy", hours=None):
    return record(id, hours or {"ethical_responsibility": 3}, day, "ce", provider, title)


def test_ce_counts_within_the_period_both_ends_included():
    start, end = date(2026, 1, 1), date(2027, 12, 31)
    records = [
        ce(1, start - timedelta(days=1), "Before"),
        ce(2, start, "First day"),
        ce(3, end, "Last day"),
        ce(4, end + timedelta(days=1), "After"),
    ]
    assert [r.id for r in ce_counted(records, start, end)] == [2, 3]


def test_a_repeated_course_counts_once_whatever_its_spacing_or_case():
    start, end = date(2026, 1, 1), date(2027, 12, 31)
    records = [
        ce(5, date(2026, 6, 1), "ethics  in practice", "RECOVERY Academy"),
        ce(2, date(2026, 3, 1)),
        ce(3, date(2026, 4, 1), "Ethics in Practice", "Another provider"),
        ce(4, date(2026, 5, 1), "Boundaries"),
    ]
    assert [r.id for r in ce_counted(records, start, end)] == [2, 3, 4]
    assert course_key(records[0]) == course_key(records[1])


def test_only_ce_records_count_for_renewal():
    records = [ce(1, DAY), record(2, {"advocacy": 2}, DAY)]
    assert [r.id for r in ce_counted(records, DAY, DAY)] == [1]


def test_ce_hours_add_up_by_domain():
    records = [
        ce(1, DAY, hours={"ethical_responsibility": 3, "advocacy": 1.25}),
        ce(2, DAY, "Other", hours={"ethical_responsibility": 2.5}),
    ]
    assert ce_hours(records) == {"ethical_responsibility": 5.5, "advocacy": 1.25}
    assert ce_hours([]) == {}


@given(
    st.lists(st.tuples(st.integers(0, 800), st.sampled_from(["A", "a ", "B", " b"])), max_size=15)
)
def test_ce_counted_is_order_independent_and_has_no_repeats(rows):
    records = [ce(i + 1, DAY + timedelta(days=d), title) for i, (d, title) in enumerate(rows)]
    start, end = DAY + timedelta(days=100), DAY + timedelta(days=700)
    counted = ce_counted(records, start, end)
    shuffled = list(records)
    random.Random(len(rows)).shuffle(shuffled)
    assert ce_counted(shuffled, start, end) == counted
    assert len({course_key(r) for r in counted}) == len(counted)
    assert all(start <= r.day <= end for r in counted)


def test_hours_problems_in_words():
    assert hours_problem({"advocacy": 2.5, "ethical_responsibility": 0.25}) is None
    assert hours_problem({"advocacy": 40}) is None
    assert "at least one domain" in hours_problem({})
    assert "at least one domain" in hours_problem({"advocacy": 0})
    assert "quarter hours" in hours_problem({"advocacy": 1.1})
    assert "negative" in hours_problem({"advocacy": -1, "ethical_responsibility": 3})
    assert "at most 40 hours; this one has 41" in hours_problem(
        {"advocacy": 30, "ethical_responsibility": 11}
    )
