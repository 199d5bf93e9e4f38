"""Person names announced by their context: a role word, a greeting, ``by``, a possessive.

NER misses many Kenyan and Indian names, and names that are also common words,
but apps nearly always put a telling word in front of the name they log:

- after a role noun (customer, patient, cashier, employee, supplier, cardholder,
  payer, ...) or "by", one to three words are a name, in Title case ("customer
  Wanjiru Kamau", also quoted), in capitals ("payer WANJIRU KAMAU") or in lower
  case ("cashier wanjiru kamau"), up to the first of the 2,000 commonest English
  words, so "customer ID" and "cashier closed the drawer" keep their words;
- after a greeting (hi, hello, dear, thanks, karibu, good morning) or "my name
  is", one or two words that are not among the 2,000 commonest ("Hi Priya",
  "thanks mary");
- after a role, two lower-case words of which neither is among the 2,000
  commonest ("approved by grace wambui");
- after "by" or "for" one Title-case word ("signed off by Otieno"), and two after
  "to" and "from" ("to Mary Atieno");
- a card holder's name in the cards' own SURNAME/GIVEN form after "cardholder";
- a sign-off in Title case on a message's last line after a dash ("...\n- Wambui");
- a handle of two to four words after "account", "user" ... ("for account grace.wambui");
- what chat systems log of people ("Grace joined the chat", "transferred from Grace to Otieno");
- a Title-case word with a possessive ``'s`` ("Njeri's shift"; not "Today's"),
  or right before a role in brackets ("Achieng (customer) wrote").

A few words that follow these contexts in code and docs (default, admin, system,
guest ...) are never names.

Code-shaped words are never names (``person_filters.py``), nor is a Title-case word that starts a called
member chain (``user = User.objects.get(``). Score 0.7.
"""

from __future__ import annotations

import regex

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_filters import NOT_NAMES, OPENERS, is_handle, looks_like_code
from scrubbers.vocabulary import Vocabulary

ROLE_WORDS = (
    "customer|client|patient|cashier|employee|staff|member|user|driver|agent|attendant|pharmacist|"
    "doctor|dr|mr|mrs|ms|miss|name|payee|payer|beneficiary|sender|recipient|supplier|cardholder|"
    "holder|drawer|requester|visitor|caller|approver|supervisor|worker|manager|buyer|seller|owner|assignee|"
    "technician|nurse|rider|courier|tenant|guest|teacher|student|operator|clerk|picker|packer|rep|officer|"
    "signatory|guarantor|applicant|subscriber|consignee|shipper|contact|teller|dispatcher|attn|cust|"
    "bill to|ship to|sold to|deliver to|served by|assigned to|escalated to|handled by|notifying|notified|notify"
)
NAME_WORD = r"(?:[A-Z]['’])?(?:Ma?c)?[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*"
_INITIAL = r"[A-Z]\."
# An initial before a surname, outside the value so that the surname is judged alone ("supervisor S. Otieno").
_INITIAL_BEFORE = r"[A-Z]\.\s?"
# Code after a role word: "user = User.objects.get(...)" calls a class, it names nobody.
_NOT_CALLED = r"(?!(?:\.[A-Za-z_]\w*)+\()"
PERSON_AFTER_ROLE = (
    r"(?i:\b(?:" + ROLE_WORDS + r"))\b\.?(?:\s*(?i:name|names))?[\s:=\"'’]{1,12}(?:" + _INITIAL_BEFORE + r")?"
    r"(?P<value>" + NAME_WORD + r"(?:\s+(?:" + NAME_WORD + r"|" + _INITIAL + r")){0,2})(?![A-Za-z\d])" + _NOT_CALLED
)
PERSON_AFTER_PREPOSITION = (
    r"\b(?:for|by|to|from)\s+[\"']?(?P<value>" + NAME_WORD + r"(?:\s+(?:" + _INITIAL + r"\s+)?" + NAME_WORD + r"){1,2})(?![A-Za-z])"
)
# A word that does not run on into code ("java.net", "cus_123"); a full stop may end it.
_ANY_WORD = r"\p{L}[\p{L}'’-]*(?!\.?[\p{L}\d_(/\\@])"
# Words after a role word, in capitals or lower case: judged one by one below.
_WORDS_AFTER_ROLE = regex.compile(
    r"(?i:\b(?:" + ROLE_WORDS + r"|by))\b\.?[\s:=\"'’]{1,12}(?P<value>" + _ANY_WORD + r"(?:[ ]" + _ANY_WORD + r"){0,2})"
)
_AFTER_GREETING = regex.compile(
    r"(?i:\b(?:hi|hiya|hello|hey|dear|thanks|thank you|thx|cheers|regards|kind regards|best(?![ ]wishes)|sincerely|karibu(?![ ]tena)|habari|"
    r"jambo|asante|shukran|welcome|welcome back|karibu tena|best wishes|warm regards|many thanks|yours sincerely|"
    r"my name is|this is|it['’]s|i['’]m|i am|it['’]?s me|"
    r"(?:good )?(?:morning|afternoon|evening)))(?:[ ,]{1,2}\n?|\n)(?P<value>"
    + _ANY_WORD + r"(?:[ ]" + _ANY_WORD + r")?)"
)
_AFTER_BY = regex.compile(
    r"\b(?:by|for)[:\s]\s{0,2}(?:" + _INITIAL_BEFORE + r")?(?P<value>" + NAME_WORD + r")(?![\p{L}\d_.(])"
)
_POSSESSIVE = regex.compile(r"(?<![\p{L}\d_.])(?P<value>" + NAME_WORD + r")['’]s\b")
# "Amina (customer) wrote": a role in brackets right after the name.
_BEFORE_ROLE = regex.compile(r"(?<![\p{L}\d_.])(?P<value>" + NAME_WORD + r")\s?\((?i:" + ROLE_WORDS + r")\)")
# A card's holder as the chip and the magnetic stripe carry it (ISO/IEC 7813: SURNAME/GIVEN), after the
# word that says so: "CARDHOLDER WAMBUI/GRACE", "name on card: Kamau/Mary". Further given names join by
# the capitals rule of name_runs.py.
_CARD_HOLDER = regex.compile(
    r"(?i:\bcard[ ]?holder(?:[ ]name)?|\bname on card)[\s:=\"']{1,4}(?P<value>\p{L}[\p{L}\p{M}'’-]*/\p{L}[\p{L}\p{M}'’-]*)(?![\p{L}\p{M}\d/])"
)
# A message signed off on its last line: "...sort it out please\n- Wambui", "-- Grace Otieno".
# Not a list's last item: the line before neither introduces a list (ends in ":") nor is an item itself.
_SIGN_OFF = regex.compile(
    r"(?:^|\n)(?![ \t]*(?:--?|–|—|~|\*|•)[ \t])[^\n]*[^:\s][ \t]*\n[ \t]*(?:--?|–|—|~)[ \t]?(?P<value>"
    + NAME_WORD + r"(?:[ ]" + NAME_WORD + r")?)[ \t]*\n?$"
)
# A first.last handle after the word for an account: "keychain item missing for account grace.wambui" ("user wkamau_2"
# is the id rule's). The pieces are words (is_handle), and not a host, file or setting ("account app.config").
_HANDLE_AFTER_ACCOUNT = regex.compile(
    r"(?i:\b(?:account|user|username|login|member|customer|employee|staff|agent|cashier))[\s:=\"']{1,4}"
    r"(?P<value>\p{L}[\p{L}'’]+[._]\p{L}[\p{L}'’]+)(?![\p{L}\d_(/@-]|\.[\p{L}\d])"
)
_NOT_HANDLE_PIECES = frozenset(
    "com net org io co ke uk in local internal json xml yaml yml config conf ini cs py js ts dll exe log txt "
    "service services app api svc admin root system default test prod".split()
)
# What chat systems log about people: "Grace joined the chat", "Chat transferred from Grace to Otieno".
_JOINED = regex.compile(
    r"(?<![\p{L}\d_.])(?P<value>" + NAME_WORD + r"(?:[ ]" + NAME_WORD + r")?)[ ](?:has[ ])?(?:joined|left)[ ]"
    r"(?:the[ ])?(?:chat|conversation|room|channel|call|meeting|queue)\b"
)
_TRANSFERRED = regex.compile(
    r"\b(?:transferred|reassigned|handed[ ]over|escalated|forwarded)[ ]from[ ](?P<value>" + NAME_WORD
    + r"(?:[ ]" + NAME_WORD + r")?)[ ]to[ ](?P<other>" + NAME_WORD + r"(?:[ ]" + NAME_WORD + r")?)(?![\p{L}\d_.(])"
)
_VOWEL = regex.compile(r"[AEIOUY]")
_SURNAME_AFTER = regex.compile(r"[ ]\p{Lu}(?:\p{Ll}|[ ]\p{Lu}\p{Ll})")  # "WK Otieno", or a particle first
# Context words make a name of any word but the commonest; these few follow them in code and docs too.
CONTEXT_DEPTH = 2_000
# Function words and the like: a lower-case name never starts with one of these.
_FUNCTION_DEPTH = 300
# With SQL keywords: a query on the line after "products.name" starts with UPDATE, which is nobody.
_NOT_NAMES_AFTER_CONTEXT = NOT_NAMES | frozenset("select insert update delete from where set values into join".split())


# A lower-case word right after what people do ("approved by brian at 16:11", "awaiting approval from
# baraka"): too common a shape for a rule alone ("rejected by server", "queued by scheduler"), so the
# scrubber asks NER, with the word in Title case (see lower_case_name_candidates).
# The contexts are what people do ("approved by", "approval from"), not what code does ("thrown by handler").
_PEOPLE_DO = (
    r"(?:approved|rejected|declined|signed|counter-signed|countersigned|authorised|authorized|requested|submitted|reviewed|"
    r"voided|cancelled|canceled|edited|amended|entered|captured|keyed|overridden|reversed|refunded|reassigned|"
    r"served|verified|checked|confirmed|dispensed|prescribed)[ \t]by|"
    r"(?:approval|sign-off|authorisation|authorization|confirmation|consent|message|call|reply|complaint)[ \t]from|"
    r"(?:holder|owner|user|cashier|customer|employee|agent) (?:was|is)|assigned to|escalated to|handed (?:over )?to"
)
_LOWER_AFTER_CONTEXT = regex.compile(
    r"(?i:\b(?:" + _PEOPLE_DO + r"))[ \t]{1,2}"
    r"(?P<value>\p{Ll}[\p{Ll}'’-]{2,30})(?![\p{L}\d_(@/\\]|\.[\p{L}\d]|[-'’]?[=:])"
)


def lower_case_name_candidates(text: str, vocabulary: Vocabulary, timeout: float | None = None) -> list[tuple[int, int]]:
    """Lower-case words after a context word that may be a name: none of the 2,000 commonest, none code.

    A small NER model tags names by their capitals, so the scrubber runs NER on these words in Title
    case and takes those it then calls a person.
    """
    return [
        match.span("value")
        for match in _LOWER_AFTER_CONTEXT.finditer(text, overlapped=True, timeout=timeout)
        if not vocabulary.is_very_common(match.group("value"), CONTEXT_DEPTH)
        and match.group("value") not in _NOT_NAMES_AFTER_CONTEXT
        and len(match.group("value").title()) == len(match.group("value"))
    ]


class PersonRoleRecognizer(RegexRecognizer):
    def __init__(self, vocabulary: Vocabulary | None = None):
        super().__init__(
            "PERSON",
            [PERSON_AFTER_ROLE, PERSON_AFTER_PREPOSITION],
            score=0.7,
            validate=lambda value: not looks_like_code(value) and value.split()[0].casefold() not in OPENERS | NOT_NAMES,
        )
        self._vocabulary = vocabulary or Vocabulary()

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = super().spans(text)
        timeout = self.budget.remaining()
        for pattern, after_greeting in ((_WORDS_AFTER_ROLE, False), (_AFTER_GREETING, True)):
            # Overlapped: in "hi my name is Wanjiru" the greeting "hi" must not hide "my name is".
            for match in pattern.finditer(text, overlapped=True, timeout=timeout):
                span = self._name_words(text, match.start("value"), match.group("value"), after_greeting)
                if span is not None:
                    found.append(span)
        found.extend(match.span("value") for match in _CARD_HOLDER.finditer(text, timeout=timeout))
        if (sign_off := _SIGN_OFF.search(text[-80:])) and not self._too_common(sign_off.group("value").split()[-1]):
            offset = max(0, len(text) - 80)
            found.append((offset + sign_off.start("value"), offset + sign_off.end("value")))
        for match in _HANDLE_AFTER_ACCOUNT.finditer(text, timeout=timeout):
            pieces = regex.split(r"[._]", match.group("value").casefold())
            if is_handle(match.group("value")) and not _NOT_HANDLE_PIECES.intersection(pieces) and not all(
                self._too_common(piece) for piece in pieces
            ):
                found.append(match.span("value"))
        found.extend(match.span("value") for match in _JOINED.finditer(text, timeout=timeout))
        for match in _TRANSFERRED.finditer(text, timeout=timeout):
            found.extend(match.span(group) for group in ("value", "other"))
        for pattern in (_AFTER_BY, _POSSESSIVE, _BEFORE_ROLE):
            for match in pattern.finditer(text, timeout=timeout):
                if not self._too_common(match.group("value")):
                    found.append(match.span("value"))
        return found

    @staticmethod
    def _acronym(text: str, start: int, word: str) -> bool:
        """"notified by SMS", "blocked by DLP": capitals without a vowel, unless initials before a surname."""
        return len(word) <= 4 and not _VOWEL.search(word) and not _SURNAME_AFTER.match(text, start + len(word))

    def _too_common(self, word: str) -> bool:
        return self._vocabulary.is_very_common(word, CONTEXT_DEPTH) or word.casefold() in _NOT_NAMES_AFTER_CONTEXT

    def _name_words(self, text: str, start: int, words: str, after_greeting: bool) -> tuple[int, int] | None:
        """The leading words of ``words`` that read as a name, or None.

        In capitals the name runs to the first of the commonest words ("SERVED BY: OTIENO"; one common word
        may be the whole name). In lower case the commonest words are also how names begin ("mary"), so
        the name is the longest run of up to three words that ends in a word that is not common at all:
        "cashier mary wambui closed" gives "mary wambui", "cashier closed the drawer" gives nothing; or
        two words of which neither is among the commonest: "approved by grace wambui but" gives "grace
        wambui", since two such words in a row after a role are a given name and a surname far more often
        than prose. A greeting is context enough for any word but the commonest: "Hi Grace", "thanks mary".
        """
        kept: list[regex.Match] = []
        for word in regex.finditer(_ANY_WORD, words):
            value = word.group()
            title = value[0].isupper() and not value.isupper()
            if not after_greeting and title:
                break  # Title case after a role word is PERSON_AFTER_ROLE's
            if value.casefold() in _NOT_NAMES_AFTER_CONTEXT or (not value.isupper() and looks_like_code(value)):
                break
            if kept and (value.isupper(), value.islower()) != (kept[0].group().isupper(), kept[0].group().islower()):
                break
            if value.isupper() and (self._too_common(value) or self._acronym(text, start + word.start(), value)):
                break
            kept.append(word)
        if kept and not kept[0].group().isupper():
            if self._vocabulary.is_very_common(kept[0].group(), _FUNCTION_DEPTH):
                return None  # "by the", "user is"
            if after_greeting:
                while kept and self._too_common(kept[-1].group()):
                    kept.pop()
            elif len(kept) >= 2 and not any(self._too_common(w.group()) for w in kept[:2]):
                del kept[2 if self._vocabulary.is_common(kept[-1].group()) else 3 :]
            else:
                while kept and self._vocabulary.is_common(kept[-1].group()):
                    kept.pop()
        if not kept:
            return None
        return start + kept[0].start(), start + kept[-1].end()
