"""Kenyan mobile and landline-mobile numbers.

Kenyan mobile numbers are nine digits after the country code 254, starting with
7 (Safaricom, Airtel, Telkom 07xx) or 1 (the newer 01xx ranges). Apps write them
as +254 7xx xxx xxx, 254 7xx..., 07xx xxx xxx or 01xx xxx xxx, with spaces,
dashes, dots or brackets around the operator prefix. Presidio's PhoneRecognizer
leaves Kenya out of its default regions and is its slowest recognizer, so this
one is a regex: the fixed prefixes keep false positives rare (score 0.8).
"""

from scrubbers.recognizers._regex import RegexRecognizer

_SEP = r"[ .\-]?"
_REST = _SEP + r"\d{3}" + _SEP + r"\d{3}(?!\d)"
KE_PHONE = (
    r"(?<![\w+.])(?:"
    r"(?:\+|00)?254" + _SEP + r"0?[17]\d{2}"  # +254 712 / 254712 / +254-0712
    r"|\((?:\+|00)?254\)" + _SEP + r"0?[17]\d{2}"  # (+254) 712
    r"|\(0[17]\d{2}\)"  # (0712)
    r"|0[17]\d{2}"  # 0712 / 0110
    r")" + _REST
)


class KenyaPhoneRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("PHONE", [KE_PHONE], score=0.8)
