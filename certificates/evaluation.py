"""The supervisor's competency evaluation, as pure rules: checking what a supervisor submits
against the track's ``EvaluationRule``, keeping a copy of the form a signed evaluation answered,
and saying in plain words what a trainee's evaluation still lacks.

The web app (``training.evaluations``) stores each competency's answer as its rating (an index
into the scale, lowest first) and a comment; it reads and writes them through ``Answer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from certificates.rulebook import Competency, EvaluationOutcome, EvaluationRule

OVERALL = "overall"

#: what comes after a signed evaluation with ratings below the minimum (trainees and leads read it)
NEXT_AFTER_LOW = (
    "Next: a plan with the supervisor to build these skills, then a new evaluation, which "
    "replaces this one."
)


def rating_key(competency_id: str) -> str:
    """The key of a competency's rating problem in ``problems``' answer."""
    return f"rating:{competency_id}"


def comment_key(competency_id: str) -> str:
    """The key of a competency's comment problem in ``problems``' answer."""
    return f"comment:{competency_id}"


@dataclass(frozen=True)
class Answer:
    """A supervisor's answer for one competency: a rating (an index into the scale; None while
    not rated yet) and a comment ("" for none)."""

    rating: int | None = None
    comment: str = ""


def parse_rating(rule: EvaluationRule, raw: object) -> int | None:
    """The scale index a radio button sent ("0" for the lowest rating), or None when nothing or
    anything else was sent."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 3:
        return None
    index = int(raw)
    return index if index < len(rule.scale) else None


def problems(
    rule: EvaluationRule,
    answers: Mapping[str, Answer],
    overall: str,
    *,
    complete: bool,
    comment_limit: int,
    overall_limit: int,
) -> dict[str, str]:
    """What is wrong with an evaluation, field by field: the keys are ``rating_key(id)`` and
    ``comment_key(id)`` for a competency's rating and comment, and ``OVERALL``; the values say
    what to do in plain words. Empty when nothing is wrong.

    Always: a rating must be on the scale, and no text may pass its limit. When ``complete``
    (to sign it, not to save a draft): every competency rated, and a comment for each rating
    below the track's minimum. Answers for competencies the rule doesn't name are ignored."""
    found: dict[str, str] = {}
    for competency in rule.competencies:
        answer = answers.get(competency.id, Answer())
        rating, comment = answer.rating, answer.comment.strip()
        on_scale = rating is not None and 0 <= rating < len(rule.scale)
        if rating is not None and not on_scale:
            found[rating_key(competency.id)] = "Choose one of the ratings shown."
        elif complete and rating is None:
            found[rating_key(competency.id)] = "Choose a rating for this competency."
        if len(answer.comment) > comment_limit:
            found[comment_key(competency.id)] = f"Please use at most {comment_limit:,} characters."
        elif complete and on_scale and rating < rule.min_index and not comment:
            found[comment_key(competency.id)] = (
                f"Say why you rated this below {rule.min_rating}: a comment is needed for any "
                "rating below it."
            )
    if len(overall) > overall_limit:
        found[OVERALL] = f"Please use at most {overall_limit:,} characters."
    return found


def rating_words(rule: EvaluationRule, rating: int | None) -> str:
    """A rating as its words on the scale ("Competent"), or "Not rated"."""
    if rating is None or not 0 <= rating < len(rule.scale):
        return "Not rated"
    return rule.scale[rating]


def below_minimum(rule: EvaluationRule, ratings: Mapping[str, int]) -> list[Competency]:
    """The competencies rated below the track's minimum, or not rated at all, in form order."""
    return [c for c in rule.competencies if ratings.get(c.id, -1) < rule.min_index]


def grouped(rule: EvaluationRule) -> list[tuple[str, list[Competency]]]:
    """The competencies by domain, for the form: (domain id, its competencies) in the order the
    track first names each domain; competencies without one are grouped under ""."""
    groups: dict[str, list[Competency]] = {}
    for competency in rule.competencies:
        groups.setdefault(competency.domain, []).append(competency)
    return list(groups.items())


# --- the form a signed evaluation answered ------------------------------------------------------


def snapshot(rule: EvaluationRule) -> dict[str, Any]:
    """The rule as JSON-ready data, kept with an evaluation so that it reads as it was signed
    (the ratings' words, the competencies' titles) even after the track changes."""
    return {
        "title": rule.title,
        "scale": list(rule.scale),
        "min_rating": rule.min_rating,
        "statement": rule.statement,
        "competencies": [
            {"id": c.id, "title": c.title, "domain": c.domain} for c in rule.competencies
        ],
    }


def from_snapshot(data: Mapping[str, Any]) -> EvaluationRule:
    """The rule ``snapshot`` kept (its ``version`` is the same as the original's)."""
    return EvaluationRule(
        title=data["title"],
        scale=tuple(data["scale"]),
        min_rating=data["min_rating"],
        statement=data["statement"],
        competencies=tuple(
            Competency(c["id"], c["title"], c.get("domain", "")) for c in data["competencies"]
        ),
    )


# --- what eligibility needs -------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationItem:
    """One requirement of the evaluation for the eligibility checklist: what it asks
    (``label``), whether it is ``met``, and when it is not, what is missing in plain words."""

    label: str
    met: bool
    missing: str = ""
    #: for ratings of a signed evaluation below the minimum: that minimum ("Competent")
    minimum: str = ""


def evaluation_items(
    rule: EvaluationRule | None, outcome: EvaluationOutcome | None
) -> list[EvaluationItem]:
    """What the track's evaluation asks of a trainee, and whether ``outcome`` (their latest
    signed, not voided evaluation, or None) meets it:

    1. "A supervisor's signed competency evaluation" (the rule's title, in lower case): met by an
       evaluation signed on the track's current form (``rule.version``).
    2. Only when the scale's minimum is above its lowest rating: "Rated at least Competent in
       every competency": met when no competency of that evaluation is rated below it; else it
       names them ("Rated below Competent in: Provides support; Shares lived experience.") and
       says what comes next (a plan to build them, then a new evaluation, which replaces it).

    No items when the track has no evaluation."""
    if rule is None:
        return []
    current = outcome is not None and outcome.rule_version == rule.version
    if current:
        signed_missing = ""
    elif outcome is None:
        signed_missing = f"Your supervisor completes and signs your {rule.title.lower()}."
    else:
        signed_missing = (
            f"The {rule.title.lower()} form has changed since yours was signed: your supervisor "
            "completes and signs the new one."
        )
    items = [EvaluationItem(f"A supervisor's signed {rule.title.lower()}", current, signed_missing)]
    if rule.min_index == 0:
        return items
    label = f"Rated at least {rule.min_rating} in every competency"
    if not current or outcome is None:
        return [*items, EvaluationItem(label, False, "Needs a signed evaluation first.")]
    low = below_minimum(rule, outcome.ratings)
    if not low:
        return [*items, EvaluationItem(label, True)]
    missing = (
        f"Rated below {rule.min_rating} in: {'; '.join(c.title for c in low)}. {NEXT_AFTER_LOW}"
    )
    return [*items, EvaluationItem(label, False, missing, minimum=rule.min_rating)]
