"""The rulebook sections of a track file, read into ``certificates.rulebook``'s dataclasses.

``certificates.tracks`` reads the track's core (courses, hours, validity, the attestations and
renewal with its continuing education) and calls ``read_sections`` for the rest: ``[training]``
with its ``[[training.events]]``, ``[exam]``, ``[evaluation]``, ``[experience]``,
``[supervisors]`` and ``[[confirmations]]``. Every mistake is reported as a plain sentence at
the line of the key it is about (``tracks.line_of``); unknown fields are refused, hours are
quarter hours and domains are ``courses.domains.DOMAINS``. The readers of values
(``table_of``, ``text_of``, ``id_of``, ``hours_of`` ...) serve ``tracks`` too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from certificates.rulebook import (
    Competency,
    Confirmation,
    EvaluationRule,
    EventTemplate,
    ExamRule,
    ExperienceRule,
    SupervisorRule,
    TrainingRule,
)
from courses.domains import DOMAINS

#: ``problem(message, key)``: report a mistake at the line of ``key`` (a path, see ``line_of``)
Problem = Callable[..., None]

SECTION_FIELDS = frozenset(
    {"training", "exam", "evaluation", "experience", "supervisors", "confirmations"}
)
#: the id of an event template, competency, attestation or confirmation: "ethics-workshop"
ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
MAX_ID_LENGTH = 60
#: no track asks more hours than this of anything (it keeps typing slips like 60000 out)
MAX_HOURS = 10_000
EXAM_KINDS = ("external", "internal")
_INTERNAL_ONLY = ("pass_percent", "max_attempts", "wait_hours", "blueprint")
_DOMAIN_LIST = ", ".join(DOMAINS)
#: the fields each table takes (what is read below; anything else is refused)
FIELDS = {
    "training": {"total_hours", "live_min_percent", "outside_max_hours", "events"},
    "training.events": {"id", "title", "hours"},
    "exam": {"kind", "name", "description", *_INTERNAL_ONLY},
    "evaluation": {"title", "scale", "min_rating", "statement", "competencies"},
    "evaluation.competencies": {"id", "title", "domain"},
    "experience": {
        "direct_service_hours",
        "practice_hours_per_supervision_hour",
        "group_supervision_max_percent",
    },
    "supervisors": {"credentials", "description"},
    "confirmations": {"id", "label", "help"},
}


@dataclass(frozen=True)
class Sections:
    training: TrainingRule
    exam: ExamRule | None
    evaluation: EvaluationRule | None
    experience: ExperienceRule
    supervisors: SupervisorRule
    confirmations: tuple[Confirmation, ...]


# --- values -----------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_hours(value: Any) -> bool:
    """A number of hours of at least zero, in quarter hours (2.25, not 2.2)."""
    return is_number(value) and 0 <= value <= MAX_HOURS and value * 4 == int(value * 4)


def table_of(
    raw: Any, key: str, fields: set[str], problem: Problem, label: str = ""
) -> dict | None:
    """``raw`` as a table whose unknown fields are reported, or None if it is not a table."""
    label = label or f"[{key}]"
    if not isinstance(raw, dict):
        problem(f"{label} must be a table of fields (like [{key.split('#')[0]}])", key)
        return None
    for extra in sorted(set(raw) - fields):
        known = ", ".join(sorted(fields))
        problem(f'unknown field "{extra}" in {label} (use {known})', f"{key}.{extra}")
    return raw


def tables_of(raw: Any, key: str, problem: Problem) -> list[dict]:
    """An array of tables (``[[key]]``), or nothing if it is something else."""
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problem(f"{key} must be a list of tables, each starting with [[{key}]]", key)
        return []
    return raw


def hours_of(table: dict, name: str, key: str, label: str, problem: Problem) -> float:
    value = table.get(name, 0)
    if not is_hours(value):
        problem(
            f"{name} in {label} must be a number of hours from 0 to {MAX_HOURS}, "
            "in quarter hours (like 2.25)",
            f"{key}.{name}",
        )
        return 0.0
    return float(value)


def _percent(table: dict, name: str, key: str, label: str, problem: Problem, default=0.0) -> float:
    value = table.get(name, default)
    if not is_number(value) or not 0 <= value <= 100:
        problem(f"{name} in {label} must be a percentage from 0 to 100", f"{key}.{name}")
        return float(default)
    return float(value)


def _whole(table: dict, name: str, key: str, label: str, problem: Problem, span, default) -> int:
    low, high = span
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problem(f"{name} in {label} must be a whole number from {low} to {high}", f"{key}.{name}")
        return default
    return value


def text_of(table: dict, name: str, key: str, label: str, problem: Problem, required=True) -> str:
    value = table.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        problem(
            f'{label} needs {name} = "…" (some text)', f"{key}.{name}" if name in table else key
        )
        return ""
    return value.strip()


def id_of(table: dict, key: str, label: str, problem: Problem) -> str:
    value = table.get("id")
    if not isinstance(value, str) or not ID.fullmatch(value) or len(value) > MAX_ID_LENGTH:
        problem(
            f'{label} needs an id of lower-case letters, digits and dashes, like "ethics-workshop"'
            f" (at most {MAX_ID_LENGTH} characters)",
            f"{key}.id" if "id" in table else key,
        )
        return ""
    return value


def unique_ids(ids: list[str], key: str, what: str, problem: Problem) -> None:
    seen: set[str] = set()
    for number, item_id in enumerate(ids):
        if item_id and item_id in seen:
            problem(f'two {what} have the id "{item_id}": each needs its own', f"{key}#{number}.id")
        seen.add(item_id)


def domain_hours(
    raw: Any, key: str, label: str, problem: Problem, *, questions: bool = False
) -> dict[str, float]:
    """A table of domain id = quarter hours, as in ``hours = { advocacy = 2 }`` (or, with
    ``questions``, of whole numbers of questions from 0 to 200)."""
    if not isinstance(raw, dict):
        problem(f"{label} must be a table of domain = {'questions' if questions else 'hours'}", key)
        return {}
    found: dict[str, float] = {}
    for domain, value in raw.items():
        whole = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 200
        if domain not in DOMAINS:
            problem(f'unknown domain "{domain}" in {label} (use {_DOMAIN_LIST})', f"{key}.{domain}")
        elif questions and not whole:
            problem(f"{domain} in {label} must be a whole number from 0 to 200", f"{key}.{domain}")
        elif not questions and not is_hours(value):
            problem(
                f"hours for {domain} in {label} must be a number from 0 to {MAX_HOURS}, "
                "in quarter hours (like 2.25)",
                f"{key}.{domain}",
            )
        else:
            found[domain] = value if questions else float(value)
    return found


# --- the sections -----------------------------------------------------------------------------


def read_sections(
    data: Mapping[str, Any],
    problem: Problem,
    *,
    training_hours: Mapping[str, float],
    practice_minutes: int,
) -> Sections:
    """The rulebook sections of a parsed track file, given its own training hours and practice
    minutes for the checks that compare them."""
    training = _training(data.get("training", {}), problem)
    needed = sum(training_hours.values())
    if training.total_hours and training.total_hours < needed:
        problem(
            f"total_hours ({training.total_hours:g}) is less than the hours [training_hours] asks "
            f"by domain ({needed:g}): raise it or leave it out",
            "training.total_hours",
        )
    experience = _experience(data.get("experience", {}), problem)
    if experience.direct_service_hours * 60 > practice_minutes:
        problem(
            f"direct_service_hours ({experience.direct_service_hours:g}) is more than the "
            f"supervised practice hours ({practice_minutes / 60:g})",
            "experience.direct_service_hours",
        )
    return Sections(
        training=training,
        exam=_exam(data["exam"], problem) if "exam" in data else None,
        evaluation=_evaluation(data["evaluation"], problem) if "evaluation" in data else None,
        experience=experience,
        supervisors=_supervisors(data.get("supervisors", {}), problem),
        confirmations=_confirmations(data.get("confirmations", []), problem),
    )


def _training(raw: Any, problem: Problem) -> TrainingRule:
    table = table_of(raw, "training", FIELDS["training"], problem)
    if table is None:
        return TrainingRule()
    events = []
    for number, item in enumerate(tables_of(table.get("events", []), "training.events", problem)):
        key = f"training.events#{number}"
        label = f"[[training.events]] number {number + 1}"
        if table_of(item, key, FIELDS["training.events"], problem, label) is None:
            continue
        event_id = id_of(item, key, label, problem)
        label = f'the event "{event_id}"' if event_id else label
        title = text_of(item, "title", key, label, problem)
        hours = domain_hours(item.get("hours", {}), f"{key}.hours", f"{label}'s hours", problem)
        if not any(hours.values()):
            problem(f"{label} needs hours = {{ domain = hours, … }}, more than 0 in all", key)
        events.append(EventTemplate(event_id, title, hours))
    unique_ids([e.id for e in events], "training.events", "events", problem)
    return TrainingRule(
        total_hours=hours_of(table, "total_hours", "training", "[training]", problem),
        live_min_percent=_percent(table, "live_min_percent", "training", "[training]", problem),
        outside_max_hours=hours_of(table, "outside_max_hours", "training", "[training]", problem),
        events=tuple(events),
    )


def _exam(raw: Any, problem: Problem) -> ExamRule | None:
    table = table_of(raw, "exam", FIELDS["exam"], problem)
    if table is None:
        return None
    kind = table.get("kind")
    if kind not in EXAM_KINDS:
        problem('kind in [exam] must be "external" (passed elsewhere) or "internal"', "exam.kind")
        return None
    name = text_of(table, "name", "exam", "[exam]", problem)
    description = text_of(table, "description", "exam", "[exam]", problem, required=False)
    if kind == "external":
        for field_name in _INTERNAL_ONLY:
            if field_name in table:
                problem(
                    f'{field_name} is only for an internal exam (kind = "internal"); a lead '
                    "records an external exam's result",
                    f"exam.{field_name}",
                )
        return ExamRule(kind, name, description)
    blueprint = domain_hours(
        table.get("blueprint", {}), "exam.blueprint", "[exam.blueprint]", problem, questions=True
    )
    if not sum(blueprint.values()):
        problem(
            "an internal exam needs [exam.blueprint]: how many questions to draw per domain",
            "exam.blueprint",
        )
    return ExamRule(
        kind,
        name,
        description,
        blueprint={domain: int(count) for domain, count in blueprint.items()},
        pass_percent=_whole(table, "pass_percent", "exam", "[exam]", problem, (1, 100), 70),
        max_attempts=_whole(table, "max_attempts", "exam", "[exam]", problem, (0, 100), 3),
        wait_hours=_whole(table, "wait_hours", "exam", "[exam]", problem, (0, 24 * 365), 24),
    )


def _evaluation(raw: Any, problem: Problem) -> EvaluationRule | None:
    table = table_of(raw, "evaluation", FIELDS["evaluation"], problem)
    if table is None:
        return None
    title = text_of(table, "title", "evaluation", "[evaluation]", problem)
    scale = table.get("scale")
    if (
        not isinstance(scale, list)
        or not 2 <= len(scale) <= 10
        or not all(isinstance(s, str) and s.strip() for s in scale)
        or len({s.strip() for s in scale}) != len(scale)
    ):
        problem(
            "scale in [evaluation] must list 2 to 10 different ratings, lowest first, like "
            '["Not yet", "Competent"]',
            "evaluation.scale",
        )
        scale = []
    scale = [s.strip() for s in scale]
    min_rating = table.get("min_rating")
    if scale and min_rating not in scale:
        problem(
            "min_rating in [evaluation] must be one of the ratings in its scale",
            "evaluation.min_rating",
        )
    competencies = []
    raw_competencies = tables_of(table.get("competencies", []), "evaluation.competencies", problem)
    for number, item in enumerate(raw_competencies):
        key = f"evaluation.competencies#{number}"
        label = f"[[evaluation.competencies]] number {number + 1}"
        if table_of(item, key, FIELDS["evaluation.competencies"], problem, label) is None:
            continue
        competency_id = id_of(item, key, label, problem)
        label = f'the competency "{competency_id}"' if competency_id else label
        domain = item.get("domain", "")
        if domain and domain not in DOMAINS:
            problem(f'unknown domain "{domain}" in {label} (use {_DOMAIN_LIST})', f"{key}.domain")
            domain = ""
        competencies.append(
            Competency(competency_id, text_of(item, "title", key, label, problem), str(domain))
        )
    if not competencies:
        problem("[evaluation] needs at least one [[evaluation.competencies]]", "evaluation")
    unique_ids([c.id for c in competencies], "evaluation.competencies", "competencies", problem)
    if not scale or min_rating not in scale:
        return None
    own = {}  # the track's own statement, or the default
    if "statement" in table:
        own["statement"] = text_of(table, "statement", "evaluation", "[evaluation]", problem)
    return EvaluationRule(title, tuple(scale), str(min_rating), tuple(competencies), **own)


def _experience(raw: Any, problem: Problem) -> ExperienceRule:
    table = table_of(raw, "experience", FIELDS["experience"], problem)
    if table is None:
        return ExperienceRule()
    label = "[experience]"
    return ExperienceRule(
        direct_service_hours=hours_of(table, "direct_service_hours", "experience", label, problem),
        practice_hours_per_supervision_hour=hours_of(
            table, "practice_hours_per_supervision_hour", "experience", label, problem
        ),
        group_supervision_max_percent=_percent(
            table, "group_supervision_max_percent", "experience", label, problem, default=100
        ),
    )


def _supervisors(raw: Any, problem: Problem) -> SupervisorRule:
    table = table_of(raw, "supervisors", FIELDS["supervisors"], problem)
    if table is None:
        return SupervisorRule()
    credentials = table.get("credentials", [])
    if (
        not isinstance(credentials, list)
        or not all(isinstance(c, str) and c.strip() and len(c) <= 40 for c in credentials)
        or len({c.strip().lower() for c in credentials}) != len(credentials)
    ):
        problem(
            'credentials in [supervisors] must list different credentials, like ["CPRS", "LCSW"]'
            " (each at most 40 characters)",
            "supervisors.credentials",
        )
        credentials = []
    description = text_of(table, "description", "supervisors", "[supervisors]", problem, False)
    return SupervisorRule(tuple(c.strip() for c in credentials), description)


def _confirmations(raw: Any, problem: Problem) -> tuple[Confirmation, ...]:
    found = []
    for number, item in enumerate(tables_of(raw, "confirmations", problem)):
        key, label = f"confirmations#{number}", f"[[confirmations]] number {number + 1}"
        if table_of(item, key, FIELDS["confirmations"], problem, label) is None:
            continue
        confirmation_id = id_of(item, key, label, problem)
        label = f'the confirmation "{confirmation_id}"' if confirmation_id else label
        text = text_of(item, "label", key, label, problem)
        help_text = text_of(item, "help", key, label, problem, required=False)
        found.append(Confirmation(confirmation_id, text, help_text))
    unique_ids([c.id for c in found], "confirmations", "confirmations", problem)
    return tuple(found)
