"""Kenyan national identity card numbers, found by their context.

The ID card (and the Maisha/Huduma number that replaces it) carries a serial of
7 or 8 digits with no check digit. Bare 7-8 digit numbers are everywhere in logs
(order ids, sizes, offsets), so a number is reported only right after the words
people write for it: "ID", "ID No", "national ID", "id_number", "identity card",
"Huduma No". The lower-case bare word "id" is not enough ("order id 1234567").
Base score 0.7: with the context word in the pattern, a match is rarely wrong.
"""

from scrubbers.recognizers._regex import RegexRecognizer

_CONTEXT = (
    r"(?:(?i:national[\s_-]?id|identity[\s_-]?(?:card|no|number)|huduma[\s_-]?(?:no|number)|"
    r"id[\s_-]?(?:no|number|num))(?i:[\s_-]?(?:no|number))?|\bID)"
)
KE_NATIONAL_ID = (
    r"(?<![A-Za-z0-9])" + _CONTEXT + r"\.?[\"']?[\s:=#\"'(]{0,4}(?P<value>\d{7,8})(?!\d)"
)


class KenyaNationalIdRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("NATIONAL_ID", [KE_NATIONAL_ID], score=0.7, min_digits=7)
