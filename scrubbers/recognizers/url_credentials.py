"""Passwords embedded in URLs and DSNs: ``scheme://user:password@host``.

RFC 3986 allows ``userinfo`` before the host and database drivers accept
``postgres://app:s3cret@db:5432/x``; the part between the first ``:`` after the
user name and the ``@`` is the password. The host and user name stay readable
for debugging. The ``://`` and ``@`` around it make a match certain: 0.95.
"""

from scrubbers.recognizers._regex import RegexRecognizer

# Up to the last "@" before the host, as urllib.parse reads it: "app:P@ssw0rd@db" has the password "P@ssw0rd".
URL_PASSWORD = r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@?#]{0,100}:(?P<value>[^\s/?#]{1,200})@(?=[^\s@/?#]*(?:[/?#\s]|$))"


# A driver quoting the DSN it could not parse, scheme lost: 'app:s3cret@localhost/shop'.
DSN_WITHOUT_SCHEME = (
    r"(?<=[\s'\"(=])[A-Za-z0-9_.-]{1,64}:(?P<value>[^\s@/:'\"]{1,200})@(?=[A-Za-z0-9.-]+(?::\d{1,5})?/)"
)


class UrlCredentialsRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [URL_PASSWORD, DSN_WITHOUT_SCHEME], score=0.95, precheck="@")
