"""What a pasted credential's JSON may hold before anything canonicalises it.

Two kinds of refusal, both made by walking the JSON alone (no JSON-LD processing):

* **Size.** Canonicalising is slow on large input (pyld merges the values of one field in
  quadratic time: a name written as a list of 2,000 strings takes seconds) and holds a lock
  that certificate issuing needs too. So every JSON value is counted (objects, lists, their
  items, strings, numbers), and lists, strings and nesting are bounded, far above what any
  credential of this program holds (``test_checking_hostile`` checks the largest one it could
  issue stays well inside).
* **Shape.** JSON-LD can say the same signed statements in ways a reader of plain JSON keys
  misses: ``"@nest": {"validUntil": …}``, or the field written as its full address with an
  ``@value``. The signature still holds, yet the end date (or the holder's name) is out of
  sight. Our credentials use plain field names only, and ``@context`` only at the top, so any
  other key starting with ``@``, any ``@context`` further in, and any key with a ``:`` are
  refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: every JSON value, each list item and object member included (ours: about 120)
MAX_VALUES = 2_000
#: JSON objects among them (each may become a blank node to canonicalise; ours: about 15)
MAX_OBJECTS = 200
#: items in any one list (ours: a few alignments, one per training domain)
MAX_LIST_ITEMS = 50
#: characters in any one string or key (ours: the criteria or evidence, a few thousand at most;
#: a long string costs canonicalisation only linear time, so the room is generous)
MAX_STRING_CHARACTERS = 50_000
#: objects and lists nested in one another, the credential itself counted (ours: 5)
MAX_DEPTH = 12

TOO_LARGE = "It is far larger than any credential this program issues: not checked."
#: a key quoted back in a message is cut to this many characters
QUOTE_LENGTH = 80


@dataclass(frozen=True)
class Measure:
    """How much a JSON value holds (counting stops soon after ``MAX_VALUES``)."""

    values: int
    objects: int
    longest_list: int
    longest_string: int
    depth: int

    @property
    def within_limits(self) -> bool:
        return (
            self.values <= MAX_VALUES
            and self.objects <= MAX_OBJECTS
            and self.longest_list <= MAX_LIST_ITEMS
            and self.longest_string <= MAX_STRING_CHARACTERS
            and self.depth <= MAX_DEPTH
        )


def measure(document: Any) -> Measure:
    """Count ``document``'s values without recursion (so however deep it nests), stopping once
    there are more than ``MAX_VALUES``: the answer is then over the limit, whatever the rest."""
    values = objects = longest_list = longest_string = depth = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack and values <= MAX_VALUES:
        item, level = stack.pop()
        values += 1
        if isinstance(item, dict):
            objects += 1
            depth = max(depth, level)
            longest_string = max([longest_string, *(len(str(key)) for key in item)])
            stack.extend((value, level + 1) for value in item.values())
        elif isinstance(item, list):
            depth = max(depth, level)
            longest_list = max(longest_list, len(item))
            stack.extend((value, level + 1) for value in item)
        elif isinstance(item, str):
            longest_string = max(longest_string, len(item))
    return Measure(values, objects, longest_list, longest_string, depth)


def unusual_key(document: Any) -> str | None:
    """The first key our credentials never use (a JSON-LD keyword other than a top-level
    ``@context``, or a key holding a ``:``), or None. Call it on a document within the limits."""
    stack: list[tuple[Any, bool]] = [(document, True)]
    while stack:
        item, top = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if not isinstance(key, str):
                    return repr(key)
                if (key.startswith("@") and not (top and key == "@context")) or ":" in key:
                    return key
                stack.append((value, False))
        elif isinstance(item, list):
            stack.extend((value, False) for value in item)
    return None


def refusal(document: Any) -> str | None:
    """Why ``document`` is not even canonicalised, in plain words; None if it may be."""
    if not measure(document).within_limits:
        return TOO_LARGE
    key = unusual_key(document)
    if key is not None:
        return (
            "It is written in an unusual way that this page does not accept (technical detail: "
            f"the field name {_quote(key)} is a JSON-LD keyword or a full address, which "
            "credentials from this program never use). Ask the holder for the credential as it "
            "was issued."
        )
    return None


def _quote(text: str) -> str:
    shown = text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"
    return f'"{shown}"'
