"""A name is a run of words: when one word of it is found, its neighbours go too.

Rules find names word by word: the unknown-word rule takes ``Wanjiru`` but not
``Grace`` (a common word), NER takes ``Priya`` but not ``Venkataraghavan``. A
name whose every character does not go is still a name in storage, so a found
word spreads to the words next to it that are written like it (Title case next
to Title case, capitals next to capitals, initials in capitals to the surname after them as in
"WK Njeri"; lower-case names are the role rule's, since lower-case prose would run on),
separated by spaces or one line break, and in Title case to the next names of a
list ("Wanjiru, Grace and Otieno"), unless the neighbour is one of the most
common English words (``Failed``, ``Payment``, ``the``) or code. The run then
becomes one placeholder, ``<PERSON>`` if any of it was a person, so that
``<UNKNOWN> <UNKNOWN>`` does not leave the space between two halves of a name
and errors of the same shape group alike.
"""

from __future__ import annotations

import regex

from scrubbers.recognizers.person_role import ROLE_WORDS
from scrubbers.vocabulary import Vocabulary

_ROLES = frozenset(word for role in ROLE_WORDS.split("|") for word in role.split())

_NAME_ENTITIES = frozenset({"PERSON", "UNKNOWN"})
# A word listed with a name is a name unless it is among the 2,000 commonest ("Wanjiru and Sales").
LISTED_DEPTH = 2_000
# Capitals next to a name in capitals join it unless among the 2,000 commonest: receipts and card lines are
# short ("NAME ON CARD / GRACE WAMBUI"), and many given names rank between 2,000 and 5,000.
UPPER_DEPTH = 2_000
# What may sit between two halves of one name: spaces, one line break, or the joiners of handles and query
# strings ("wanjiru.kamau", "Wanjiru+Kamau"), and the Irish and other one-letter particles (the Irish
# O with an acute accent). Not a comma: "Wanjiru, Grace and Mercy" are three names, and stay three.
_GAP = regex.compile(r"(?:[ \t]{1,3}|[ \t]*\n[ \t]*|[._+-]|%20)(?:\p{Lu}(?:[ \t]|[._+-]|%20)|\p{Ll}[._+-])?")
# A folder named after a person ends at its slash: "HR\\Wanjiru Kamau\\payslip.pdf".
# A one-letter particle may sit inside a name (the Irish O with an acute accent); a document's extension may end it
# ("Payslips\\Grace Wambui.pdf").
_PARTICLE = r"(?:\p{L}[ \t])?"
_WORD_AFTER = regex.compile(
    r"(?:[ \t]{1,3}|[ \t]*\n[ \t]*)" + _PARTICLE + r"(\p{L}[\p{L}'’-]*)(?![\p{L}\d_(@])"
    r"(?!\.(?!(?i:pdf|csv|xlsx?|docx?|txt|jpe?g|png)(?![\p{L}\d]))[\p{L}\d])"
)
# "Wanjiru, Grace and Otieno": a list of names is names.
_LISTED_AFTER = regex.compile(r"(?:,[ \t]?|[ \t]+(?:and|&|or|na)[ \t]+)(\p{L}[\p{L}'’-]*)(?![\p{L}\d_.(@/\\])")
# A path separator may start a name: "Payslips\Grace Wambui.pdf".
# ... and in the other direction: "Otieno, Grace and Wanjiru", where only "Wanjiru" was found.
_LISTED_BEFORE = regex.compile(r"(?<![\p{L}\d_.@/\\])(\p{L}[\p{L}'’-]*)(?:,[ \t]?|[ \t]+(?:and|&|or|na)[ \t]+)$")
# Two or three initials written together in capitals ("WK", "GNM"), which a surname in Title case follows.
_INITIALS = regex.compile(r"\p{Lu}{2,3}")
_WORD_BEFORE = regex.compile(r"(?<![\p{L}\d_.@])(\p{L}[\p{L}'’-]*)(?:[ \t]{1,3}|[ \t]*\n[ \t]*)" + _PARTICLE + "$")


def _style(word: str) -> str | None:
    letters = word.replace("'", "").replace("’", "").replace("-", "")
    if not letters.isalpha():
        return None
    if letters.isupper():
        return "upper" if len(letters) > 1 else None
    if letters.islower():
        return "lower"
    if letters[0].isupper() and letters[1:].islower():
        return "title"
    return None


def extend_name_runs(
    text: str, spans: list[tuple[int, int, str]], vocabulary: Vocabulary, allowed: frozenset[str]
) -> list[tuple[int, int, str]]:
    """``spans`` (sorted, not overlapping) with name words spread to their neighbours and runs joined."""
    grown: list[list] = [list(span) for span in spans]
    listed: list[list] = []  # names found by being listed with one: their own spans
    for span in grown:
        if span[2] not in _NAME_ENTITIES:
            continue
        style = _style(text[span[0] : span[1]].split()[0]) if text[span[0] : span[1]].strip() else None
        if style is None or style == "lower":
            continue  # lower-case prose runs on; lower-case names are the role rule's
        if (
            span[2] == "PERSON"  # not an unknown acronym: "OMX Sales" is a product line
            and _INITIALS.fullmatch(text, span[0], span[1])
            and (m := _WORD_AFTER.match(text, span[1]))
            and _joins(m.group(1), "title", vocabulary, allowed)
        ):
            span[1], style = m.end(1), "title"  # "signed by WK Njeri": initials in capitals, then the surname
        while (m := _WORD_AFTER.match(text, span[1])) and _joins(m.group(1), style, vocabulary, allowed):
            span[1] = m.end(1)
        first = span
        while (m := _LISTED_BEFORE.search(text[max(0, first[0] - 60) : first[0]])) and style == "title" and _joins(
            m.group(1), style, vocabulary, allowed, LISTED_DEPTH
        ):
            first = [first[0] - len(m.group(0)), first[0] - len(m.group(0)) + len(m.group(1)), span[2]]
            listed.append(first)
        while (m := _LISTED_AFTER.match(text, span[1])) and style == "title" and _joins(
            m.group(1), style, vocabulary, allowed, LISTED_DEPTH
        ):
            listed.append([m.start(1), m.end(1), span[2]])
            span = listed[-1]
        while (m := _WORD_BEFORE.search(text[max(0, span[0] - 60) : span[0]])) and _joins(
            m.group(1), style, vocabulary, allowed
        ):
            span[0] -= len(m.group(0))
    return _join(text, _drop_overlaps(grown + listed))


def _joins(word: str, style: str, vocabulary: Vocabulary, allowed: frozenset[str], depth: int = 5_000) -> bool:
    if _style(word) != style or word.casefold() in allowed or word.casefold() in _ROLES:
        return False  # "Customer Wanjiru": the role announces the name, it is not part of it
    if style == "upper":
        depth = min(depth, UPPER_DEPTH)
    return not vocabulary.is_very_common(word, depth)


def _drop_overlaps(spans: list[list]) -> list[list]:
    out: list[list] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and span[0] < out[-1][1]:
            if span[1] > out[-1][1]:
                out[-1][1] = span[1]
            if span[2] == "PERSON" and out[-1][2] == "UNKNOWN":
                out[-1][2] = "PERSON"
            continue
        out.append(span)
    return out


def _join(text: str, spans: list[list]) -> list[tuple[int, int, str]]:
    joined: list[list] = []
    for span in spans:
        if (
            joined
            and span[2] in _NAME_ENTITIES
            and joined[-1][2] in _NAME_ENTITIES
            and _GAP.fullmatch(text, joined[-1][1], span[0])
        ):
            joined[-1][1] = span[1]
            if span[2] == "PERSON":
                joined[-1][2] = "PERSON"
        else:
            joined.append(span)
    return [tuple(span) for span in joined]
