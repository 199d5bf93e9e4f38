"""A Presidio recognizer built from plain regular expressions.

Presidio's ``PatternRecognizer`` reports the whole match. Our rules often need
context inside the pattern ("till no 123456") while only the value is sensitive,
so a pattern may name a ``value`` group and only that group is reported.

Patterns are compiled with the ``regex`` module so every search runs under the
scrubber's per-text time budget (see ``_budget.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from scrubbers.recognizers._budget import UNLIMITED, TimeBudget

if TYPE_CHECKING:
    from scrubbers.recognizers._keyvalue import KeyGate


# Digits, each at most one space, dot or hyphen from the next ("4111 1111 1111 1111", "0712-345678").
_DIGIT_RUN = regex.compile(r"\d(?:[\s.-]?\d)*")


@functools.lru_cache(maxsize=8)
def longest_digit_run(text: str) -> int:
    """Characters in the longest digit run of ``text``: an upper bound on the digits any number rule finds.

    Remembered for the last few texts, since every number rule asks it of the same text in turn.
    """
    return max(map(len, _DIGIT_RUN.findall(text)), default=0)


class AnyOf:
    """A precheck that passes when any of its checks does (patterns, or ``KeyGate`` for key-value rules)."""

    def __init__(self, *checks: "str | KeyGate"):
        self._checks = [regex.compile(check) if isinstance(check, str) else check for check in checks]

    def search(self, text: str, timeout: float | None = None) -> bool:
        return any(check.search(text, timeout=timeout) for check in self._checks)


class RegexRecognizer(EntityRecognizer):
    """Reports each match (or its ``value`` group) of ``patterns`` as ``entity``."""

    budget: TimeBudget = UNLIMITED

    def __init__(
        self,
        entity: str,
        patterns: Iterable[str | regex.Pattern],
        score: float,
        validate: Callable[[str], bool] | None = None,
        flags: int = 0,
        name: str | None = None,
        precheck: "str | AnyOf | KeyGate | None" = None,
        min_digits: int = 0,
    ):
        self._patterns = [p if isinstance(p, regex.Pattern) else regex.compile(p, flags) for p in patterns]
        # A necessary condition for any match (a literal such as "@", a short pattern, or a
        # KeyGate for key-value rules), tested first: most texts fail it, and then the full
        # patterns never run.
        self._precheck = regex.compile(precheck) if isinstance(precheck, str) else precheck
        # For number rules: every match holds a digit run this long (see ``longest_digit_run``). Error texts
        # are full of short numbers (lines, counts, ms) and rarely hold a 10-digit one.
        self._min_digits = min_digits
        self._score = score
        self._validate = validate
        super().__init__(supported_entities=[entity], name=name or type(self).__name__)

    def load(self) -> None:  # patterns are compiled in __init__
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        entity = self.supported_entities[0]
        results = []
        for start, end in self.spans(text):
            results.append(RecognizerResult(entity, start, end, self._score))
        return results

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of every (validated) value in ``text``."""
        if self._min_digits and longest_digit_run(text) < self._min_digits:
            return []
        if self._precheck is not None and not self._precheck.search(text):
            return []
        found = []
        for pattern in self._patterns:
            has_value_group = "value" in pattern.groupindex
            for match in pattern.finditer(text, timeout=self.budget.remaining()):
                start, end = match.span("value") if has_value_group else match.span()
                if start < 0 or start == end:
                    continue
                if self._validate and not self._validate(text[start:end]):
                    continue
                found.append((start, end))
        return found
