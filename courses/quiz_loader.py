"""Load and check a course's ``quiz.toml`` (the format is described in content/README.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from courses.model import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_WAIT_MINUTES,
    REVIEW_IMMEDIATE,
    REVIEW_POLICIES,
    Option,
    Question,
    Quiz,
)
from courses.questions import QUESTION_TYPES
from courses.quiz import draw_plan
from courses.toml_report import (
    Report,
    bool_setting,
    int_setting,
    open_toml,
    required_text,
    unknown_fields,
)

QUESTION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")

QUIZ_FIELDS = {
    "pass_mark",
    "max_attempts",
    "wait_minutes",
    "draw",
    "review",
    "minutes",
    "questions",
}
QUESTION_FIELDS = {
    "id",
    "type",
    "prompt",
    "options",
    "answer",
    "explanation",
    "hint",
    "module",
    "required",
}
#: the time a question may take in an attempt, in minutes: quiz.toml's ``minutes`` must fall in
#: this range times the number of questions in an attempt
MINUTES_PER_QUESTION = (1, 3)


def load_quiz(folder: Path, root: Path, module_ids: set[str], problems: list[str]) -> Quiz | None:
    """Load ``folder/quiz.toml``, or return ``None`` after adding its problems to ``problems``."""
    opened = open_toml(folder, "quiz.toml", root, problems)
    if opened is None:
        return None
    report, data = opened
    unknown_fields(data, QUIZ_FIELDS, report)
    pass_mark = int_setting(data, "pass_mark", 80, 1, report)
    if pass_mark > 100:
        report.add("pass_mark is a percentage: 100 at most", report.line_of("pass_mark"))
    max_attempts = int_setting(data, "max_attempts", DEFAULT_MAX_ATTEMPTS, 0, report)
    wait_minutes = int_setting(data, "wait_minutes", DEFAULT_WAIT_MINUTES, 0, report)
    review = data.get("review", REVIEW_POLICIES[0])
    if review not in REVIEW_POLICIES:
        report.add(f"review must be one of {', '.join(REVIEW_POLICIES)}", report.line_of("review"))
    elif review == REVIEW_IMMEDIATE and max_attempts != 1:
        report.add(
            'review = "immediate" shows the right answers after every attempt, so retakes would '
            "hand out the key: use it only with max_attempts = 1",
            report.line_of("review"),
        )

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        report.add("the quiz has no questions: add [[questions]] blocks")
        return None
    draw = _draw(data.get("draw"), len(raw_questions), report)
    headers = report.table_lines("questions")
    questions = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions, start=1):
        header = headers[index - 1] if index <= len(headers) else None
        question = _question(raw, index, header, module_ids, seen, draw is not None, report)
        if question is not None:
            questions.append(question)
    minutes = _minutes(data.get("minutes"), draw or len(raw_questions), report)
    if report.count:
        return None
    quiz = Quiz(
        questions=tuple(questions),
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        wait_minutes=wait_minutes,
        draw=draw,
        review=review,
        minutes=minutes,
        source=report.name,
    )
    _check_draw(quiz, report)
    return None if report.count else quiz


def _draw(raw: Any, count: int, report: Report) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= count:
        report.add(
            f"draw must be a whole number from 1 to {count} (the number of questions)",
            report.line_of("draw"),
        )
        return None
    return raw


def _minutes(raw: Any, per_attempt: int, report: Report) -> int:
    low, high = (per_attempt * m for m in MINUTES_PER_QUESTION)
    rule = (
        f"{MINUTES_PER_QUESTION[0]} to {MINUTES_PER_QUESTION[1]} minutes per question in an "
        f"attempt: here {low} to {high}"
    )
    if raw is None:
        report.add(f"minutes is missing: give the time the quiz takes ({rule})")
    elif isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        report.add(f"minutes must be a whole number from {rule}", report.line_of("minutes"))
    else:
        return raw
    return 0


def _check_draw(quiz: Quiz, report: Report) -> None:
    """Refuse a draw the stratified algorithm cannot meet (courses.quiz.draw_plan)."""
    plan = draw_plan(quiz)
    if plan.draws_everything:
        return
    spread = f"{quiz.draw} questions over {len(plan.strata)} modules"
    most = plan.base + (1 if plan.extra else 0)
    line = report.line_of("draw")
    for stratum in plan.strata:
        count = len(stratum.required) + len(stratum.optional)
        if count < most:
            report.add(
                f'module "{stratum.module_id}" has {count} question{"s" if count != 1 else ""} '
                f"but an attempt may draw {most} from it ({spread}): add questions to it or "
                "lower draw",
                line,
            )
        if len(stratum.required) > plan.base:
            excess = quiz.question(stratum.required[plan.base])
            report.add(
                f'module "{stratum.module_id}" has {len(stratum.required)} required questions '
                f"but an attempt may draw only {plan.base} from it ({spread})",
                excess.line if excess else line,
            )


def _question(
    raw: Any,
    index: int,
    header: int | None,
    module_ids: set[str],
    seen: set[str],
    drawn: bool,
    report: Report,
) -> Question | None:
    if not isinstance(raw, dict):
        report.add(f"question {index} is not a [[questions]] table")
        return None
    qid = raw.get("id")
    label = f'question "{qid}"' if isinstance(qid, str) else f"question {index}"
    start = header or 0
    line = report.line_of("id", qid, after=start) if isinstance(qid, str) else header
    errors_before = report.count

    def field_line(key: str) -> int | None:
        return report.line_of(key, after=header or (line or 1) - 1)

    if not isinstance(qid, str) or not QUESTION_ID_PATTERN.match(qid):
        report.add(f"{label} needs an id of letters, digits, - or _", line)
    elif qid in seen:
        report.add(f'question id "{qid}" is used twice', line)
    else:
        seen.add(qid)
    unknown_fields(raw, QUESTION_FIELDS, report, label, after=header or (line or 1) - 1)

    qtype = QUESTION_TYPES.get(raw.get("type", ""))
    if qtype is None:
        report.add(f"{label}: type must be one of {', '.join(QUESTION_TYPES)}", field_line("type"))
        return None
    prompt = required_text(raw, "prompt", report, field_line("prompt"))
    explanation = required_text(raw, "explanation", report, field_line("explanation"))
    hint = raw.get("hint", "")
    if not isinstance(hint, str):
        report.add(f"{label}: hint must be text", field_line("hint"))
    required = bool_setting(raw, "required", report, label, field_line("required"))
    module_id = raw.get("module")
    if module_id is None and drawn:
        report.add(
            f"{label}: give the module it checks (module = ...): draw is set, and questions are "
            "drawn evenly from each module",
            line,
        )
    elif module_id is not None and module_id not in module_ids:
        report.add(
            f'{label}: module "{module_id}" is not one of this course\'s modules',
            field_line("module"),
        )

    options = qtype.fixed_options()
    if options is None:
        options = _options(raw.get("options"), label, field_line("options"), report)
    elif "options" in raw:
        report.add(f"{label}: {qtype.name} questions have no options", field_line("options"))
    try:
        answer = qtype.parse_answer(raw.get("answer"), frozenset(o.id for o in options))
    except ValueError as error:
        report.add(f"{label}: {error}", field_line("answer"))
        return None
    if report.count > errors_before:
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        options=options,
        answer=answer,
        explanation=explanation,
        hint=hint.strip(),
        module_id=module_id,
        required=required,
        line=line,
    )


def _options(raw: Any, label: str, line: int | None, report: Report) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        report.add(f"{label}: give at least two options", line)
        return ()
    options: list[Option] = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or set(item) != {"id", "text"}
            or not all(isinstance(v, str) and v.strip() for v in item.values())
        ):
            report.add(
                f'{label}: each option needs exactly an id and a text, like {{ id = "a", '
                'text = "..." }',
                line,
            )
            return ()
        if any(o.id == item["id"] for o in options):
            report.add(f'{label}: option id "{item["id"]}" is used twice', line)
        options.append(Option(item["id"], item["text"].strip()))
    return tuple(options)
