"""Base64 blobs that carry readable text: a JSON payload, a form, a header dump.

Apps log request bodies and tokens base64-encoded (``eyJuYW1lIjoi...``), and what
is inside (a customer's name, a phone number) cannot be judged where it stands.
A token of at least 12 base64 characters (standard or URL-safe alphabet, length a
multiple of four once padded) that decodes to UTF-8 text, all of it printable,
with JSON, form or prose punctuation in it (``{ " : = &`` or a space) is replaced
whole: failing closed on what cannot be read in place. Words, identifiers and hex
that happen to use the alphabet decode to bytes that are not text, and stay.
Score 0.6.
"""

from __future__ import annotations

import base64
import binascii

from scrubbers.recognizers._regex import RegexRecognizer

BASE64_TOKEN = r"(?<![\w+/=-])[A-Za-z0-9+/_-]{12,8192}={0,2}(?![\w+/=-])"
_TEXT_SIGNS = frozenset('{":=& ')


def carries_text(token: str) -> bool:
    padded = token.replace("-", "+").replace("_", "/")
    padded += "=" * (-len(padded) % 4)
    try:
        decoded = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return len(decoded) >= 8 and decoded.isprintable() and not _TEXT_SIGNS.isdisjoint(decoded)


class Base64BlobRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("USER_VALUE", [BASE64_TOKEN], score=0.6, validate=carries_text)
