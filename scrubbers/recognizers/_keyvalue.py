"""The shape shared by key-based rules: a key, a separator, then a quoted or bare value.

Covers JSON (``"key":"v"``), Python reprs (``'key': 'v'``), JS objects
(``key: "v"``), log fields (``key=v``, ``key="v"``), connection strings
(``Key=v;``) and query strings (``?key=v&``). Keys match in any case, with any
``prefix_`` (``customer_phone``, ``X-Amz-Credential``). The value is the named
group ``value``; a quoted value runs to its closing quote, a bare one is
whatever ``unquoted`` allows.

Source code has the same shape: ``user = User.objects.get(...)``, ``api_key = requestor.request(...)``,
``ret_value = fn(self)``. A bare value that is an identifier or a dotted path right before ``(`` is a call,
code and not a value (``is_call``).
"""

import regex

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


_CALLED = regex.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


def is_call(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a bare (unquoted) identifier or dotted path that is called: ``fn(``, ``a.b.get(``."""
    return (
        end < len(text)
        and text[end] == "("
        and (start == 0 or text[start - 1] not in "\"'")
        and _CALLED.fullmatch(text, start, end) is not None
    )
