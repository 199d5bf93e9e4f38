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
from scrubbers.recognizers.person_filters import NOT_NAMES, OPENERS, is_handle, looks_like_code
from scrubbers.vocabulary import Vocabulary

_PERSON_KEYS = (
    r"(?:customer|client|patient|employee|cashier|user|first|last|middle|full|display|contact|account|"
    r"holder|card_?holder|beneficiary|payee|payer|supplier|visitor|sender|recipient|driver|agent)[_-]?name|"
    r"name|names|customer|patient|employee|cashier|beneficiary|payee|payer|cardholder|custnm|cust_nm|"
    r"visitor_name|requester|contact|surname|given_?name|family_?name|fullname|display|agent|teller|approver|approvers|"
    r"assignee|assigned_?to|pending_?with|owner|clerk|pharmacist|dispatcher|courier|rider|supervisor|manager|"
    r"approved_?by|created_?by|requested_?by|updated_?by|submitted_?by|handled_?by|user|username|user_?name|"
    # Name parts: "customer_first=Grace&customer_last=Wambui", FHIR-style {"given": ..., "family": ...},
    # a ledger's counterparty ("party=", Tally's <LEDGERNAME>).
    r"(?:customer|client|patient|employee|user|contact|holder|payer|payee|member|staff|agent)[_-]?"
    r"(?:first|last|middle|given|family|sur)(?:[_-]?names?)?|given|given_?names|(?<!font-)family|"
    r"party|party_?name|ledger_?name|cust_?name|emp|emp_?name|forenames?|preferred_?name|"
    # Who did something, as audit fields name it: checked_by, prepared_by, verifiedBy (not sort_by, group_by).
    r"(?:checked|prepared|verified|reviewed|signed|issued|received|rejected|cancelled|voided|entered|captured|"
    r"authorised|authorized|assigned|owned|closed|opened|modified|edited|collected|delivered|packed|picked)"
    r"(?:[_-]by|(?-i:By))"
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
# A key that holds a name part, where a value in capitals is a name as banks and Daraja write it
# ("FirstName":"WANJIRU"), not a code constant as it would be under "name" or "user".
_NAME_PART_KEY = regex.compile(r"(?i)(?:first|last|middle|given|family|full|sur|ledger|party|cust|emp)[_-]?names?|surname|given|family")
_CAPITALS_NAME = regex.compile(r"\p{Lu}[\p{Lu}'’ .-]{1,80}")
# Name parts as JSON keys ({"first":"Grace","last":"Wambui","preferred":"Shiru"}): too short to trust
# bare, so only quoted and only a value that starts with a letter; and a name part quoted after its
# word ("SURNAME 'WAMBUI' and FORENAME 'GRACE' are swapped").
_JSON_NAME_PART = regex.compile(
    r"(?i)\"(?:first|last|middle|preferred|given|family|forename|surname)\"\s{0,3}:\s{0,3}\"(?P<value>\p{L}[^\"\\\n]{0,99})\""
)
_QUOTED_AFTER_NAME_WORD = regex.compile(
    r"(?i)\b(?:surname|forenames?|first[ ]name|last[ ]name|given[ ]names?|family[ ]name|middle[ ]name)[ ]'(?P<value>\p{L}[^'\n]{0,59})'"
)
# The same keys as XML elements: <FirstName>Grace</FirstName>, Tally's <LEDGERNAME>GRACE WAMBUI</LEDGERNAME>.
_XML_PERSON = regex.compile(
    r"(?i)<(?P<tag>(?:[A-Za-z0-9]+[_.:-])*(?:" + _PERSON_KEYS + r"))>(?P<value>[^<>\n]{1,200})</(?P=tag)>"
)
# "customer: ok thanks" in a chat transcript is a speaker's line, not a customer's name: a bare value
# in lower case that holds one of this many commonest words and ends in a known word is kept, as the
# role rule keeps "cashier closed the drawer" ("customer: grace wambui" ends in a word no list knows).
_SPEAKER_LINE_DEPTH = 2_000


class UserValueKeyRecognizer(RegexRecognizer):
    def __init__(self, vocabulary: Vocabulary | None = None):
        super().__init__("USER_VALUE", [], score=0.8)
        self._vocabulary = vocabulary or Vocabulary()
        self.supported_entities = list(_KEYS)
        self._by_entity = [
            (entity, regex.compile(key_value_pattern(keys, _PERSON_BARE if entity == "PERSON" else _OTHER_BARE)))
            for entity, keys in _KEYS.items()
        ]
        # Every match has one of the keys right before its separator: one cheap look for
        # that spares the nine full patterns on the many messages without one.
        self._gate = KeyGate("|".join(_KEYS.values()))

    def entity_spans(self, text: str) -> list[tuple[int, int, str]]:
        found = self._xml_names(text) if "</" in text else []
        # Each pattern needs its own sign: a JSON key's '":', or a name word's "name '" / "names '".
        folded = text.casefold()
        for pattern, sign in ((_JSON_NAME_PART, '":' in text or '" :' in text), (_QUOTED_AFTER_NAME_WORD, "name '" in folded or "names '" in folded)):
            if sign:
                found.extend(
                    (*match.span("value"), "PERSON") for match in pattern.finditer(text, timeout=self.budget.remaining())
                )
        if not self._gate.search(text, timeout=self.budget.remaining()):
            return found
        for entity, pattern in self._by_entity:
            for match in pattern.finditer(text, timeout=self.budget.remaining()):
                start, end = match.span("value")
                value = text[start:end]
                if value.strip().casefold() in _NULLS or is_call(text, start, end):
                    continue  # "user = User.objects.get(": code assigning a call, not a logged value
                if entity == "PERSON":
                    words = value.strip("[]").replace("%20", " ").replace("+", " ").replace(", ", " ")
                    if not self._person_value(words, text[match.start() : start]):
                        continue
                    if text[start - 1] not in "\"'" and self._speaker_line(words):
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

    def _person_value(self, words: str, key: str) -> bool:
        """Whether ``words`` under ``key`` may be a name: not code, unless capitals under a name-part key."""
        if words.casefold() in NOT_NAMES:
            return False
        if looks_like_code(words) and not is_handle(words):
            return _CAPITALS_NAME.fullmatch(words) is not None and _NAME_PART_KEY.search(key) is not None
        return True

    def _speaker_line(self, words: str) -> bool:
        """Words that read as prose: a function word first, or lower case with one of the commonest words
        and a known word last."""
        pieces = regex.findall(r"\p{L}+", words)
        if pieces and pieces[0].casefold() in OPENERS:
            return True  # "customer: Hi, can I ...", "agent: Thanks for waiting": a line of chat starts there
        return (
            words.islower()
            and bool(pieces)
            and self._vocabulary.is_common(pieces[-1])
            and any(self._vocabulary.is_very_common(word, _SPEAKER_LINE_DEPTH) for word in pieces)
        )

    def _xml_names(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        for match in _XML_PERSON.finditer(text, timeout=self.budget.remaining()):
            value = match.group("value").strip()
            if value and self._person_value(value, match.group("tag")):
                start = match.start("value")
                found.append((start, match.end("value"), "PERSON"))
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
