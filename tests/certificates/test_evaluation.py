"""The competency evaluation's pure rules: what a supervisor may submit, the form kept with a
signed evaluation, and what the checklist says is missing."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from certificates.evaluation import (
    OVERALL,
    Answer,
    EvaluationItem,
    below_minimum,
    comment_key,
    evaluation_items,
    from_snapshot,
    grouped,
    parse_rating,
    problems,
    rating_key,
    rating_words,
    snapshot,
)
from certificates.rulebook import Competency, EvaluationOutcome, EvaluationRule

RULE = EvaluationRule(
    title="Competency evaluation",
    scale=("Not yet", "Developing", "Competent", "Strong"),
    min_rating="Competent",
    competencies=(
        Competency("engages", "Engages peers in caring relationships", "mentoring_education"),
        Competency("support", "Provides support", "recovery_wellness"),
        Competency("lived", "Shares lived experience", "mentoring_education"),
    ),
)
LIMITS = {"comment_limit": 50, "overall_limit": 80}
ALL_COMPETENT = {c.id: Answer(2) for c in RULE.competencies}


def check(answers, overall="", complete=True):  # type: ignore[no-untyped-def]
    return problems(RULE, answers, overall, complete=complete, **LIMITS)


def outcome(ratings, version=RULE.version):  # type: ignore[no-untyped-def]
    return EvaluationOutcome(ratings, date(2026, 5, 1), "Sam Supervisor", version)


# --- what a supervisor submits -----------------------------------------------------------------


def test_every_competency_rated_at_or_above_the_minimum_needs_no_comment():
    assert check(ALL_COMPETENT) == {}


def test_signing_needs_every_competency_rated():
    found = check({"engages": Answer(3)})
    assert found == {
        rating_key("support"): "Choose a rating for this competency.",
        rating_key("lived"): "Choose a rating for this competency.",
    }


def test_a_draft_may_leave_ratings_and_comments_out():
    assert check({"engages": Answer(0)}, complete=False) == {}


def test_a_rating_below_the_minimum_needs_a_comment_to_sign():
    answers = {**ALL_COMPETENT, "support": Answer(1, "   ")}
    assert check(answers) == {
        comment_key("support"): (
            "Say why you rated this below Competent: a comment is needed for any rating below it."
        )
    }
    assert check({**ALL_COMPETENT, "support": Answer(1, "Still learning to listen.")}) == {}


def test_a_rating_off_the_scale_is_refused_even_in_a_draft():
    for rating in (-1, 4, 99):
        found = check({**ALL_COMPETENT, "lived": Answer(rating)}, complete=False)
        assert found == {rating_key("lived"): "Choose one of the ratings shown."}


def test_comments_and_the_overall_comment_have_limits():
    answers = {**ALL_COMPETENT, "engages": Answer(2, "x" * 51)}
    found = check(answers, overall="y" * 81, complete=False)
    assert found == {
        comment_key("engages"): "Please use at most 50 characters.",
        OVERALL: "Please use at most 80 characters.",
    }
    assert check({**ALL_COMPETENT, "engages": Answer(2, "x" * 50)}, overall="y" * 80) == {}


def test_answers_for_competencies_the_form_does_not_name_are_ignored():
    assert check({**ALL_COMPETENT, "gone": Answer(99, "z" * 500)}) == {}


@given(st.text(max_size=6))
def test_parse_rating_gives_an_index_on_the_scale_or_none(raw):
    rating = parse_rating(RULE, raw)
    assert rating is None or (0 <= rating < len(RULE.scale) and raw == str(rating))


def test_parse_rating_reads_the_radio_buttons_values():
    assert [parse_rating(RULE, v) for v in ("0", "3", "4", "-1", "", None, "²", "01")] == [
        0, 3, None, None, None, None, None, 1,
    ]  # fmt: skip


@given(
    st.dictionaries(
        st.sampled_from([c.id for c in RULE.competencies]),
        st.builds(Answer, st.one_of(st.none(), st.integers(-3, 6)), st.text(max_size=60)),
    )
)
def test_signing_is_refused_exactly_when_some_rule_is_broken(answers):
    found = check(answers)
    for c in RULE.competencies:
        a = answers.get(c.id, Answer())
        rating_ok = a.rating is not None and 0 <= a.rating < len(RULE.scale)
        assert (rating_key(c.id) in found) == (not rating_ok)
        comment_ok = len(a.comment) <= 50 and (
            not rating_ok or a.rating >= RULE.min_index or bool(a.comment.strip())
        )
        assert (comment_key(c.id) in found) == (not comment_ok)


# --- reading an evaluation ---------------------------------------------------------------------


def test_ratings_in_words():
    assert [rating_words(RULE, r) for r in (0, 3, None, 4)] == [
        "Not yet", "Strong", "Not rated", "Not rated",
    ]  # fmt: skip


def test_competencies_grouped_by_domain_in_the_order_the_track_names_them():
    assert [(d, [c.id for c in cs]) for d, cs in grouped(RULE)] == [
        ("mentoring_education", ["engages", "lived"]),
        ("recovery_wellness", ["support"]),
    ]


def test_the_kept_form_reads_back_as_the_same_rule():
    kept = from_snapshot(snapshot(RULE))
    assert kept == RULE
    assert kept.version == RULE.version


def test_below_minimum_names_low_and_missing_ratings_in_form_order():
    low = below_minimum(RULE, {"engages": 1, "support": 3})
    assert [c.id for c in low] == ["engages", "lived"]


# --- what the checklist says -------------------------------------------------------------------


def test_no_items_when_the_track_has_no_evaluation():
    assert evaluation_items(None, None) == []


def test_without_a_signed_evaluation_both_items_are_missing():
    assert evaluation_items(RULE, None) == [
        EvaluationItem(
            "A supervisor's signed competency evaluation",
            False,
            "Your supervisor completes and signs your competency evaluation.",
        ),
        EvaluationItem(
            "Rated at least Competent in every competency",
            False,
            "Needs a signed evaluation first.",
        ),
    ]


def test_a_signed_evaluation_at_the_minimum_meets_both():
    items = evaluation_items(RULE, outcome({"engages": 2, "support": 3, "lived": 2}))
    assert [(i.met, i.missing) for i in items] == [(True, ""), (True, "")]


def test_ratings_below_the_minimum_are_named():
    items = evaluation_items(RULE, outcome({"engages": 2, "support": 1, "lived": 0}))
    assert items[0].met
    assert items[1] == EvaluationItem(
        "Rated at least Competent in every competency",
        False,
        "Rated below Competent in: Provides support; Shares lived experience. Next: a plan "
        "with the supervisor to build these skills, then a new evaluation, which replaces this "
        "one.",
        minimum="Competent",
    )


def test_an_evaluation_of_an_older_form_does_not_count():
    items = evaluation_items(RULE, outcome({"engages": 3, "support": 3, "lived": 3}, "old"))
    assert not items[0].met
    assert "has changed since yours was signed" in items[0].missing
    assert not items[1].met


def test_a_scale_whose_minimum_is_its_lowest_asks_only_for_the_signature():
    rule = EvaluationRule("Evaluation", ("Met",), "Met", RULE.competencies)
    assert [i.label for i in evaluation_items(rule, None)] == ["A supervisor's signed evaluation"]
