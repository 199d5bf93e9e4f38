"""Credentials after an HTTP authorization scheme: ``Bearer <token>``, ``Basic <b64>``.

RFC 6750 and RFC 7617 put the credential right after the scheme word, and
error messages often echo the ``Authorization`` header. Only the credential is
redacted; "Bearer" stays so the reader knows what was there. A credential must
have at least 8 token characters, so "Basic realm" is left alone. Score 0.9.
"""

from scrubbers.recognizers._regex import RegexRecognizer

BEARER = r"(?i)\b(?:bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/-]{8,4000}=*)"


class BearerTokenRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [BEARER], score=0.9, precheck=r"(?i)bearer|basic")
