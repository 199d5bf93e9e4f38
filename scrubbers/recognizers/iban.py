"""International Bank Account Numbers (ISO 13616).

An IBAN is a country code, two check digits and a country-specific BBAN, written
run together or in groups of four. The length is fixed per country (SWIFT IBAN
registry) and the check digits satisfy mod-97 = 1 (ISO 7064), so a candidate is
trimmed to its country's length and checked; random look-alikes pass one time in
97 at most. Score 0.9.
"""

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer

_AFTER_IBAN_WORD = regex.compile(r"(?i)\biban\b\W{0,4}(?:\w+\W{1,3})?$")
IBAN = regex.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}")
_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
    "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def iban_valid(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


class IbanChecksumRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("IBAN_CODE", [IBAN], score=0.9)

    def spans(self, text):
        found = []
        for match in IBAN.finditer(text, timeout=self.budget.remaining()):
            length = _LENGTHS.get(match.group()[:2])
            if length is None:
                continue
            # Walk the match until the country's length of characters is covered.
            count, end = 0, match.start()
            for end in range(match.start(), match.end()):
                if text[end] != " ":
                    count += 1
                if count == length:
                    break
            if count != length or (end + 1 < len(text) and text[end + 1].isalnum()):
                continue
            compact = text[match.start() : end + 1].replace(" ", "")
            # Right after the word IBAN a mistyped one (often why the error happened) is still someone's account.
            if iban_valid(compact) or _AFTER_IBAN_WORD.search(text[max(0, match.start() - 16) : match.start()]):
                found.append((match.start(), end + 1))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult("IBAN_CODE", s, e, self._score) for s, e in self.spans(text)]
