"""Credentials after an HTTP authorization scheme: ``Bearer <token>``, ``Basic <b64>``, and any other.

RFC 6750 and RFC 7617 put the credential right after the scheme word, and
error messages often echo the ``Authorization`` header. Only the credential is
redacted; the scheme stays so the reader knows what was there. A credential
must have at least 8 token characters, so "Basic realm" is left alone. After an
``Authorization:`` header name every scheme counts (``Token``, ``Digest``,
``AWS4-HMAC-SHA256``, ``Splunk``, ``ApiKey``, RFC 7235's generic form), and
the whole rest of the header value goes, since parameters such as
``Credential=`` and ``Signature=`` are secrets too. Score 0.9.
"""

from scrubbers.recognizers._regex import RegexRecognizer

BEARER = r"(?i)\b(?:bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/-]{8,4000}=*)"
AUTHORIZATION_HEADER = (
    r"(?i)\b(?:proxy-)?authorization[\"']?\s{0,3}[:=]\s{0,3}[\"']?[A-Za-z][\w-]{1,30}\s+(?P<value>[^\s\"'\n][^\"'\n]{7,4000}?)(?=[\"']|\s*$|\n|\s{2})"
)


class BearerTokenRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [BEARER, AUTHORIZATION_HEADER], score=0.9, precheck=r"(?i)bearer|basic|authorization")
