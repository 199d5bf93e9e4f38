"""JSON Web Tokens.

A JWT (RFC 7519) is three base64url parts joined by dots; the first two are
JSON objects, so both start with ``eyJ`` (the encoding of ``{"``). The token
is a bearer credential and its payload often holds a user id or e-mail, so the
whole token is redacted. The double ``eyJ`` makes a match near certain: 0.95.
"""

from scrubbers.recognizers._regex import RegexRecognizer

JWT = r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,4000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{0,2000}(?![A-Za-z0-9_-])"


class JwtRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [JWT], score=0.95, precheck="eyJ")
