"""The id segment of an HTTP route: ``/users/wanjiru.kamau/orders`` keeps ``/users/`` and ``/orders``.

Request dumps and error texts carry paths whose segments name a person or an
account (``/u/peter``, ``/customers/0712345678``, ``/api/members/amina@x.co``).
A route is kept, since it says which endpoint failed, but the segment after a
word for people or accounts (users, customers, members, profiles, employees,
accounts, patients, clients, ``u``, ``@``) is an identifier whatever it looks
like (inside a URL, after an HTTP method or under ``/api``; file paths, ``file://`` URLs included, are
the user-path rule's), unless it is a template (``{id}``, ``:id``), names the caller
(``me``, ``self``, ``current``) or an action (``register``, ``login``, ``confirm-email``). Numbers and UUIDs elsewhere in a path are the
other rules' (bare long numbers are ids anyway). Score 0.6.
"""

import regex

from scrubbers.recognizers._regex import RegexRecognizer

_PEOPLE = (
    r"users?|u|customers?|clients?|members?|profiles?|people|persons?|employees?|staff|accounts?|patients?|"
    r"cashiers?|suppliers?|contacts?|owners?|agents?|drivers?|@"
)
# What follows /users/ or /accounts/ that names an action or the caller, not someone.
_NOT_IDS = (
    r"me|self|current|new|search|list|all|count|register|registration|signup|sign-up|signin|sign-in|login|logout|"
    r"password|password-reset|reset|confirm|confirm-email|verify|verification|activate|settings|profile|edit|"
    r"create|update|delete|add|remove|export|import|invite|details|history|index|auth|token|session|sessions"
)
ROUTE_ID = (
    r"(?i)(?<=/(?:" + _PEOPLE + r")/)(?P<value>(?!(?:" + _NOT_IDS + r"|\{[^}/]*\}|:\w+)(?:[/?#\s\"']|$))"
    r"[^/?#\s\"'<>()\[\]{}]{1,200})"
)


# A route, not a file path: inside a URL (a file:// URL is a file path), after an HTTP method, or under /api.
_IN_ROUTE = regex.compile(r"(?:(?<!\w)(?![Ff][Ii][Ll][Ee]:)\w+://\S*|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\S*|(?<!\S)/api/\S*)$")


def in_http_route(text: str, start: int) -> bool:
    """``text[start:]`` is inside an HTTP route (a URL, a request line, an /api path), not a file path."""
    return _IN_ROUTE.search(text[max(0, start - 300) : start]) is not None


class RouteIdRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("ID", [ROUTE_ID], score=0.6, precheck=r"/")

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [
            (start, end)
            for start, end in super().spans(text)
            if in_http_route(text, start)
        ]
