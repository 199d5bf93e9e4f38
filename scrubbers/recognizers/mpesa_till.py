"""M-Pesa till (Buy Goods), paybill and account numbers, found by their context.

Till and paybill numbers are 5 to 7 digits; the account number a customer types
for a paybill is free-form (meter numbers, invoice refs, phone numbers). Bare
5-7 digit numbers are everywhere in logs (order ids, ports, line numbers), so a
number is reported only right after one of the words people use for it: till,
paybill, buy goods, business no, account/acc/a/c, M-Pesa. An account value must
hold a digit, so that "account locked" keeps its words.
"""

import regex

from scrubbers.recognizers._regex import RegexRecognizer

_CONTEXT = (
    r"(?:till|paybill|pay\s?bill|buy\s?goods|business|short\s?code|shortcode|"
    r"acc(?:ount)?|a/c|m-?pesa)"
)
MPESA_TILL = regex.compile(
    r"(?i)\b" + _CONTEXT + r"(?:[\s_]*(?:no|num|number|ref|reference|id|#))?\.?"
    r"[\s:#=\"'_-]{0,3}(?P<value>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{3,19})(?![A-Za-z0-9])"
)


class MpesaTillRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("MPESA_TILL", [MPESA_TILL], score=0.75)
