"""Secrets without a known prefix: a long token whose characters look random.

Live keys of providers no rule names, base64 credentials, session cookies and
password hashes (``$2y$10$...``) share one trait: many characters with no
pattern. A token of at least 20 characters from the key alphabet (letters,
digits, ``+/=_-.$:``) that mixes at least two of lower case, upper case and
digits, and whose Shannon entropy is at least 3.6 bits per character, is a
secret whatever its prefix. Left alone: hex strings (hashes, commit ids and
trace ids are identifiers, not credentials), UUIDs, dotted names and paths
whose pieces are words (``System.Data.SQLite.SQLiteException``,
``/usr/local/lib``), anything with three or more separator-joined words (``CALLING_THE_+initialize_METHOD``),
Swift's mangled symbols (``$s``, then identifiers led by their length: ``$Ss15EmptyCollection...``) and a
source file's position as a path's last segment (``IBGDALService.m:51:17``); in a path or URL that is words as a whole, a
random segment is still a secret. Score 0.7: below the rules that know the kind of secret.
"""

from __future__ import annotations

import math
from collections import Counter

import regex

from scrubbers.recognizers._regex import RegexRecognizer

TOKEN = regex.compile(r"(?<![\w+/=$.:-])[A-Za-z0-9+/=_$.:-]{20,4096}(?![\w+/=$.:-])")
# Hex ids, also behind a short type prefix (Stripe's pi_..., ch_...): identifiers, not credentials.
_HEX = regex.compile(r"^(?:0x|[a-z]{1,6}_)?[0-9a-fA-F-]+$")
# key=value and key:value pairs are read as their value ("span_id=8dc0f6..."); base64's "=" padding is not a key.
_KEY_PREFIX = regex.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,40}[=:](?=[^=])")
# The humps of code names: "Affected", "Set", "Lite", "okhttp". Capital runs do not count: base64 is full of them.
_HUMP = regex.compile(r"[A-Z]?[a-z]{2,}")
_MIN_BITS = 3.6
# Words in one case each (CALLING, initialize, Method), joined by separators: a symbol, not a key.
_SEPARATED_WORD = regex.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{3,}|[a-z]{3,}|[A-Z][a-z]{2,})(?![A-Za-z0-9])")
# A Swift mangled symbol: the prefix, then identifiers each led by its length ($Ss15EmptyCollection...).
_SWIFT_MANGLED = regex.compile(r"^(?:_?\$[sS]|_T0)\w*?(\d{1,2})([A-Za-z_]\w*)")
# A source file with its line (and column) as a path's last segment: IBGDALService.m:51:17.
_FILE_POSITION = regex.compile(r"\.[A-Za-z]{1,5}(?::\d+){1,2}$")


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    key = _KEY_PREFIX.match(value)
    if key is not None:
        value = value[key.end() :]
        if len(value) < 20:
            return False
    letters = sum(c.isalpha() for c in value)
    if _HEX.match(value) or letters < 0.25 * len(value):  # hex ids; timestamps and numbers with separators
        return False
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value)))
    if classes < 2:
        return False
    # Code names are made of words: most of their letters sit in humps of three or more.
    if sum(len(h) for h in _HUMP.findall(value)) >= 0.7 * letters:
        return False
    words = _SEPARATED_WORD.findall(value)
    if len(words) >= 3 and sum(map(len, words)) >= 0.7 * letters:
        return False  # CALLING_THE_+initialize_METHOD
    if _is_swift_symbol(value):
        return False
    return entropy(value) >= _MIN_BITS


def _is_swift_symbol(value: str) -> bool:
    """``$Ss15EmptyCollectionVyxGSTsWa``: a length-led identifier whose letters are mostly words."""
    match = _SWIFT_MANGLED.match(value)
    if match is None:
        return False
    identifier = match.group(2)[: int(match.group(1))]
    return len(identifier) >= 4 and sum(len(h) for h in _HUMP.findall(identifier)) >= 0.7 * len(identifier)


_SEGMENT = regex.compile(r"[^/]{20,}")
_PATH = regex.compile(r"[a-z][a-z0-9+.-]{1,20}://|/")
_EXTENSION = regex.compile(r"\.[A-Za-z0-9]{1,5}$")  # a file named by its hash: 7baa5f72d39245f0.png


class HighEntropyTokenRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [TOKEN], score=0.7)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Random tokens; in a path or URL, each segment is judged on its own.

        ``https://shop/accounts/confirm-email/<a signed key>``: the route stays and its last segment,
        the key, goes. Base64 has slashes too, so any other token is judged whole first.
        """
        found = []
        for start, end in super().spans(text):
            if _FILE_POSITION.search(text, start, end):
                continue  # Instabug/IBGDALService.m:51:17: a source position (base64 has no colon)
            if not _PATH.match(text, start, end) and looks_random(text[start:end]):
                found.append((start, end))
            elif "/" in text[start:end]:
                found.extend(
                    m.span()
                    for m in _SEGMENT.finditer(text, start, end)
                    if looks_random(m.group())
                    and not _HEX.match(_EXTENSION.sub("", m.group()))
                    and not _FILE_POSITION.search(m.group())
                )
        return found
