"""M-Pesa transaction (receipt) codes, such as ``QGH7X8Y9Z0``.

Safaricom prints a ten-character code on every M-Pesa confirmation SMS and
returns it as ``TransID``/``MpesaReceiptNumber`` in Daraja callbacks: upper-case
letters and digits, starting with a letter (the first letter advances with the
year, e.g. Q in 2022, S in 2024). The code identifies one person's payment.

No context word is required: codes appear bare ("Duplicate receipt SGH2K3L4M5",
"Payment SGH... from ..."). What keeps false positives rare is the exact shape:
exactly ten characters, not part of a longer token, at least one digit and at
least three letters, so letters-only error codes (``ECONNRESET``,
``ERRTIMEOUT``), hex constants (``0x80070005``) and longer ids are left alone.
Base score 0.6: the shape is specific but carries no checksum. After a receipt
word (M-Pesa receipt, TransID, MpesaReceiptNumber, "Confirmed." SMS, ref) a code
made mostly of digits counts too (``S1234567K8``), since the word says what it is.
"""

import regex

from scrubbers.recognizers._regex import RegexRecognizer

MPESA_CODE = r"(?<![A-Za-z0-9_-])(?=[A-Z0-9]{10}(?![A-Za-z0-9_-]))[A-Z][A-Z0-9]{9}"


def _mixed(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return digits >= 1 and len(value) - digits >= 3


MPESA_CODE_AFTER_WORD = (
    r"(?i:m-?pesa(?:\s+(?:receipt|code|ref|transaction))?|receipt(?:\s+no\.?)?|trans_?id|mpesa_?receipt_?number|ref(?:erence)?)"
    r"\W{1,4}(?P<value>(?=[A-Z0-9]{10}(?![A-Za-z0-9_-]))[A-Z][A-Z0-9]{9})"
)


def _letter_and_digit(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


class MpesaCodeRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("MPESA_CODE", [MPESA_CODE], score=0.6, validate=_mixed)
        self._after_word = regex.compile(MPESA_CODE_AFTER_WORD)

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = super().spans(text)
        for match in self._after_word.finditer(text, timeout=self.budget.remaining()):
            if _letter_and_digit(match.group("value")):
                found.append(match.span("value"))
        return found
