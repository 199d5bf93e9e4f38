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


# A separator, and read leftwards from it, the key characters before it (past a closing quote and spaces).
# ``(?i)`` as in the pattern above, so that the characters a case-insensitive key matches are the same.
_SEPARATOR_CHAR = regex.compile(r"[:=]")
_TOKEN_BEFORE = regex.compile(r"(?ri)(?P<token>[A-Za-z0-9_.-]++)[\"']?\s{0,3}")
_MAX_TOKEN = 200


class KeyGate:
    """Whether ``key_value_pattern(keys, ...)`` can match a text at all, far cheaper than searching for it.

    A search for the keys themselves tries the whole alternation at every character; this goes to each
    ``:`` or ``=``, reads the token before it, and asks whether that token, or a part after one of its
    ``_ . -``, is a key. Every match of the full pattern has such a token, so a text it turns away has
    none. (A token longer than ``_MAX_TOKEN`` is read from its cut: more parts to ask, never fewer.)
    """

    def __init__(self, keys: str):
        self._key = regex.compile(r"(?i)(?:" + keys + r")")

    def search(self, text: str, timeout: float | None = None) -> bool:
        """Truthy when ``text`` may hold a pair, like a precheck pattern's ``search`` (``RegexRecognizer``)."""
        fullmatch = self._key.fullmatch
        for separator in _SEPARATOR_CHAR.finditer(text, timeout=timeout):
            at = separator.start()
            before = _TOKEN_BEFORE.match(text, max(0, at - _MAX_TOKEN), at, timeout=timeout)
            if before is None:
                continue
            token = before.group("token")
            if fullmatch(token):
                return True
            if ("_" in token or "." in token or "-" in token) and any(
                c in "_.-" and fullmatch(token, i + 1) for i, c in enumerate(token)
            ):
                return True
        return False


_CALLED = regex.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


def is_call(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a bare (unquoted) identifier or dotted path that is called: ``fn(``, ``a.b.get(``."""
    return (
        end < len(text)
        and text[end] == "("
        and (start == 0 or text[start - 1] not in "\"'")
        and _CALLED.fullmatch(text, start, end) is not None
    )
