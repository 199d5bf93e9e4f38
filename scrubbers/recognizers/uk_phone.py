"""UK telephone numbers.

Ofcom's plan: a national number of nine or ten digits after the trunk prefix 0
or the country code +44; mobiles start 07, geographic numbers 01 and 02, and
non-geographic 03. Apps write +44 7700 900123, +44 (0)7700 900123, 07700 900123,
+447700900123 or with dashes. The leading 0 or +44 and the exact length make a
match specific: score 0.7.
"""

from scrubbers.recognizers._regex import RegexRecognizer

UK_PHONE = (
    r"(?<![\w+/.-])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|0)[1237](?:[\s-]?\d){8,9}(?!\w)"
)


class UkPhoneRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("PHONE", [UK_PHONE], score=0.7, min_digits=9)
