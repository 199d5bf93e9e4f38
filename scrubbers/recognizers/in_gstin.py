"""Indian GST identification numbers (GSTIN), such as ``27ABCPK1234F1Z5``.

Fifteen characters (GSTN's format): a two-digit state code (01-38, 97 and 99
for special cases), the holder's PAN, an entity number (1-9 or a letter), the
letter Z, and a check character. The check character is the GSTN mod-36
checksum, which is verified, so a fifteen-character id of the same shape that
fails it is left to the other rules. A GSTIN holds a PAN, and a sole trader's
PAN identifies a person. Score 0.85.
"""

from scrubbers.recognizers._regex import RegexRecognizer

IN_GSTIN = r"(?<![A-Za-z0-9_-])[0-3][0-9][A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z](?![A-Za-z0-9_-])"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gstin_valid(value: str) -> bool:
    total = 0
    for i, ch in enumerate(value[:14]):
        product = _ALPHABET.index(ch) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return _ALPHABET[(36 - total % 36) % 36] == value[14]


class GstinRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("GSTIN", [IN_GSTIN], score=0.85, validate=gstin_valid, precheck=r"Z[0-9A-Z]")
