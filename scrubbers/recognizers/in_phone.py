"""Indian mobile numbers.

Indian mobile numbers have ten digits starting with 6, 7, 8 or 9 (TRAI's
numbering plan), written as +91 98765 43210, +91-98765-43210, 919876543210,
098765 43210 or bare. Presidio's PhoneRecognizer would find them but is its
slowest recognizer (presidio#1094). The fixed leading digit and exact length
keep bare matches rare among log numbers (epoch seconds start with 1, ports and
sizes are shorter): score 0.7.
"""

from scrubbers.recognizers._regex import RegexRecognizer

IN_PHONE = r"(?<![\w+/.-])(?:(?:\+|00)91[\s-]?|91|0)?[6-9]\d{4}[\s-]?\d{5}(?!\w)"


class IndiaPhoneRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("PHONE", [IN_PHONE], score=0.7, min_digits=10)
