"""Money: sale amounts, balances and prices, which the policies say never reach the store.

Written the ways these apps write them: a currency before or after the number
(``KES 1,250.00``, ``Ksh 500``, ``KShs.200``, ``500/=``, ``₹ 1,25,000``,
``Rs. 499``, ``INR 2500``, ``£12.99``, ``GBP 40``, ``$5``, ``US$ 20``,
``€30``, ``20 EUR``), with thousands separators (Western and Indian grouping)
and optional decimals; and any number under an amount-like key (``amount``,
``total``, ``price``, ``balance``, ``Amount``, ``TransAmount``...), as Daraja
callbacks and POS logs carry them. Only the number is replaced; the currency
stays, since it says which market the error came from. Score 0.8.
"""

from scrubbers.recognizers._keyvalue import KeyGate, key_value_pattern
from scrubbers.recognizers._regex import AnyOf, RegexRecognizer

_CURRENCY_BEFORE = r"(?:KES|KSH|KShs?|Kshs?|Ksh|INR|Rs|GBP|USD|US\$|EUR|£|\$|€|₹)"
_CURRENCY_AFTER = r"(?:KES|KSH|KShs?|Kshs?|Ksh|INR|GBP|USD|EUR|/=|bob)"
_NUMBER = r"(?:\d{1,3}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?"
# Not ``$2.onResponse`` (a JVM inner class) or ``$2y$10$`` (a bcrypt hash): nothing code-like on either side.
AMOUNT_AFTER_CURRENCY = (
    r"(?<![\w$])" + _CURRENCY_BEFORE + r"\.?\s{0,2}(?P<value>" + _NUMBER + r")(?![\d,.]?\d|\.?[A-Za-z_$])"
)
AMOUNT_BEFORE_CURRENCY = r"(?<![\w.,])(?P<value>" + _NUMBER + r")\s{0,2}" + _CURRENCY_AFTER + r"(?![A-Za-z])"
AMOUNT_KEYS = (
    r"amount(?:_\w+)?|amt|total|subtotal|sub_?total|grand_?total|price|unit_?price|balance|cost|fee|fees|charge|"
    r"paid|amount_?paid|change|discount|tax|vat|trans_?amount|salary|gross|net_?pay|basic|wage"
)
AMOUNT_UNDER_KEY = key_value_pattern(AMOUNT_KEYS, r"-?" + _NUMBER + r"(?![\w.])")
# Daraja callbacks list their values as {"Name": "Amount", "Value": 1.00}.
AMOUNT_NAMED_ITEM = r"(?i)\"Name\"\s*:\s*\"(?:Amount|TransAmount|Balance)\"\s*,\s*\"Value\"\s*:\s*\"?(?P<value>-?" + _NUMBER + r")"


def _has_digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


class AmountRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__(
            "AMOUNT",
            [AMOUNT_AFTER_CURRENCY, AMOUNT_BEFORE_CURRENCY, AMOUNT_UNDER_KEY, AMOUNT_NAMED_ITEM],
            score=0.8,
            validate=_has_digit,
            # Every match has a currency (in its case), an amount key before a separator, or a Daraja
            # item's "Name": three cheap looks for those spare the four patterns.
            precheck=AnyOf(_CURRENCY_BEFORE + "|" + _CURRENCY_AFTER, KeyGate(AMOUNT_KEYS), r'(?i)"Name"'),
        )
