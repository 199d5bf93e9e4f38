"""A wall-clock allowance for the rule phase of one text.

Python's ``re`` cannot be interrupted, so one slow pattern on a crafted input
could stall the scrubbing thread. Our recognizers use the ``regex`` module,
whose matching functions take a ``timeout``; each recognizer asks this budget
how much time is left before it starts a search. When the budget is spent,
``TimeoutError`` propagates and the scrubber drops the text (fail closed).
"""

from __future__ import annotations

import math
import time


class TimeBudget:
    """Seconds allowed for the rule phase of one text; ``start`` before each text."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._deadline = math.inf

    def start(self) -> None:
        self._deadline = time.perf_counter() + self.seconds

    def remaining(self) -> float | None:
        """Seconds left (``None``: no limit); raises ``TimeoutError`` once none are."""
        if math.isinf(self._deadline):
            return None
        left = self._deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError("rule-phase time budget spent")
        return min(left, self.seconds)


UNLIMITED = TimeBudget(math.inf)
