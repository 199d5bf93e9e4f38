"""Bank account numbers, found by their context.

Kenyan, Indian and UK banks issue account numbers of 10 to 18 digits (UK sort
code + account numbers are shorter and are written with their sort code). Bare
long numbers are common in logs (offsets, epochs), so a number is reported only
after "bank account", "account no/number", "acct", "a/c" or a key such as
``account_number``/``bank_account``. Score 0.8 with the context in the pattern.
"""

from scrubbers.recognizers._regex import RegexRecognizer

_CONTEXT = (
    r"(?i:bank[\s_-]?account(?:[\s_-]?(?:no|number|num))?|account[\s_-]?(?:no|number|num)|accountno|"
    r"acct(?:[\s_-]?(?:no|number))?|a/c(?:[\s_-]?no)?|beneficiary[\s_-]?account)"
)
BANK_ACCOUNT = (
    r"(?<![A-Za-z0-9])" + _CONTEXT + r"\.?[\"']?[\s:=#\"'(]{0,4}(?P<value>\d(?:[ -]?\d){9,17})(?![\d])"
)


class BankAccountRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("BANK_ACCOUNT", [BANK_ACCOUNT], score=0.8, min_digits=10)
