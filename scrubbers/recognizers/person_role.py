"""Person names announced by a role word: "customer Wanjiru Kamau", "cashier: Otieno".

NER misses many Kenyan and Indian names, but apps nearly always put a role word
in front of the name they log. After a role noun (customer, patient, cashier,
employee, ...) one to three capitalised words are a name; after the weaker
prepositions "for" and "by" two capitalised words are needed, so "for Sales" or
"by Default" keep their words.
"""

import re

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_filters import looks_like_code

_ROLE = (
    r"customer|client|patient|cashier|employee|staff|member|user|driver|agent|"
    r"attendant|pharmacist|doctor|dr|mr|mrs|ms|miss|name|payee|payer|beneficiary|sender|recipient"
)
_WORD = r"[A-Z][a-z'’-]+"
PERSON_AFTER_ROLE = re.compile(
    r"(?i:\b(?:" + _ROLE + r"))\b\.?(?:\s*(?:name|names))?[\s:=\"'’]{1,3}"
    r"(?P<value>" + _WORD + r"(?:\s+" + _WORD + r"){0,2})"
)
PERSON_AFTER_PREPOSITION = re.compile(
    r"\b(?:for|by|to|from)\s+[\"']?(?P<value>" + _WORD + r"(?:\s+" + _WORD + r"){1,2})"
)


class PersonRoleRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__(
            "PERSON",
            [PERSON_AFTER_ROLE, PERSON_AFTER_PREPOSITION],
            score=0.7,
            validate=lambda value: not looks_like_code(value),
        )
