"""The id segment of an HTTP route: ``/users/wanjiru.kamau/orders`` keeps ``/users/`` and ``/orders``.

Request dumps and error texts carry paths whose segments name a person or an
account (``/u/peter``, ``/customers/0712345678``, ``/api/members/amina@x.co``).
A route is kept, since it says which endpoint failed, but the segment after a
word for people or accounts (users, customers, members, profiles, employees,
accounts, patients, clients, ``u``, ``@``) is an identifier whatever it looks
like (inside a URL, after an HTTP method or under ``/api``; file paths, ``file://`` URLs included, are
the user-path rule's), unless it is a template (``{id}``, ``:id``), names the caller
(``me``, ``self``, ``current``) or an action (``register``, ``login``, ``confirm-email``). A segment that
reads as a random key (``/data/7aQ2wMbv/``: both cases, digits in two places, changing class five times or more) is
an identifier wherever it stands. Numbers and UUIDs elsewhere in a path are the other rules' (bare long
numbers are ids anyway). Score 0.6.
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


# A segment that reads as a random key whatever comes before it ("PUT /data/7aQ2wMbv/x"): letters of both
# cases and digits, changing class at least this often ("Int32Array" changes four times, "7aQ2wMbv" six).
RANDOM_SEGMENT = r"(?<=/)(?P<value>[A-Za-z0-9]{8,40})(?=[/?#\s\"']|$)"
_CLASS_CHANGES = 5
_DIGIT_RUN = regex.compile(r"\d+")
# What in_http_route looks for, found once per text rather than once per segment.
_ROUTE_MARKER = regex.compile(r"://|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s|/api/")


def _class_changes(token: str) -> int:
    kinds = ["d" if c.isdigit() else "u" if c.isupper() else "l" for c in token]
    return sum(a != b for a, b in zip(kinds, kinds[1:]))


# A route, not a file path: inside a URL (a file:// URL is a file path), after an HTTP method, or under /api.
_IN_ROUTE = regex.compile(r"(?:(?<!\w)(?![Ff][Ii][Ll][Ee]:)\w+://\S*|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\S*|(?<!\S)/api/\S*)$")


def in_http_route(text: str, start: int) -> bool:
    """``text[start:]`` is inside an HTTP route (a URL, a request line, an /api path), not a file path."""
    return _IN_ROUTE.search(text[max(0, start - 300) : start]) is not None


class RouteIdRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("ID", [ROUTE_ID], score=0.6, precheck=r"/")
        self._random_segment = regex.compile(RANDOM_SEGMENT)

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = [(start, end) for start, end in super().spans(text) if in_http_route(text, start)]
        if not _ROUTE_MARKER.search(text):
            return found  # no URL, request line or /api path: no route to hold a random key
        for match in self._random_segment.finditer(text, timeout=self.budget.remaining()):
            token = match.group("value")
            # Both cases (hex and numbers are the other rules'), and digits in two places or more
            # (a CamelCase name changes case as often: "getCinemaInfoByID").
            mixed = not token.islower() and not token.isupper() and len(_DIGIT_RUN.findall(token)) >= 2
            if mixed and _class_changes(token) >= _CLASS_CHANGES and in_http_route(text, match.start()):
                found.append(match.span("value"))
        return found
