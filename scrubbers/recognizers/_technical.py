"""Values that are code, not something a person typed: shared by the rules that take quoted and keyed values.

An error often quotes or keys its own technical parts: ``name: 'PrismaClientKnownRequestError'``,
``code: 'P2002'``, ``clientVersion: '2.17.0'``, ``message = System.Data.SQLite.SQLiteException``,
``"GET /register HTTP/1.1"`` in an access log. These identify nobody, and losing them loses the error.
A value is technical only as a whole: one identifier-shaped token (CamelCase with at least two humps, a
dotted type path, an upper-case code with digits or underscores, a version), optionally called (``()``)
or followed by ``: `` or `` (`` and the rest of an error message (``JWSError (JSONDecodeError "...")``,
whose words the other rules still judge), an HTTP request line, or an HTTP status line (``"HTTP/1.1 200 OK"``
in an access or client log: a protocol version, a status code and its standard reason phrase). A quoted
name ("Wanjiru"), a word ("Pending") or a sentence is not.
"""

import regex

_CAMEL = r"(?:\p{Lu}\p{Ll}+){2,}\w*|\p{Ll}+(?:\p{Lu}\p{Ll}+)+|\p{Lu}{2,}\p{Ll}{2,}\w*"  # JWSError, SQLiteException
_DOTTED_TYPE = r"(?:[A-Za-z_]\w*\.)+\p{Lu}\w*"
_CODE = r"(?=[A-Z0-9_]*[0-9_])[A-Z][A-Z0-9_]{2,}(?:\[\w+\])?"
_VERSION = r"v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.]{1,20})?"
TECHNICAL_TOKEN = regex.compile(r"(?:" + "|".join((_DOTTED_TYPE, _CAMEL, _CODE, _VERSION)) + r")(?:\(\))?")
# The error-message shape: a technical token, a colon, then the message (whose words the other rules judge).
_LEADS_A_MESSAGE = regex.compile(r"(?:" + _DOTTED_TYPE + "|" + _CAMEL + "|" + _CODE + r")(?::\s|\s\()")
_HTTP_REQUEST_LINE = regex.compile(r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S{1,300} HTTP/\d(?:\.\d)?")
# The reason phrase is one to four capitalised words (RFC 9110's "Not Found", "Unprocessable Content").
_HTTP_STATUS_LINE = regex.compile(r"HTTP/\d(?:\.\d)? [1-5]\d\d(?: [A-Z][A-Za-z-]*(?: [A-Z][A-Za-z-]*){0,3})?")


def is_technical_value(value: str) -> bool:
    """True when ``value`` as a whole is code: one technical token, an error message led by one, a request line."""
    value = value.strip()
    return (
        TECHNICAL_TOKEN.fullmatch(value) is not None
        or _LEADS_A_MESSAGE.match(value) is not None
        or _HTTP_REQUEST_LINE.fullmatch(value) is not None
        or _HTTP_STATUS_LINE.fullmatch(value) is not None
    )
