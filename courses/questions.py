"""Question types, kept in a registry so a new type is one class.

Each type says how its answer key is written in ``quiz.toml``, how a trainee's raw response is
read, and whether a response is right. Everything is expressed as sets of option ids, so grading
and review work the same way for every type.
"""

from __future__ import annotations

from typing import Any, ClassVar

from courses.model import Option, Question


class ResponseError(ValueError):
    """A response that cannot be graded: empty, or naming options the question does not have."""


class QuestionType:
    name: ClassVar[str]
    label: ClassVar[str]
    #: how a trainee answers: "radio" (exactly one) or "checkbox" (any number)
    input_kind: ClassVar[str] = "radio"

    def fixed_options(self) -> tuple[Option, ...] | None:
        """Options the type brings itself (true/false); ``None`` when the author writes them."""
        return None

    def parse_answer(self, raw: Any, option_ids: frozenset[str]) -> frozenset[str]:
        """Read the answer key from ``quiz.toml``; raise ``ValueError`` with a plain message."""
        raise NotImplementedError

    def parse_response(self, values: list[str], question: Question) -> frozenset[str]:
        """Read what the trainee submitted for this question (one form value per chosen option)."""
        chosen = frozenset(values)
        if not chosen:
            raise ResponseError("No answer was given.")
        unknown = chosen - question.option_ids
        if unknown:
            raise ResponseError("The answer names an option this question does not have.")
        if self.input_kind == "radio" and len(chosen) != 1:
            raise ResponseError("Choose exactly one answer.")
        return chosen

    def is_correct(self, question: Question, response: frozenset[str]) -> bool:
        return response == question.answer

    def __repr__(self) -> str:
        return f"<QuestionType {self.name}>"


class SingleChoice(QuestionType):
    name = "single"
    label = "Choose one answer."

    def parse_answer(self, raw: Any, option_ids: frozenset[str]) -> frozenset[str]:
        if not isinstance(raw, str):
            raise ValueError('answer must be one option id in quotes, like answer = "b"')
        if raw not in option_ids:
            raise ValueError(f'answer "{raw}" is not among the options')
        return frozenset({raw})


class MultipleChoice(QuestionType):
    name = "multiple"
    label = "Select all that apply."
    input_kind = "checkbox"

    def parse_answer(self, raw: Any, option_ids: frozenset[str]) -> frozenset[str]:
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            raise ValueError('answer must be a list of option ids, like answer = ["a", "c"]')
        missing = [x for x in raw if x not in option_ids]
        if missing:
            raise ValueError(f"answer {', '.join(repr(m) for m in missing)} not among the options")
        if len(set(raw)) != len(raw):
            raise ValueError("answer lists the same option twice")
        return frozenset(raw)


class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false?"

    def fixed_options(self) -> tuple[Option, ...]:
        return (Option("true", "True"), Option("false", "False"))

    def parse_answer(self, raw: Any, option_ids: frozenset[str]) -> frozenset[str]:
        if not isinstance(raw, bool):
            raise ValueError("answer must be true or false (no quotes)")
        return frozenset({"true" if raw else "false"})


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse())
}
