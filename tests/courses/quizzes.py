"""Small quiz.toml and practice.toml texts for the loader and check tests."""

QUESTION = """
[[questions]]
id = "{qid}"
type = "single"
{fields}prompt = "Which one?"
options = [{{ id = "a", text = "One" }}, {{ id = "b", text = "Two" }}]
answer = "a"
explanation = "Because of one."
"""


def question(qid: str, module: str | None = None, required: bool = False, extra: str = "") -> str:
    fields = f'module = "{module}"\n' if module else ""
    fields += "required = true\n" if required else ""
    fields += f"{extra}\n" if extra else ""
    return QUESTION.format(qid=qid, fields=fields)


def quiz(
    shape: list[tuple[str | None, int, int]],
    *,
    draw: int | None = None,
    minutes: int | None = None,
    settings: str = "",
) -> str:
    """A quiz.toml with, per module, ``(module id, questions, required questions)``.

    ``minutes`` defaults to two a question in an attempt, inside the allowed 1 to 3; 0 leaves
    the line out.
    """
    count = sum(n for _, n, _ in shape)
    minutes = 2 * (draw or count) if minutes is None else minutes
    head = f"minutes = {minutes}\n" if minutes else ""
    head += f"draw = {draw}\n" if draw else ""
    head += settings
    body = "".join(
        question(f"{module or 'x'}-{i}", module, i < required)
        for module, n, required in shape
        for i in range(n)
    )
    return head + body


def line_of(text: str, needle: str, after: int = 0) -> int:
    """The number of the first line after ``after`` that contains ``needle``."""
    return next(n for n, t in enumerate(text.splitlines(), 1) if n > after and needle in t)


EXERCISE = """
[[exercises]]
id = "{eid}"
module = "{module}"
title = "Reflect what Dana feels"
minutes = {minutes}
scenario = \"\"\"
Dana, two months into recovery, says: "I keep thinking everyone can tell."
\"\"\"
prompt = "Write what you would say to Dana next."
criteria = [
  "Names a feeling Dana expressed or implied",
  "Gives no advice or solution",
]
"""


def exercise(eid: str = "reflect-dana", module: str = "first", minutes: int = 15) -> str:
    return EXERCISE.format(eid=eid, module=module, minutes=minutes)
