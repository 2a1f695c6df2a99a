"""Item analysis of a quiz: how easy each question is, how well it tells apart trainees who know
the material from those who do not, and how the scores spread.

- **Facility**: the share of the attempts that drew a question and answered it right (0 to 1).
- **Discrimination**: the point-biserial correlation between answering the question right
  (1 or 0) and the *rest score*, the number of the attempt's other questions answered right
  (-1 to 1). A good question is answered right more often by trainees who do well on the rest
  of the quiz: 0.2 or more. Leaving the question out of the score keeps it from correlating
  with itself. It cannot be worked out (None) when everyone answered the question the same way,
  when every rest score is the same, or from fewer than two attempts.

Everything is worked out from a few sums per question (``ItemSums``), so a database can add
them up in one grouped query and never hand over the attempts themselves; ``item_sums`` adds
them up from the attempts, for a caller (or a test) that has them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import floor, isqrt, sqrt

#: fewer attempts than this at a question: too few to judge it
TOO_FEW = 10
#: a discrimination below this: the question does not tell trainees apart well
LOW_DISCRIMINATION = 0.2
#: a facility above this: almost everyone answers right
TOO_EASY = 0.9
#: a facility below this: most answer wrong
TOO_HARD = 0.3
#: the width of a band of the score histogram, in percentage points
BAND_WIDTH = 10


@dataclass(frozen=True)
class ItemSums:
    """One question over the attempts that drew it, with x = 1 for a right answer (else 0) and
    r = the rest score (the attempt's other questions answered right)."""

    attempts: int  # n
    right: int  # Σx
    rest: int  # Σr
    rest_squares: int  # Σr²
    right_rest: int  # Σxr

    @classmethod
    def from_totals(
        cls, attempts: int, right: int, total: int, total_squares: int, right_total: int
    ) -> ItemSums:
        """The sums from the attempts' whole scores t = r + x, as a database adds them up:
        n, Σx, Σt, Σt² and Σxt (x² = x, so Σr = Σt - Σx, Σr² = Σt² - 2Σxt + Σx and
        Σxr = Σxt - Σx)."""
        return cls(
            attempts=attempts,
            right=right,
            rest=total - right,
            rest_squares=total_squares - 2 * right_total + right,
            right_rest=right_total - right,
        )


def item_sums(attempts: Iterable[tuple[Sequence[str], Collection[str]]]) -> dict[str, ItemSums]:
    """Per question id, the sums over ``attempts``: each (the question ids it drew, the ids it
    answered right). A right answer to a question the attempt did not draw is not counted."""
    found: dict[str, list[int]] = {}
    for drawn, correct in attempts:
        right = set(correct) & set(drawn)
        score = len(right)
        for question_id in dict.fromkeys(drawn):
            x = int(question_id in right)
            rest = score - x
            sums = found.setdefault(question_id, [0, 0, 0, 0, 0])
            sums[0] += 1
            sums[1] += x
            sums[2] += rest
            sums[3] += rest * rest
            sums[4] += x * rest
    return {question_id: ItemSums(*sums) for question_id, sums in found.items()}


def facility(sums: ItemSums) -> float | None:
    """The share of the attempts that answered right; None without attempts."""
    return sums.right / sums.attempts if sums.attempts else None


def discrimination(sums: ItemSums) -> float | None:
    """The point-biserial correlation of the answer with the rest score, in [-1, 1]; None when
    it cannot be worked out (fewer than two attempts, or either of them never varies)."""
    n = sums.attempts
    if n < 2:
        return None
    # n² times the variances and the covariance: whole numbers, so "never varies" is exact
    spread_x = n * sums.right - sums.right * sums.right
    spread_r = n * sums.rest_squares - sums.rest * sums.rest
    together = n * sums.right_rest - sums.right * sums.rest
    if spread_x <= 0 or spread_r <= 0:
        return None
    product = spread_x * spread_r
    root = isqrt(product)
    denominator = float(root) if root * root == product else sqrt(product)
    return max(-1.0, min(1.0, together / denominator))


@dataclass(frozen=True)
class ItemAnalysis:
    """What the statistics say about one question."""

    attempts: int
    right: int
    facility: float | None
    discrimination: float | None

    @property
    def too_few(self) -> bool:
        return self.attempts < TOO_FEW

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why to review the question, in words (none: it looks fine, or too few attempts)."""
        if self.too_few or self.facility is None:
            return ()
        reasons = []
        if self.facility > TOO_EASY:
            reasons.append(
                "Almost everyone answers it right (more than 90%), so it shows little about "
                "who has learned the module. That's fine for a key safety or ethics point "
                "everyone must know."
            )
        elif self.facility < TOO_HARD:
            reasons.append(
                "Most trainees answer it wrong (fewer than 30% right). Check the answer key, "
                "the wording and how the module covers it."
            )
        if self.discrimination is not None and self.discrimination < 0:
            reasons.append(
                "Trainees who did worse on the rest of the quiz got it right more often than "
                "those who did well. Check the answer key first."
            )
        elif self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION:
            reasons.append(
                "Trainees who did well on the rest of the quiz were hardly more likely to get "
                "it right. It may be unclear, or two answers may both seem right."
            )
        return tuple(reasons)

    @property
    def review(self) -> bool:
        return bool(self.reasons)


def analyse(sums: ItemSums) -> ItemAnalysis:
    return ItemAnalysis(sums.attempts, sums.right, facility(sums), discrimination(sums))


NO_ATTEMPTS = analyse(ItemSums(0, 0, 0, 0, 0))


@dataclass(frozen=True)
class Band:
    """One bar of the score histogram: scores from ``low`` up to ``high`` per cent (the last
    band takes ``high`` itself, 100 %)."""

    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        """E.g. "70–79%" ("90–100%" for the last): a score is counted in its band by its
        whole per cent, rounded down (79.5% is in 70–79%)."""
        top = self.high if self.high == 100 else self.high - 1
        return f"{self.low}–{top}%"


def band_of(score: float, width: int = BAND_WIDTH) -> int:
    """The index of the band a score (in per cent, 0 to 100) falls in; 100 % is in the last."""
    last = (100 + width - 1) // width - 1
    return min(last, max(0, floor(score) // width))


def histogram(scores: Mapping[float, int], width: int = BAND_WIDTH) -> list[Band]:
    """Every band from 0 to 100 % with how many scores fall in it (``scores``: score -> how
    many attempts had it). Empty bands are kept, so the bars show the whole range."""
    bands = (100 + width - 1) // width
    counts = [0] * bands
    for score, count in scores.items():
        counts[band_of(score, width)] += count
    return [Band(i * width, min(100, (i + 1) * width), counts[i]) for i in range(bands)]
