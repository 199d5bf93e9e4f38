"""Indian Aadhaar numbers.

UIDAI issues twelve-digit numbers whose first digit is 2-9 and whose last digit
is a Verhoeff check digit; they are written as ``1234 5678 9012``, with dashes,
or run together. The checksum rejects nine in ten random twelve-digit numbers.
Grouped forms are specific enough with it; a run-together number could be any
twelve-digit counter (a Kafka offset), so it also needs "Aadhaar", "Aadhar",
"UID" or "UIDAI" within the 40 characters before it. Score 0.7; Presidio's
``InAadhaarRecognizer`` uses the same checksum.
"""

from scrubbers.recognizers._regex import RegexRecognizer

IN_AADHAAR_GROUPED = r"(?<![\w+.-])[2-9]\d{3}([ -])\d{4}\1\d{4}(?![\w-])"
IN_AADHAAR_PLAIN = r"(?i:aadhaa?r|\buidai?\b)[^\n]{0,40}?(?<![\w+.-])(?P<value>[2-9]\d{11})(?![\w-])"

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip


def verhoeff_valid(number: str) -> bool:
    """True if the digits of ``number`` end in a valid Verhoeff check digit."""
    check = 0
    for i, ch in enumerate(reversed([c for c in number if c.isdigit()])):
        check = _D[check][_P[i % 8][int(ch)]]
    return check == 0


class AadhaarRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("AADHAAR", [IN_AADHAAR_GROUPED, IN_AADHAAR_PLAIN], score=0.7, validate=verhoeff_valid, min_digits=12)
