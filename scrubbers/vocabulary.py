"""Which words are common words: the list that lets a word of free text survive.

English comes from wordfreq (a maintained frequency list built from Wikipedia,
subtitles, news, books and the web); Swahili from ``data/swahili_words.txt``
(simplemma's lemmas and the ISO stop words, see ``build_swahili_words.py``).
Two depths of the English list, because names are written with capitals:

- a capitalised word (``Kamau``, ``KAMAU``) must be among the 30,000 most
  frequent English words, or a Swahili word: most given names and surnames of
  the regions these apps serve are rarer than that (Wanjiru, Otieno, Chinedu),
  and the common ones (Grace, John, Sharma) are the NER's and the gazetteer's;
- a lower-case word may be among the 200,000 most frequent: technical jargon
  (``upsert``, ``webhook``) is rare in prose but written in lower case, and a
  name in lower case is either after a role word (the role rule reads it) or
  inside a path, address or key (their rules read it).

A word that is neither, but splits into words of three or more letters from the
10,000 commonest, after at most three leading letters (``DBNOTFOUND``, ``SQLSTATE``,
``ENOTFOUND``), is known too, as are errno names (``ECONNRESET``): error-code
names are written that way. Everything loads once, offline, at start.
"""

from __future__ import annotations

import errno
import functools
import signal
from pathlib import Path

import wordfreq

SWAHILI_WORDS = Path(__file__).resolve().parent / "data" / "swahili_words.txt"
CAPITALISED_DEPTH = 30_000
# Words too common to be taken as part of a name next to one ("Failed", "Payment", "the").
VERY_COMMON_DEPTH = 5_000
# Pieces of a run-together code name come from the commoner words only, so that a name rarely splits.
SPLIT_PIECE_DEPTH = 10_000
LOWER_CASE_DEPTH = 200_000
_SPLIT_MIN_PIECE = 3
_SPLIT_MIN_WORD = 7
_SPLIT_MAX_PREFIX = 3
# Splitting is quadratic in the word's length; no code name is longer than this.
_SPLIT_MAX_WORD = 40
# errno and signal names (ECONNRESET, ENOENT, SIGSEGV ...) are how every runtime spells its system errors.
_ERRNO_NAMES = frozenset(name.casefold() for name in errno.errorcode.values()) | frozenset(
    s.name.casefold() for s in signal.Signals
) | {"errno"}


class Vocabulary:
    """Answers whether a word (letters only) is common enough to keep."""

    def __init__(self, capitalised_depth: int = CAPITALISED_DEPTH, lower_case_depth: int = LOWER_CASE_DEPTH):
        english = wordfreq.top_n_list("en", lower_case_depth)
        swahili = {
            line.strip() for line in SWAHILI_WORDS.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
        }
        self._strict = frozenset(english[:capitalised_depth]) | swahili
        self._rank = {word: rank for rank, word in enumerate(english[:VERY_COMMON_DEPTH])}
        self._split_pieces = frozenset(english[:SPLIT_PIECE_DEPTH])
        self._loose = frozenset(english) | swahili
        self.is_known = functools.lru_cache(maxsize=65_536)(self._is_known)

    def _is_known(self, word: str) -> bool:
        key = word.casefold().replace("’", "'")
        lower = word.islower()
        words = self._loose if lower else self._strict
        if key in words:
            return True
        if key.endswith("'s") and key[:-2] in words:
            return True
        if not _SPLIT_MIN_WORD <= len(key) <= _SPLIT_MAX_WORD or not (lower or word.isupper()):
            return key in _ERRNO_NAMES
        # A short acronym may lead: DB + NOT + FOUND, SQL + STATE, ERR + TIMEOUT.
        return key in _ERRNO_NAMES or any(self._splits(key[cut:], self._split_pieces) for cut in range(0, _SPLIT_MAX_PREFIX + 1))

    def is_common(self, word: str) -> bool:
        """True for a word among the capitalised depth, whatever its case."""
        return word.casefold() in self._strict

    def is_very_common(self, word: str, depth: int = VERY_COMMON_DEPTH) -> bool:
        """True for the ``depth`` most common English words (at most 5,000), which never extend a name."""
        return self._rank.get(word.casefold().replace("’", "'"), depth) < depth

    def _splits(self, key: str, words: frozenset[str]) -> bool:
        """True if ``key`` is a concatenation of listed words of at least three letters each."""
        reachable = [True] + [False] * len(key)
        for end in range(_SPLIT_MIN_PIECE, len(key) + 1):
            for start in range(0, end - _SPLIT_MIN_PIECE + 1):
                if reachable[start] and key[start:end] in words:
                    reachable[end] = True
                    break
        return reachable[-1]
