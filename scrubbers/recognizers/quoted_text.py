"""Quoted literals that read like something a person typed.

Error messages quote the value that failed: "on item 'Panadol Extra 500mg'",
"address 'Flat 3, 21 Leith Walk'", "note 'deliver after 5pm'". Nothing in such
a value has a shape to recognise, so the rule is about the quoting: a quoted
literal is replaced when it has several words (prose, a product, an address) or
directly follows a word that names user input (item, product, note, message,
address, comment, customer, user, name, value, entered, typed). This also takes
quoted driver messages ('database is locked'), which hold nothing personal; the
rule cannot tell them from a chat message, and failing closed is the point. Left alone: JSON keys, values
under a key (the key rules decide those: ``"error":"..."`` stays, ``"note":"..."``
goes), paths, URLs, dotted or snake_case identifiers and other code-shaped
literals (``'timer:stop'``, ``"customers_phone_key"``, ``'System.Data.SQLite,
Version=1.0.118.0'``), and technical values (``'AuthRetryableFetchError'``, a quoted HTTP request line:
``_technical.py``). Apostrophes inside words (``Men's``, ``Murang'a``) do not
end a literal. Score 0.5: the weakest of our rules, it decides only when nothing
more specific claims the text.
"""

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers._technical import is_technical_value

QUOTED = regex.compile(
    r"(?<![\w\\])(?:'(?P<value>(?:[^'\n]|'(?=[A-Za-z]))+?)'(?![A-Za-z0-9])"
    r"|\"(?P<value>[^\"\n]+?)\"(?![A-Za-z0-9]))"
)
# A value under a key: "key": / 'key' => / key= / {key: / , key:  (but not prose "for Callum: 'x'").
_KEYED_BEFORE = regex.compile(
    r"(?:[\"'][\w.-]+[\"']\s{0,3}(?:=>|[:=])|[\w.-]\s{0,3}=|[{,]\s{0,3}[\w.-]+\s{0,3}:)\s{0,3}$"
)
_KEY_AFTER = regex.compile(r"\s{0,3}(?::|=>)")
_INPUT_WORD_BEFORE = regex.compile(
    r"(?i)\b(?:item|product|note|notes|message|address|comment|remark|description|customer|user|name|value|"
    r"body|text|search|query|entered|typed|input|provided|received|got)\s{0,3}:?\s{0,3}$"
)
_CODE = regex.compile(
    r"^[<{\[]|\\|://|=|^[~.]?/|^[A-Za-z]:|[A-Za-z0-9]\.[A-Za-z]{2,}\b(?!\s)|_\w|\w\(|::|^\S+:\S+$|^[A-Z0-9_]+$"
)
_MAX = 400


class QuotedTextRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("USER_VALUE", [QUOTED], score=0.5)

    def spans(self, text):
        found = []
        for match in QUOTED.finditer(text, timeout=self.budget.remaining()):
            start, end = match.span("value")
            value = text[start:end]
            quote = match.start()
            if len(value) > _MAX or not any(c.isalpha() for c in value) or value != value.strip():
                continue
            before = text[max(0, quote - 40) : quote]
            is_key = " " not in value and _KEY_AFTER.match(text, match.end())
            if is_key or _KEYED_BEFORE.search(before) or _CODE.search(value) or is_technical_value(value):
                continue
            if " " in value or _INPUT_WORD_BEFORE.search(before):
                found.append((start, end))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult("USER_VALUE", s, e, self._score) for s, e in self.spans(text)]
