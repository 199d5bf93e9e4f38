"""UK National Insurance numbers (NINO).

HMRC's format: two prefix letters, six digits, a suffix letter A-D, often
written in pairs ("QQ 12 34 56 C") and in any case. The first letter is never
D, F, I, Q, U or V, the second never D, F, I, O, Q, U or V, and the prefixes
BG, GB, KN, NK, NT, TN and ZZ are not allocated (HMRC National Insurance
Manual NIM39110). That shape is specific enough to need no context word:
score 0.75.
"""

from scrubbers.recognizers._regex import RegexRecognizer

UK_NINO = (
    r"(?i)(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?:\s?\d{2}){3}\s?[A-D](?![A-Za-z0-9])"
)


class NationalInsuranceNumberRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("NATIONAL_ID", [UK_NINO], score=0.75, min_digits=6)
