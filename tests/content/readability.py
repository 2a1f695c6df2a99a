"""The reading grade as the content tests measure it (see courses/readability.py)."""

from courses.readability import module_text, offline_flesch_kincaid

__all__ = ["module_text", "offline_flesch_kincaid"]
