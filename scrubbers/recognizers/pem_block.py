"""PEM-encoded keys and certificates (RFC 7468).

A block starts with ``-----BEGIN <LABEL>-----`` and ends with the matching
``-----END <LABEL>-----``; the whole block is redacted. A block cut short by a
log truncation has no END line: everything base64-shaped after the BEGIN line is
redacted too, so a partial key never survives. A key inside JSON has its line breaks escaped
(``"private_key": "-----BEGIN ...\\nMIIB..."``): ``\\n`` is a line break there. Score 0.95.
"""

from scrubbers.recognizers._regex import RegexRecognizer

PEM = (
    r"-----BEGIN [A-Z0-9 ]{1,40}-----"
    r"(?:(?:[A-Za-z0-9+/=\s:,-]|\\[nr]){0,20000}?-----END [A-Z0-9 ]{1,40}-----|(?:[A-Za-z0-9+/=\s]|\\[nr]){0,20000})"
)


class PemBlockRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [PEM], score=0.95, precheck="-----BEGIN ")
