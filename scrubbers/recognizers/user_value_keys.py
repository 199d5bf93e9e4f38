"""Values under keys that hold what a user typed, whatever the value looks like.

A product name, a delivery note or a chat message has no shape a recognizer
could know, but apps log it under telling keys: ``customer_name``, ``product``,
``phone``, ``email``, ``address``, ``note``, ``description``, ``message`` ...
(in JSON, dict reprs, ``key=value`` log fields, SQL ``SET col='v'`` and URL
query strings, ``+`` and ``%20`` read as spaces). The value under such a key is replaced even when no other
recognizer knows it; it is typed by its key (a ``phone`` value becomes
``<PHONE>``, a ``customer_name`` value ``<PERSON>``), and the generic keys give
``<USER_VALUE>``. Person keys include eTIMS's ``custNm`` and Daraja's
``FirstName``/``LastName``. A bare (unquoted) person value is one to four name
words; other bare values run to the next space or separator, and a bare number
under a generic key (``value=42``) is kept, and so is a call in source code
(``user = User.objects.get(...)``, ``_keyvalue.is_call``). Score 0.8: the key says what the
value is.
"""

import ipaddress

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._keyvalue import KeyGate, is_call, key_value_pattern
from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers._technical import is_technical_value
from scrubbers.recognizers.person_filters import NOT_NAMES, is_handle, looks_like_code

_PERSON_KEYS = (
    r"(?:customer|client|patient|employee|cashier|user|first|last|middle|full|display|contact|account|"
    r"holder|card_?holder|beneficiary|payee|payer|supplier|visitor|sender|recipient|driver|agent)[_-]?name|"
    r"name|names|customer|patient|employee|cashier|beneficiary|payee|payer|cardholder|custnm|cust_nm|"
    r"visitor_name|requester|contact|surname|given_?name|family_?name|fullname|display|agent|teller|approver|approvers|"
    r"assignee|assigned_?to|pending_?with|owner|clerk|pharmacist|dispatcher|courier|rider|supervisor|manager|"
    r"approved_?by|created_?by|requested_?by|updated_?by|submitted_?by|handled_?by|user|username|user_?name"
)
# "approvers=[Wanjiru Kamau, Grace Otieno]": a list of names under a person key.
_PERSON_LIST = r"\[[^\W\d_][\w'’ .-]{0,40}(?:,[ ]?[^\W\d_][\w'’ .-]{0,40}){0,9}\]"
_KEYS = {
    "PERSON": _PERSON_KEYS,
    "PHONE": r"phone|phone_?number|mobile|mobile_?number|msisdn|tel|telephone|whatsapp",
    "EMAIL": r"e-?mail|email_?address|mail",
    "NATIONAL_ID": r"national_?id|id_?number|id_?no|nin|nino|aadhaar|ssn",
    "KRA_PIN": r"kra_?pin|custtin|tin",
    "BANK_ACCOUNT": r"bank_?account|account_?number|account_?no",
    "MPESA_TILL": r"bill_?ref(?:_?number)?|account_?reference|till|paybill|business_?short_?code|short_?code|party_?[ab]",
    "MPESA_CODE": r"trans_?id|mpesa_?receipt(?:_?number)?|receipt_?number",
    "USER_VALUE": (
        r"product|product_?name|item|item_?name|description|desc|note|notes|comment|comments|remark|remarks|"
        r"message|body|text|address|delivery_?address|street|allergies|value|query|search|q|"
        r"transaction_?desc|occasion|narration|purpose|reference_?text"
    ),
}
# Keys that hold an error's own parts as often as input: there, a technical value is the error's.
_GENERIC_KEY = regex.compile(r"(?i)(?<![A-Za-z0-9])(?:message|body|text|value|query|search|q)[\"']?\s{0,3}(?:=>|[:=])\s{0,3}[\"']?$")
_NAME_WORD = r"[^\W\d_][\w'’.-]{0,40}"
_PERSON_BARE = (
    _PERSON_LIST + "|" + _NAME_WORD + r"(?:(?:\+|%20)" + _NAME_WORD + r"){1,3}|" + _NAME_WORD + r"(?:[ ](?![\w-]+[=:])" + _NAME_WORD + r"){0,3}"
)
_OTHER_BARE = r"[^\s&;,'\"(){}\[\]<>]{1,500}"
_NUMBER_OR_HEX = regex.compile(r"^(?:-?[\d.-]+|0x[0-9A-Fa-f]+)$")
_NULLS = frozenset({"null", "none", "nil", "true", "false", "undefined", ""})


class UserValueKeyRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("USER_VALUE", [], score=0.8)
        self.supported_entities = list(_KEYS)
        self._by_entity = [
            (entity, regex.compile(key_value_pattern(keys, _PERSON_BARE if entity == "PERSON" else _OTHER_BARE)))
            for entity, keys in _KEYS.items()
        ]
        # Every match has one of the keys right before its separator: one cheap look for
        # that spares the nine full patterns on the many messages without one.
        self._gate = KeyGate("|".join(_KEYS.values()))

    def entity_spans(self, text: str) -> list[tuple[int, int, str]]:
        if not self._gate.search(text, timeout=self.budget.remaining()):
            return []
        found = []
        for entity, pattern in self._by_entity:
            for match in pattern.finditer(text, timeout=self.budget.remaining()):
                start, end = match.span("value")
                value = text[start:end]
                if value.strip().casefold() in _NULLS or is_call(text, start, end):
                    continue  # "user = User.objects.get(": code assigning a call, not a logged value
                if entity == "PERSON":
                    words = value.strip("[]").replace("%20", " ").replace("+", " ").replace(", ", " ")
                    if words.casefold() in NOT_NAMES or (looks_like_code(words) and not is_handle(words)):
                        continue
                if entity == "USER_VALUE" and _NUMBER_OR_HEX.match(value) and text[start - 1] not in "\"'":
                    continue
                if entity == "USER_VALUE" and _is_ip_address(value):
                    continue  # {address: '127.0.0.1'} in a network error: the IP rule decides
                if entity == "USER_VALUE" and _GENERIC_KEY.search(text, match.start(), start) and is_technical_value(value):
                    continue  # message = System.Data.SQLite.SQLiteException: the error's own code, not input
                if entity == "PERSON":
                    end = start + len(_same_case_words(value))
                found.append((start, end, entity))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult(e, s, t, self._score) for s, t, e in self.entity_spans(text)]


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def _same_case_words(value: str) -> str:
    """The leading words of a bare name that share the first word's case ("Wanjiru Kamau HTTP" -> "Wanjiru Kamau")."""
    words = value.split(" ")
    upper = words[0].isupper()
    kept = [words[0]]
    for word in words[1:]:
        if word.isupper() != upper:
            break
        kept.append(word)
    return " ".join(kept)
