"""The shape shared by key-based rules: a key, a separator, then a quoted or bare value.

Covers JSON (``"key":"v"``), Python reprs (``'key': 'v'``), JS objects
(``key: "v"``), log fields (``key=v``, ``key="v"``), connection strings
(``Key=v;``) and query strings (``?key=v&``). Keys match in any case, with any
``prefix_`` (``customer_phone``, ``X-Amz-Credential``). The value is the named
group ``value``; a quoted value runs to its closing quote, a bare one is
whatever ``unquoted`` allows.
"""

SEPARATOR = r"[\"']?\s{0,3}(?:=>|[:=])"
_SEP = SEPARATOR + r"\s{0,3}"
_DQ = r"\"(?P<value>(?:[^\"\\\n]|\\.){1,1000})\""
_SQ = r"'(?P<value>(?:[^'\\\n]|\\.|'(?=[A-Za-z])){1,1000})'"


def key_value_pattern(keys: str, unquoted: str) -> str:
    """A pattern for values under ``keys`` (an alternation) with bare values shaped like ``unquoted``."""
    return (
        r"(?i)(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_.-])*(?:" + keys + r")(?![A-Za-z0-9])" + _SEP
        + r"(?:" + _DQ + r"|" + _SQ + r"|(?P<value>" + unquoted + r"))"
    )
