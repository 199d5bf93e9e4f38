"""Person names from a gazetteer of common Kenyan, Indian and British names.

A small English NER model misses names it never saw in training ("Achieng
Wambui", "Venkatesh Iyer"), names in lower or upper case, and names inside
JSON or SQL. The gazetteer (``scrubbers/person_names.txt``) lists common
given names and surnames; this rule reads runs of words and decides:

- two or more gazetteer names next to each other (with initials between, "Priya
  K. Sharma") are a name in Title, UPPER or lower case;
- one gazetteer name alone is a name in Title or UPPER case unless it is also a
  common word ("Grace", "Hall", "Will"), which then needs a role word or
  preposition before it ("for Grace", "cashier Hall");
- a lower-case name needs a role word before it ("customer wanjiru kamau");
- an unknown capitalised word right after a given name is taken as its surname
  ("Priya Venkataraghavan"), and an unknown word of the same case right before a
  surname (or before any name that follows a role word: "cardholder JOHN SMITH")
  as its given name, unless it is a role word or a common log word.

Words inside identifiers, paths, e-mail addresses and dotted names are never
read as names. Score 0.65: below the key and role rules, above the quoted-text
fallback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_role import ROLE_WORDS

NAMES_FILE = Path(__file__).resolve().parent.parent / "person_names.txt"
_WORD = regex.compile(r"(?:[A-Za-z]['’])?[A-Za-z]+(?:['’-][A-Za-z]+)*\.?")
_BEFORE_OK = frozenset(" \t\n\"'(,:;[{<=")
_PREPOSITIONS = frozenset({"for", "by", "to", "from"})
_ROLES = frozenset(ROLE_WORDS.split("|")) | {"name", "names", "employees", "customers", "patients", "rows"}
# Capitalised words that open or close log phrases and must not be taken as the
# unknown half of a name.
_NOT_NAMES = frozenset(
    """the a an and or of in on at to for by from with without not no is was are be been has have had this that
    these those it its error failed failure exception warning info debug fatal invalid unknown missing duplicate
    sale sales order invoice payment refund receipt customer patient employee cashier supplier user staff member
    account id pin phone email street road avenue drive lane estate house plot flat apt
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday kes ksh inr gbp usd""".split()
)


@functools.lru_cache(maxsize=1)
def load_names(path: Path = NAMES_FILE) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Given names, surnames and names that are also common words, case-folded."""
    sections: dict[str, set[str]] = {"first": set(), "last": set(), "common_word": set()}
    current = "first"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections[current].update(w.casefold() for w in line.split())
    return frozenset(sections["first"]), frozenset(sections["last"]), frozenset(sections["common_word"])


class _Word:
    __slots__ = ("start", "end", "text", "key", "first", "last", "initial")

    def __init__(self, start: int, end: int, text: str, first: frozenset[str], last: frozenset[str]):
        self.start, self.end, self.text = start, end, text
        self.initial = len(text) == 2 and text[0].isupper() and text[1] == "."
        if text.endswith(".") and not self.initial:
            self.end -= 1
            self.text = text = text[:-1]
        self.key = text.casefold().replace("’", "'")
        self.first = self.key in first
        self.last = self.key in last

    @property
    def known(self) -> bool:
        return self.first or self.last

    @property
    def case(self) -> str:
        letters = [c for c in self.text if c.isalpha()]
        if all(c.isupper() for c in letters):
            return "upper" if len(letters) > 1 else "title"
        if all(c.islower() for c in letters):
            return "lower"
        return "title" if letters[0].isupper() else "mixed"


class PersonGazetteerRecognizer(RegexRecognizer):
    def __init__(self, names_file: Path = NAMES_FILE):
        super().__init__("PERSON", [_WORD], score=0.65)
        self._first, self._last, self._common = load_names(names_file)

    def _words(self, text: str) -> list[_Word]:
        words = []
        for match in _WORD.finditer(text, timeout=self.budget.remaining()):
            start, end = match.span()
            if start and text[start - 1] not in _BEFORE_OK:
                continue
            after = text[end : end + 2]
            if after[:1] and (after[0].isalnum() or after[0] in "_@/\\" or (after[0] in ".-" and after[1:2].isalnum())):
                continue
            words.append(_Word(start, end, match.group(), self._first, self._last))
        return words

    def spans(self, text):
        words = self._words(text)
        found = []
        i = 0
        while i < len(words):
            if not (words[i].known or words[i].initial):
                i += 1
                continue
            j = i
            while j + 1 < len(words) and (words[j + 1].known or words[j + 1].initial) and _adjacent(text, words[j], words[j + 1]):
                j += 1
            span = self._accept(text, words, i, j)
            if span:
                found.append(span)
            i = j + 1
        return found

    def _accept(self, text: str, words: list[_Word], i: int, j: int) -> tuple[int, int] | None:
        run = words[i : j + 1]
        names = [w for w in run if w.known]
        if not names:
            return None
        prev = words[i - 1] if i > 0 and _near(text, words[i - 1], words[i]) else None
        after_role = prev is not None and (prev.key in _ROLES or prev.key in _PREPOSITIONS)
        cases = {w.case for w in names}
        if cases == {"lower"}:
            if not (prev is not None and prev.key in _ROLES):
                return None
        elif not cases <= {"title", "upper"}:
            return None
        elif len(names) == 1 and not after_role:
            name = names[0]
            if name.key in self._common or (name.case == "upper" and len(name.text) < 4):
                return None
        start, end = run[0].start, run[-1].end
        if cases != {"lower"}:
            nxt = words[j + 1] if j + 1 < len(words) else None
            if names[-1].first and nxt and _adjacent(text, run[-1], nxt) and self._could_be_other_half(nxt, names[-1]):
                end = nxt.end
            if len(names) == 1 and prev and _adjacent(text, prev, run[0]) and not after_role:
                before_prev = words[i - 2] if i > 1 and _near(text, words[i - 2], prev) else None
                surname_only = names[0].last and not names[0].first
                if self._could_be_other_half(prev, names[0]) and (surname_only or (before_prev and before_prev.key in _ROLES)):
                    start = prev.start
        return start, end

    @staticmethod
    def _could_be_other_half(word: _Word, name: _Word) -> bool:
        return word.case == name.case and word.key not in _NOT_NAMES and word.key not in _ROLES and len(word.text) > 1

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult("PERSON", s, e, self._score) for s, e in self.spans(text)]


def _adjacent(text: str, left: _Word, right: _Word) -> bool:
    return text[left.end : right.start] == " "


def _near(text: str, left: _Word, right: _Word) -> bool:
    gap = text[left.end : right.start]
    return len(gap) <= 4 and gap.strip(" :='\"") == ""


def trim_ner_name(
    text: str, start: int, end: int, very_common: Callable[[str], bool] | None = None
) -> tuple[int, int] | None:
    """The part of an NER PERSON span that is plausibly a name, or ``None``.

    A small model tags log words as people ("Safari", "Invalid API Key", "Customer
    Lucy Green", a name with its closing quote). Keep Title-case words only,
    drop role and log words at either end and punctuation around, and accept a
    single word or an all-upper-case span only when the gazetteer knows a word,
    and a single word never when it is also a common word ("Mark as paid").
    With ``very_common`` (a test for the commonest English words), a single
    Title-case word the gazetteer does not know is kept unless it is one of
    those, and lower-case spans of two or more words are kept unless one is.
    """
    first, last, common = load_names()
    words = [(m.start() + start, m.end() + start) for m in regex.finditer(r"\S+", text[start:end])]
    words = [(s + _lead(text[s:e]), e - _trail(text[s:e])) for s, e in words]
    words = [(s, e) for s, e in words if e > s]

    def droppable(s: int, e: int) -> bool:
        key = text[s:e].casefold()
        return key in _ROLES or key in _NOT_NAMES or key in _PREPOSITIONS

    while words and droppable(*words[0]):
        words.pop(0)
    while words and droppable(*words[-1]):
        words.pop()
    if not words:
        return None
    texts = [text[s:e] for s, e in words]
    known = any(t.casefold().replace("’", "'") in first or t.casefold().replace("’", "'") in last for t in texts)
    initial = regex.compile(r"[A-Z]\.?")
    upper = all(t.isupper() for t in texts)
    lower = all(t.islower() and t.isalpha() for t in texts)
    title = all(initial.fullmatch(t) or (t[0].isupper() and not t.isupper()) for t in texts)
    if lower:
        # NER reads lower-case names too ("mary johnson could not log in"); two words or more, none a
        # function word, or it is prose.
        if len(texts) < 2 or very_common is None or any(very_common(t) or len(t) <= 3 for t in texts):
            return None  # "jwt malformed", "the user": prose
        return words[0][0], words[-1][1]
    if not (title or upper):
        return None
    if len(texts) == 1 and not known:
        # A single word NER calls a person is one unless it is among the commonest words ("Mark as paid");
        # the gazetteer's own list of names that are also words says the same for the ones it knows.
        if upper or very_common is None or very_common(texts[0]):
            return None
    elif upper and not known:
        return None
    if len(texts) == 1 and texts[0].casefold() in common:
        return None
    return words[0][0], words[-1][1]


def _lead(word: str) -> int:
    return len(word) - len(word.lstrip("\"'‘’“”([{<,;:"))


def _trail(word: str) -> int:
    return len(word) - len(word.rstrip("\"'‘’“”)]}>,;:!?"))
