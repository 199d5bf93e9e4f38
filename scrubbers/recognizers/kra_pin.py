"""Kenya Revenue Authority Personal Identification Number (KRA PIN).

Format (KRA iTax): eleven characters, a letter, nine digits, a letter. The first
letter is ``A`` for individuals and ``P`` for non-individuals (companies,
partnerships); the last letter is a check character. Apps type PINs in any case,
so matching ignores case. The shape is specific enough (a fixed letter at each
end around exactly nine digits) that no context word is needed: score 0.9.
"""

import regex

from scrubbers.recognizers._regex import RegexRecognizer

KRA_PIN = regex.compile(r"(?<![A-Za-z0-9])[AP]\d{9}[A-Z](?![A-Za-z0-9])", regex.IGNORECASE)


class KraPinRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("KRA_PIN", [KRA_PIN], score=0.9, precheck=r"\d{9}")
