"""The text every rule reads: decoded and folded, with a map back to the text as sent.

Personal data arrives disguised as often as plain: percent-encoded in URLs
(``wanjiru%40gmail.com``), JSON-escaped (``\\u0040``), HTML-escaped (``&#64;``),
in full-width letters (``Ｗａｎｊｉｒｕ``) or with zero-width characters inside
(``A0123\\u200b45678Z``). Rules read the normalised text: percent-decoding (only
where the bytes are valid UTF-8), JSON escapes, HTML entities, Unicode NFKC,
and every invisible (format) character removed. Each character of the
normalised text remembers the span of the original it came from, so the
scrubber replaces in the original and everything else stays as sent.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import NamedTuple

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# Only escapes that cannot be a Windows path: "C:\Users\tom" must not become a tab and "om".
_JSON_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\([\"/])")
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NEEDS_WORK = re.compile(r"[%\\&]|[^\x00-\x7f]")
_SIMPLE_ESCAPES = {'"': '"', "/": "/"}


class Normalised(NamedTuple):
    """``text`` as rules read it; ``origin[i]`` is the original span of its character ``i``."""

    text: str
    origin: tuple[tuple[int, int], ...] | None  # None: the text needed no change

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        return self.origin[start][0], self.origin[end - 1][1]


def normalise(text: str) -> Normalised:
    if _NEEDS_WORK.search(text) is None:
        return Normalised(text, None)
    pieces: list[tuple[str, int, int]] = []  # (decoded text, original start, original end)
    position = 0
    for start, end, decoded in _decodings(text):
        pieces.extend((ch, i, i + 1) for i, ch in enumerate(text[position:start], position))
        pieces.append((decoded, start, end))
        position = end
    pieces.extend((ch, i, i + 1) for i, ch in enumerate(text[position:], position))
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    for decoded, start, end in pieces:
        for ch in decoded:
            for folded in unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch:
                if unicodedata.category(folded) == "Cf":  # zero-width, joiners, bidi marks, soft hyphen
                    continue
                chars.append(folded)
                origin.append((start, end))
    normalised = "".join(chars)
    if normalised == text:
        return Normalised(text, None)
    return Normalised(normalised, tuple(origin))


def _decodings(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping encoded runs in ``text`` with what they decode to, in order."""
    found: list[tuple[int, int, str]] = []
    for match in _PERCENT_RUN.finditer(text):
        try:
            found.append((match.start(), match.end(), bytes.fromhex(match.group().replace("%", "")).decode("utf-8")))
        except UnicodeDecodeError:
            continue
    for match in _JSON_ESCAPE.finditer(text):
        if match.group(1):
            found.append((match.start(), match.end(), chr(int(match.group(1), 16))))
        else:
            found.append((match.start(), match.end(), _SIMPLE_ESCAPES[match.group(2)]))
    for match in _HTML_ENTITY.finditer(text):
        decoded = html.unescape(match.group())
        if decoded != match.group():
            found.append((match.start(), match.end(), decoded))
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept
