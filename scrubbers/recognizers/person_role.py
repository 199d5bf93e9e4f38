"""Person names announced by a role word: "customer Wanjiru Kamau", "cashier: Otieno".

NER misses many Kenyan and Indian names, but apps nearly always put a role word
in front of the name they log. After a role noun (customer, patient, cashier,
employee, supplier, cardholder, ...) one to three capitalised words are a name,
also inside quotes ("customer 'Priya Sharma'"); after the weaker prepositions
"for", "by", "to" and "from" two capitalised words are needed, so "for Sales"
or "by Default" keep their words. Lower-case and upper-case names after a role
word are found by the gazetteer rule (``person_gazetteer.py``), which knows
which words are names. Score 0.7.
"""

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_filters import looks_like_code

ROLE_WORDS = (
    "customer|client|patient|cashier|employee|staff|member|user|driver|agent|attendant|pharmacist|"
    "doctor|dr|mr|mrs|ms|miss|name|payee|payer|beneficiary|sender|recipient|supplier|cardholder|"
    "holder|drawer|requester|visitor|caller|approver|supervisor|worker|manager|buyer|seller|owner"
)
NAME_WORD = r"(?:[A-Z]['’])?(?:Ma?c)?[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*"
_INITIAL = r"[A-Z]\."
PERSON_AFTER_ROLE = (
    r"(?i:\b(?:" + ROLE_WORDS + r"))\b\.?(?:\s*(?i:name|names))?[\s:=\"'’]{1,3}"
    r"(?P<value>" + NAME_WORD + r"(?:\s+(?:" + NAME_WORD + r"|" + _INITIAL + r")){0,2})(?![A-Za-z])"
)
PERSON_AFTER_PREPOSITION = (
    r"\b(?:for|by|to|from)\s+[\"']?(?P<value>" + NAME_WORD + r"(?:\s+(?:" + _INITIAL + r"\s+)?" + NAME_WORD + r"){1,2})(?![A-Za-z])"
)


class PersonRoleRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__(
            "PERSON",
            [PERSON_AFTER_ROLE, PERSON_AFTER_PREPOSITION],
            score=0.7,
            validate=lambda value: not looks_like_code(value),
        )
