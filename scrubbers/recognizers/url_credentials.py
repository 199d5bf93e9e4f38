"""Passwords embedded in URLs and DSNs: ``scheme://user:password@host``.

RFC 3986 allows ``userinfo`` before the host and database drivers accept
``postgres://app:s3cret@db:5432/x``; the part between the first ``:`` after the
user name and the ``@`` is the password. The host stays readable for debugging.
The user name goes too (``<USER_VALUE>``), since a login is often named after its
owner, unless it is a system account (``root``, ``postgres``, ``sa``, ``admin`` ...:
``person_filters.NOT_NAMES``). A URL whose ``@`` was lost
(``postgresql://postgres:a#Pw9xpostgres:5432/db``) still gives its password away:
the part between two colons that cannot be a host name goes. The ``://`` and ``@``
around it make a match certain: 0.95.
"""

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_filters import NOT_NAMES

# Up to the last "@" before the host, as urllib.parse reads it: "app:P@ssw0rd@db" has the password "P@ssw0rd".
URL_PASSWORD = r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@?#]{0,100}:(?P<value>[^\s/?#]{1,200})@(?=[^\s@/?#]*(?:[/?#\s]|$))"


# A driver quoting the DSN it could not parse, scheme lost: 'app:s3cret@localhost/shop'.
DSN_WITHOUT_SCHEME = (
    r"(?<=[\s'\"(=])[A-Za-z0-9_.-]{1,64}:(?P<value>[^\s@/:'\"]{1,200})@(?=[A-Za-z0-9.-]+(?::\d{1,5})?/)"
)

# The "@" lost (a template that dropped it): "postgresql://postgres:a#Pw9xpostgres:5432/db". Between two
# colons of an authority with no "@" stand the password and the host run together; a host name holds only
# letters, digits, dots and hyphens, so a character outside those says it is not a host.
URL_PASSWORD_WITHOUT_AT = (
    r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@?#]{1,100}:(?P<value>(?=[^\s/?@:]*[^\w.\s/?@:-])[^\s/?@:]{1,200})"
    r":\d{1,5}(?=[/\s\"']|$)"
)

# The account right before a password found above: "://atieno:" or, scheme lost, "'atieno:".
_USER_BEFORE = regex.compile(r"(?:://|[\s'\"(=])(?P<value>[A-Za-z0-9_.-]{1,64}):$")


class UrlCredentialsRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__(
            "SECRET", [URL_PASSWORD, DSN_WITHOUT_SCHEME, URL_PASSWORD_WITHOUT_AT], score=0.95, precheck="@|://"
        )
        self.supported_entities = ["SECRET", "USER_VALUE"]

    def entity_spans(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        for start, end in self.spans(text):
            found.append((start, end, "SECRET"))
            user = _USER_BEFORE.search(text, max(0, start - 70), start)
            if user is not None and user.group("value").casefold() not in NOT_NAMES:
                found.append((*user.span("value"), "USER_VALUE"))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult(e, s, t, self._score) for s, t, e in self.entity_spans(text)]
