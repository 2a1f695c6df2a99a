"""Item analysis: facility, point-biserial discrimination against the rest score, and the
histogram of scores, worked out from sums a database can add up."""

from __future__ import annotations

import itertools
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.item_analysis import (
    NO_ATTEMPTS,
    TOO_FEW,
    Band,
    ItemSums,
    analyse,
    band_of,
    discrimination,
    facility,
    histogram,
    item_sums,
)

QUESTIONS = ["q1", "q2", "q3", "q4", "q5"]

#: attempts as (drawn questions, questions answered right)
attempts = st.lists(
    st.lists(st.sampled_from(QUESTIONS), min_size=1, max_size=5, unique=True).flatmap(
        lambda drawn: st.tuples(
            st.just(drawn), st.lists(st.sampled_from(drawn), unique=True, max_size=len(drawn))
        )
    ),
    max_size=40,
)


def _reference(answers: list[tuple[int, int]]) -> float | None:
    """The Pearson correlation of (x, rest) pairs, by the standard library."""
    xs = [x for x, _ in answers]
    rests = [r for _, r in answers]
    if len(answers) < 2 or len(set(xs)) < 2 or len(set(rests)) < 2:
        return None
    return statistics.correlation(xs, rests)


def _pairs(data, question):  # type: ignore[no-untyped-def]
    pairs = []
    for drawn, correct in data:
        if question in drawn:
            x = int(question in correct)
            pairs.append((x, len(set(correct)) - x))
    return pairs


@given(attempts)
def test_facility_is_a_share_and_discrimination_a_correlation(data):
    for question, sums in item_sums(data).items():
        share = facility(sums)
        assert share is not None and 0.0 <= share <= 1.0
        r = discrimination(sums)
        assert r is None or -1.0 <= r <= 1.0
        expected = _reference(_pairs(data, question))
        if expected is None:
            assert r is None
        else:
            assert r == pytest.approx(expected, abs=1e-9)


@given(attempts)
def test_the_sums_from_whole_scores_equal_the_sums_from_rest_scores(data):
    """What a database adds up (n, Σx, Σt, Σt², Σxt) gives the same sums as the rest scores."""
    for question, sums in item_sums(data).items():
        pairs = _pairs(data, question)
        totals = [x + r for x, r in pairs]
        assert sums == ItemSums.from_totals(
            len(pairs),
            sum(x for x, _ in pairs),
            sum(totals),
            sum(t * t for t in totals),
            sum(x * t for (x, _), t in zip(pairs, totals, strict=True)),
        )


def test_one_attempt_or_constant_answers_cannot_be_judged():
    assert discrimination(item_sums([(["q1", "q2"], ["q1"])])["q1"]) is None  # one attempt
    everyone_right = item_sums([(["q1", "q2"], ["q1"]), (["q1", "q2"], ["q1", "q2"])])
    assert facility(everyone_right["q1"]) == 1.0
    assert discrimination(everyone_right["q1"]) is None  # x never varies
    same_rest = item_sums([(["q1", "q2"], ["q1"]), (["q1", "q2"], [])])
    assert discrimination(same_rest["q1"]) is None  # the rest score (q2: wrong) never varies
    assert facility(ItemSums(0, 0, 0, 0, 0)) is None and NO_ATTEMPTS.facility is None


def test_a_question_that_follows_the_rest_of_the_quiz_discriminates_perfectly():
    data = [(["q1", "q2", "q3"], ["q1", "q2", "q3"]), (["q1", "q2", "q3"], ["q2"])] * 3
    sums = item_sums(data)
    assert discrimination(sums["q1"]) == 1.0  # right exactly when q3 is right
    assert discrimination(sums["q3"]) == 1.0
    assert discrimination(sums["q2"]) is None  # everyone right
    backwards = [(["q1", "q2"], ["q1"]), (["q1", "q2"], ["q2"])]
    assert discrimination(item_sums(backwards)["q1"]) == -1.0


def _analysis(right: int, attempts: int, r: float | None):  # type: ignore[no-untyped-def]
    from courses.item_analysis import ItemAnalysis

    return ItemAnalysis(attempts, right, right / attempts if attempts else None, r)


@pytest.mark.parametrize(
    ("right", "attempts", "r", "words"),
    [
        (19, 20, 0.3, ["Almost everyone answers it right"]),
        (5, 20, 0.3, ["Most trainees answer it wrong"]),
        (12, 20, 0.1, ["hardly more likely"]),
        (12, 20, -0.3, ["Check the answer key first"]),
        (19, 20, 0.1, ["Almost everyone", "hardly more likely"]),
        (12, 20, 0.35, []),
        (12, 20, None, []),  # cannot be worked out, but not flagged for it
        (0, TOO_FEW - 1, -0.9, []),  # too few attempts to judge
    ],
)
def test_questions_to_review_say_why_in_words(right, attempts, r, words):
    analysis = _analysis(right, attempts, r)
    assert analysis.review == bool(words)
    assert len(analysis.reasons) == len(words)
    for reason, expected in zip(analysis.reasons, words, strict=True):
        assert expected in reason
    assert analysis.too_few == (attempts < TOO_FEW)


def test_analyse_gathers_both_figures():
    data = [(["q1", "q2"], ["q1", "q2"])] * 6 + [(["q1", "q2"], [])] * 6
    result = analyse(item_sums(data)["q1"])
    assert (result.attempts, result.right, result.facility) == (12, 6, 0.5)
    assert result.discrimination == 1.0 and not result.review


def test_the_histogram_has_every_band_and_puts_100_in_the_last():
    bands = histogram({0.0: 1, 9.9: 2, 10.0: 3, 79.5: 4, 100.0: 5})
    assert [b.label for b in bands][:2] == ["0–9%", "10–19%"]
    assert bands[-1] == Band(90, 100, 5) and bands[-1].label == "90–100%"
    assert [b.count for b in bands] == [3, 3, 0, 0, 0, 0, 0, 4, 0, 5]
    assert sum(b.count for b in histogram({})) == 0 and len(histogram({})) == 10


@given(st.dictionaries(st.floats(0, 100, allow_nan=False), st.integers(0, 50)))
def test_every_score_lands_in_exactly_one_band(scores):
    bands = histogram(scores)
    assert sum(b.count for b in bands) == sum(scores.values())
    for score in scores:
        band = bands[band_of(score)]
        assert band.low <= score and (score < band.high or band.high == 100)


@given(st.integers(1, 100), st.floats(0, 100, allow_nan=False))
def test_bands_of_any_width_cover_0_to_100(width, score):
    bands = histogram({score: 1}, width)
    assert bands[0].low == 0 and bands[-1].high == 100
    assert all(a.high == b.low for a, b in itertools.pairwise(bands))
    assert sum(b.count for b in bands) == 1
