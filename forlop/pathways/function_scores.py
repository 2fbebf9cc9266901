"""The IPLOS function score from the 3-day assessment to the 4-week conversation (pure).

IPLOS scores each function variable from 1 (manages alone) to 5 (needs full help); the
checklist records their mean. Lower is better, so a negative change is an improvement.
Re-exported by ``forlop.pathways.rules``, where the reports read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["IPLOS_HIGHEST", "IPLOS_LOWEST", "FunctionScoreChange", "ScoreTrend"]


IPLOS_LOWEST, IPLOS_HIGHEST = 1, 5


class ScoreTrend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


@dataclass(frozen=True, slots=True)
class FunctionScoreChange:
    """The IPLOS function score at the first and the later stop point (None: not recorded)."""

    first: float | None
    then: float | None

    @property
    def change(self) -> float | None:
        """then − first, to two decimals; None unless both are recorded."""
        if self.first is None or self.then is None:
            return None
        return round(self.then - self.first, 2)

    @property
    def trend(self) -> ScoreTrend | None:
        change = self.change
        if change is None:
            return None
        if change < 0:
            return ScoreTrend.BETTER
        if change > 0:
            return ScoreTrend.WORSE
        return ScoreTrend.SAME
