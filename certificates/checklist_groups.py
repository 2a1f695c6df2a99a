"""The eligibility checklist by group (courses, training hours, experience, supervision,
evaluation, exam, statements and program checks), each with how far the trainee has come:
"12 of 40 hours", "6 of 11 courses" or "3 of 5 done", for a progress bar and the words beside
it.

A group counted in hours takes its numbers from its headline requirement (the hours "in all"),
or else adds up its requirements, each only up to what it asks (10 hours in one domain do not
make up for another). Requirements that are a share of others (the live part of training, the
direct service within practice, the supervision a ratio asks) are not added again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certificates.eligibility import Item

#: what an item's numbers are to its group (``Item.role``)
HEADLINE = "headline"  # the group's own numbers: "60 hours of training in all"
SHARE = "share"  # a part of the others, never added to them: "30 of them at live events"

#: a sentence under a group's heading that says once what every line of it means
INTROS = {
    "Courses": (
        "A course is done when every module is read, its quiz passed and its practice "
        "exercises accepted."
    ),
    "Experience": "Only approved hours count.",
    "Supervision": "Only approved hours count.",
}


def number(value: float) -> str:
    """A count of hours or courses for people: 6.0 -> "6", 6.5 -> "6.5", 0.25 -> "0.25"."""
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class Group:
    """One group of the checklist, with the trainee's progress in it."""

    name: str
    items: tuple[Item, ...]
    have: float
    need: float
    #: "hours", "courses", or "" (requirements counted: "3 of 5 done")
    unit: str = ""

    @property
    def met(self) -> bool:
        return all(item.met for item in self.items)

    @property
    def done(self) -> int:
        return sum(item.met for item in self.items)

    @property
    def intro(self) -> str:
        return INTROS.get(self.name, "")

    @property
    def percent(self) -> int:
        if self.need <= 0:
            return 100
        return min(100, int(100 * self.have / self.need))

    @property
    def progress_text(self) -> str:
        """How far, in words: "12 of 40 hours", "6 of 11 courses", "0 of 1 course", "3 of 5
        done"."""
        unit = self.unit or "done"
        if self.need == 1 and unit.endswith("s"):
            unit = unit[:-1]
        return f"{number(self.have)} of {number(self.need)} {unit}"

    @property
    def summary(self) -> str:
        """What a group's heading says after its name: "12 of 40 hours" until it is met, then
        "done: 40 of 40 hours" (or "all done" for requirements counted)."""
        if not self.met:
            return self.progress_text
        return f"done: {self.progress_text}" if self.unit else "all done"

    @property
    def slug(self) -> str:
        """For ids in a page: "training-hours"."""
        return self.name.lower().replace(" ", "-")


def group_of(name: str, items: tuple[Item, ...]) -> Group:
    """The group ``name`` of ``items`` with its progress (see the module's docstring)."""
    headline = next((i for i in items if i.role == HEADLINE and i.need is not None), None)
    if headline is not None and headline.need:
        return Group(name, items, _capped(headline), headline.need, headline.unit)
    counted = [i for i in items if i.need and i.role != SHARE]
    if counted and len({i.unit for i in counted}) == 1:
        need = sum(i.need or 0.0 for i in counted)
        return Group(name, items, sum(map(_capped, counted)), need, counted[0].unit)
    unit = "courses" if name == "Courses" else ""
    return Group(name, items, float(sum(i.met for i in items)), float(len(items)), unit)


def _capped(item: Item) -> float:
    need = item.need or 0.0
    return need if item.met else min(item.have or 0.0, need)


def grouped(items: Iterable[Item], order: tuple[str, ...]) -> tuple[Group, ...]:
    """The items by group, in ``order`` (then any other group in the order first met),
    leaving out empty groups."""
    items = tuple(items)
    names = [*order, *dict.fromkeys(i.group for i in items if i.group not in order)]
    return tuple(
        group_of(name, members)
        for name in names
        if (members := tuple(i for i in items if i.group == name))
    )
