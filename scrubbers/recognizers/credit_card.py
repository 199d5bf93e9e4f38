"""Payment card numbers (PANs), checked with the Luhn algorithm.

ISO/IEC 7812 card numbers have 13 to 19 digits, printed in groups of four with
spaces or dashes, and end in a Luhn check digit. A candidate must also start
with a major network's issuer prefix (Visa 4, Mastercard 51-55 and 2221-2720,
Amex 34/37, Diners 30/36/38, JCB 35, Discover 6011/644-649/65, UnionPay 62), so
16-digit trace ids and EAN barcodes are not taken for cards unless both checks
pass by chance. Relay checks no Luhn and users complain of ids eaten as cards
(getsentry/sentry#1518). Score 0.9.
"""

import regex

from scrubbers.recognizers._regex import RegexRecognizer

CARD = r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"
_ISSUER = regex.compile(r"4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|3[068]|35|6011|64[4-9]|65|62")


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    separators = {c for c in value if not c.isdigit()}
    return len(separators) <= 1 and bool(_ISSUER.match(digits)) and luhn_valid(digits)


_GROUP = regex.compile(r"\d+")


class PaymentCardRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("CREDIT_CARD", [CARD], score=0.9, min_digits=13)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Each run of digit groups that holds a card, trying its inner runs when the whole is not one.

        A card is often printed next to other numbers ("4111 1111 1111 1111 12/25", "qty 2 4111..."):
        the longest run of whole groups that passes the checks is the card.
        """
        found = []
        for start, end in super().spans(text):
            groups = [m.span() for m in _GROUP.finditer(text, start, end)]
            best = None
            for i in range(len(groups)):
                for j in range(len(groups), i, -1):
                    first, last = groups[i][0], groups[j - 1][1]
                    if (best is None or last - first > best[1] - best[0]) and _is_card(text[first:last]):
                        best = (first, last)
            if best is not None:
                found.append(best)
        return found
