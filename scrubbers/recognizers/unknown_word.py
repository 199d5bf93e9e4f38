"""Fail closed: every word of free text that is not known to be safe.

The other recognizers find what has a shape (ids, phones, keys) or a context
(a role word, a key). What has neither, a name nobody listed, a product, a
street, a sentence a user typed, would otherwise be stored as sent. This rule
turns the question around: a word survives only if it is

- part of a technical shape: CamelCase (``SqliteException``), joined to its
  neighbours by dots, underscores, digits, ``::`` or ``->`` (``Omnix.Sales.Save``,
  ``SQLITE_BUSY``, ``x86_64``, ``Program.cs``), or called (``save(``);
- a short upper-case acronym (``HTTP``, ``KRA``; four letters at most);
- an XML or HTML element's or attribute's name (``<LEDGERNAME>``, ``</soap:Body>``, ``xmlns``);
- the reason phrase of an HTTP status right after its code (``422 Unprocessable Entity``, from the
  standard library's ``http.HTTPStatus``);
- a common word of English or Swahili (``scrubbers/vocabulary.py``).

Everything else is ``<UNKNOWN>``. A tenant's allow terms are applied after this,
like for every rule. The same holds for numbers: a bare run of six or more
digits (``ID``) is an identifier unless it is a line, port, code, duration,
size or version by its neighbours. Score 0.35: the last resort, so any more
specific rule that claims the same word names it.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_filters import in_stack_frame_name
from scrubbers.recognizers.route_id import in_http_route
from scrubbers.vocabulary import Vocabulary

LETTERS = regex.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# A neighbour character that makes a letter run part of a code token.
_JOINED_BEFORE = frozenset("._$#*`")
_JOINED_AFTER = frozenset("._(<`[*&")
_DIGITS = frozenset("0123456789")
_SEPARATORS = regex.compile(r"[._-]+")
_HUMPS = regex.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# What makes a token code whatever its words: digits, calls, member access, brackets, a sigil.
_CODE_SIGNS = regex.compile(r"[\d()<>\[\]{}$#*`@/\\=]|::|->")
_FILE_EXTENSION = regex.compile(r"\.(?:[a-z]{1,4}|dylib|swift|scala|kts)$")
_HEX_LITERAL = regex.compile(r"0[xX][0-9A-Fa-f]+\b")
_MAX_CODE_PREFIX = 3
_CAMEL = regex.compile(r"\p{Ll}\p{Lu}|\p{Lu}{2}\p{Ll}")
# A Windows account's usual shape, a given name and the surname's initial ("WambuiK"): not CamelCase code.
_NAME_AND_INITIAL = regex.compile(r"\p{Lu}\p{Ll}{2,}\p{Lu}")
_NAME_PREFIX = regex.compile(r"^(?:Ma?c|O['’]|D['’]|Fitz|De|Di|La|Le|Van|Von)(?=\p{Lu}\p{Ll})")
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;>\]\)]\s+|\n\s*|^\W{1,3})$")
_MAX_ACRONYM = 4
# An XML or HTML element's name: right after "<" or "</" (or a namespace prefix), up to ">", "/>" or its
# attributes, and an element only if its other tag is there too ("<Wambui>" alone is a name in brackets).
_MARKUP_TAG_OPEN = regex.compile(r"</?(?:[\w.-]{1,40}:)?")
_MARKUP_TAG_REST = regex.compile(r"[\w.:-]*(?P<end>/>|>|\s+[\w.:-]+=)")
# ... and its attributes' names: <soap:Envelope xmlns:soap="..." encoding="utf-8">.
_IN_MARKUP_TAG = regex.compile(r"<[\w.:-]+(?:\s+[\w.:-]+=(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))*\s+")
_ATTRIBUTE_REST = regex.compile(r"[\w.:-]*=")

# Not glued to a word ("v1.123456", "build-123456"); after a colon it is bare ("qq:821082566", "id: 600638",
# "PartyA":600638) unless a technical word before it says what it is ("line:123456", "port:543210").
BARE_DIGITS = regex.compile(r"(?<![\w.,/+-])\d{6,}(?![\w.,:/-])")
# Words that make the number after them technical: a line, a port, a code, an offset.
_NUMBER_CONTEXT_BEFORE = regex.compile(
    r"(?i)(?:\bline|\bport|\bcode|\berrno|\berror|\bstatus|\bhresult|\bexit|\bpid|\boffset|\bsize|\blength|"
    r"\bbytes|\btimeout|\bafter|\btook|\belapsed|\bduration|\bversion|\bbuild|\bv|\bsqlstate|\berr)\W{0,3}$"
)
_NUMBER_UNIT_AFTER = regex.compile(r"(?i)\s?(?:ms|µs|us|ns|s|sec|secs|seconds|min|mins|minutes|h|hours|b|kb|mb|gb|bytes)\b")


class UnknownWordRecognizer(RegexRecognizer):
    def __init__(self, vocabulary: Vocabulary | None = None):
        super().__init__("UNKNOWN", [], score=0.35)
        self.supported_entities = ["UNKNOWN", "ID"]
        self._vocabulary = vocabulary or Vocabulary()

    def entity_spans(self, text: str) -> list[tuple[int, int, str]]:
        found = [(s, e, "UNKNOWN") for s, e in self.word_spans(text)]
        found.extend((s, e, "ID") for s, e in self.number_spans(text))
        return found

    def word_spans(self, text: str) -> list[tuple[int, int]]:
        known = self._vocabulary.is_known
        found = []
        # Words this text shows to be package or folder names of code (node_modules/knex, src/hockeypuck/x.go):
        # the same word elsewhere in the text ("Knex: Timeout acquiring a connection") names that code too.
        code_words: set[str] = set()
        has_frames = _JS_FRAME_LINE.search(text) is not None
        reasons = (
            [m.span("reason") for m in _HTTP_REASON.finditer(text, timeout=self.budget.remaining())]
            if _HTTP_REASON_PRECHECK.search(text)
            else []
        )
        for match in LETTERS.finditer(text, timeout=self.budget.remaining()):
            start, end = match.span()
            word = match.group()
            if known(word) and _stands_alone(text, start, end):
                continue  # a common word between spaces or punctuation: no rule below could take it
            if _in_hex_run(text, start, end) or _LINE_WORD.match(text, end) and _FILE_COLON.search(text, 0, start):
                continue  # PublicKeyToken=adb9793829ddae60; Database.cs:Zeile 124 (a stack trace in German)
            if reasons and any(s <= start and end <= e for s, e in reasons):
                continue  # "HTTP 422 Unprocessable Entity": the standard reason phrase after its status code
            if word.isascii() and _markup_element_name(text, start, end):
                continue  # <LEDGERNAME>, </FirstName>, <soap:Body xmlns=...>: markup's element names
            if _CODE_NAME_BEFORE.search(text, max(0, start - 40), start):
                continue  # a Python frame's function (", line 83, in asynloop") or logger ("INFO:httpx:")
            if has_frames and word.isascii() and in_stack_frame_name(text, start, end):
                continue  # a JavaScript frame's function: "at new Promise (<anonymous>)", "at Constructor (x.js:1:2)"
            # Code is written in ASCII: a dotted Thai or Devanagari word is still a word.
            if word.isascii() and (
                _joined(text, start, end)
                or _in_namespace(text, start, end, word)
                or _in_document_name(text, start, end)
                or _in_source_file_name(text, start, end)
            ):
                if _named_by_a_person(text, start, end) and not _is_extension(text, start, end):
                    # A document's file name or a field's value: people name these, so each piece is judged,
                    # and a piece next to an unknown one goes with it unless it is one of the commonest words.
                    if self._label_has_unknown(text, start, end) and not self._vocabulary.is_very_common(word):
                        found.append((start, end))
                    continue
                if _path_segment_handle(text, start, end) and not _in_code_path(text, start):
                    # A folder named by a handle ("/receipts/mary.atieno/"): a name unless a piece is one of the
                    # commonest words ("/static/app.bundle/").
                    if self._compound_has_only_rare_pieces(text, start, end):
                        found.append((start, end))
                    continue
                if self._compound_is_code(text, start, end):
                    continue
                found.append((start, end))  # a name in code's clothes: none of its pieces is a common word
                continue
            elif _CAMEL.search(_NAME_PREFIX.sub("", word)) and self._compound_is_code(text, start, end):
                continue
            if (text[start - 1 : start] == "-" or text[end : end + 1] == "-") and word.isascii() and _in_url_host(text, start):
                # A host named after its owner ("http://wanjiru-pc7/"): a label's piece next to an unknown one goes
                # with it, unless it is among the commonest words ("api-gateway", "my-shop").
                if self._label_has_unknown(text, start, end) and not self._vocabulary.is_very_common(
                    word, _HANDLE_PIECE_DEPTH
                ):
                    found.append((start, end))
                    continue
            if word.isupper() and len(word) <= _MAX_ACRONYM:
                continue
            if _path_segment(text, start, end) and (word in _SYSTEM_FOLDERS or _in_code_path(text, start)):
                code_words.add(word.casefold())
                continue  # code: site-packages/sqlalchemy, node_modules/@prisma/client, /app/src/schemas/x.ts
            if _path_segment(text, start, end) and _FRAME_FILE_AFTER.match(text, end):
                continue  # the script a Python frame runs: File "/usr/local/bin/celery", line 8
            if _path_segment(text, start, end):
                # Folders are named after people in lower case too: the capitalised depth applies. A route's
                # segments are the API's words (/auth/v1/token, /mpesa/stkpush): lower-case jargon is kept
                # there as in prose, and the segments that name someone are the route-id rule's.
                if self._vocabulary.is_common(word) or known(word.upper()):
                    continue
                if word.islower() and known(word) and in_http_route(text, start):
                    continue
            elif known(word):
                continue
            # A capital that only starts a sentence says nothing: judge the word as if in lower case.
            if word[0].isupper() and word[1:].islower() and _SENTENCE_START.search(text[max(0, start - 4) : start]):
                if known(word.lower()) and not _followed_by_title_word(text, end):
                    continue
            found.append((start, end))
        if code_words:
            found = [(s, e) for s, e in found if text[s:e].casefold() not in code_words]
        return found

    def _compound_is_code(self, text: str, start: int, end: int) -> bool:
        """True unless the code-shaped token around the word is made only of words nobody knows.

        ``django.db``, ``ux_shift_slot`` and ``SqliteException`` hold a common word and are code;
        ``wanjiru.kamau``, ``peter_njeru`` and ``WanjiruKamau`` hold none: they are a name in code's
        clothes, and their words are judged like any other. Digits, ``::``, calls and longer tokens
        (more than three pieces) are code whatever their words.
        """
        token_start, token_end = _compound_bounds(text, start, end)
        token = text[token_start:token_end].strip("._-")
        if _NAME_AND_INITIAL.fullmatch(token) and text[token_end : token_end + 1] != "(":
            return self._vocabulary.is_common(token[:-1])  # C:\...\WambuiK\: an account named by name and initial
        if not token or not token.isascii() or token.isupper() or _CODE_SIGNS.search(text[max(0, token_start - 1) : token_end + 2]):
            return True  # SQLITE_READONLY and other capital compounds are error codes
        pieces = [h for part in _SEPARATORS.split(token) for h in _HUMPS.findall(part)]
        if not 2 <= len(pieces) <= 3 or _FILE_EXTENSION.search(token):
            return True
        common = self._vocabulary.is_common
        return any(common(piece) or len(piece) <= 2 for piece in pieces)

    def _compound_has_only_rare_pieces(self, text: str, start: int, end: int) -> bool:
        token_start, token_end = _compound_bounds(text, start, end)
        pieces = _SEPARATORS.split(text[token_start:token_end].strip("._-"))
        very_common = self._vocabulary.is_very_common
        if any(len(piece) <= 2 or very_common(piece, _HANDLE_PIECE_DEPTH) for piece in pieces):
            return False
        return not all(very_common(piece) for piece in pieces)

    def _label_has_unknown(self, text: str, start: int, end: int) -> bool:
        """A piece of the host label around the word (letters, digits, hyphens) is not a common word."""
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "-"):
            end += 1
        pieces = [h for part in text[start:end].split("-") for h in _HUMPS.findall(part)]
        return any(not self._vocabulary.is_common(piece) and len(piece) > 2 for piece in pieces)

    def _compound_has_unknown(self, text: str, start: int, end: int) -> bool:
        token_start, token_end = _compound_bounds(text, start, end)
        pieces = [h for part in _SEPARATORS.split(text[token_start:token_end]) for h in _HUMPS.findall(part)]
        return any(not self._vocabulary.is_common(piece) and len(piece) > 2 for piece in pieces)

    def number_spans(self, text: str) -> list[tuple[int, int]]:
        found = []
        for match in BARE_DIGITS.finditer(text, timeout=self.budget.remaining()):
            start, end = match.span()
            if _NUMBER_CONTEXT_BEFORE.search(text[max(0, start - 12) : start]) or _NUMBER_UNIT_AFTER.match(text, end):
                continue
            if is_compact_timestamp(match.group()):
                continue  # Daraja's "Timestamp":"20240610143215": a time of day, which identifies nobody
            found.append((start, end))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult(entity, s, e, self._score) for s, e, entity in self.entity_spans(text)]


def is_compact_timestamp(digits: str) -> bool:
    """Fourteen digits that read as a time this century, to the second (``YYYYMMDDhhmmss``).

    M-Pesa's Daraja API and many log formats write times so. A random 14-digit id reads as one about
    three times in 100,000, and a number that another rule knows (an account after its word, a card)
    is still that rule's.
    """
    if len(digits) != 14 or not digits.startswith("20"):
        return False
    try:
        dt.datetime.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


# The reason phrases of the standard library's HTTPStatus, right after their own status code.
_HTTP_REASON = regex.compile(
    r"(?i)(?<!\d)(?:"
    + "|".join(rf"{status.value}\s(?P<reason>{regex.escape(status.phrase)})" for status in HTTPStatus)
    + r")(?![\w-])"
)


# A text with a JavaScript stack frame in it; only then is each word checked for being a frame's function.
_JS_FRAME_LINE = regex.compile(r"(?:^|\n|\\n)[ \t]*at \S")
_HTTP_REASON_PRECHECK = regex.compile(r"(?<!\d)[1-5]\d\d\s[A-Za-z]")


# Folders that hold installed code, not a person's files; what follows them in a path is a package name.
_CODE_PATH = regex.compile(
    r"(?:node_modules|site-packages|dist-packages|vendor|\.nuget|\.gradle|\.m2|\.cargo|gopkg\.in|github\.com|"
    r"(?:^|[\s(\"'])(?:internal|node:)|/usr/|/lib/|/opt/|/System/|Library/Developer|go/src|Frameworks)[/\\:]\S*$"
)


# The Filesystem Hierarchy Standard's top folders, which wordfreq does not know as words.
_SYSTEM_FOLDERS = frozenset("usr tmp sbin lib64 srv sys mnt".split())  # the rest are common words


# A path that ends in a source file is a project's tree: its folders (src, schemas, controllers) are code.
_SOURCE_FILE_AHEAD = regex.compile(
    r"[^\s\"'()<>,]*?\.(?:tsx?|jsx?|mjs|cjs|py|cs|vb|fs|java|kts?|swift|go|rb|php|dart|mm?|cc|cpp|c|h|rs|scala|vue|dll|so|dylib|jar)(?::\d+)*(?![\w.])"
)


def _in_code_path(text: str, start: int) -> bool:
    if _IN_URL.search(text, max(0, start - 300), start):
        return False  # https://peterkamau.co.ke/api/callback.php: a site and its routes, not a source tree
    return _CODE_PATH.search(text[max(0, start - 200) : start]) is not None or _SOURCE_FILE_AHEAD.match(text, start) is not None


_IN_URL = regex.compile(r"(?:https?|wss?|ftp)://[^\s\"'<>]*$")


_HEX_RUN = regex.compile(r"[0-9a-f]{8,}|[0-9A-F]{8,}")
# The word after "File.cs:" and before the line number is "line" in the runtime's language.
_FILE_COLON = regex.compile(r"\.[A-Za-z]{1,5}:$")
_LINE_WORD = regex.compile(r" \d+\b")


# What names code by its place: a Python traceback frame's function, the logger in logging's default format.
_CODE_NAME_BEFORE = regex.compile(
    r"(?:, line \d+, in |\b(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):|File \"<frozen )(?:[\w.]*\.)?$"
)


def _in_hex_run(text: str, start: int, end: int) -> bool:
    """Letters inside a run of at least eight hex digits, with digits in it (a hash, a key token), or after 0x."""
    while start > 0 and text[start - 1] in _HEX_CHARS:
        start -= 1
    while end < len(text) and text[end] in _HEX_CHARS:
        end += 1
    run = text[start:end]
    if start >= 2 and text[start - 2 : start] in ("0x", "0X") and not (end < len(text) and text[end].isalnum()):
        return True  # 0x1018ecdf0
    return (
        _HEX_RUN.fullmatch(run) is not None
        and any(c.isdigit() for c in run)
        and not (start > 0 and text[start - 1].isalnum())
        and not (end < len(text) and text[end].isalnum())
    )


_HEX_CHARS = frozenset("0123456789abcdefABCDEF")


def _compound_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The letters-and-joiners token around ``text[start:end]`` (digits count, so file names stay whole)."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "._-"):
        end += 1
    return start, end


# Files people name (documents, exports, pictures), unlike source files; and a value right after key= or key:.
_DOCUMENT = regex.compile(r"\.(?i:pdf|csv|xlsx?|docx?|odt|ods|txt|rtf|jpe?g|png|gif|heic|zip|msg|eml|pptx?)$")
_VALUE_BEFORE = regex.compile(r"(?:\w\s?=\s?[\"']?|[\"']\s?:\s?[\"'])$")


# A piece this common makes a dotted folder code ("app.bundle"), and so do pieces all among the 5,000
# commonest ("user.settings"); a handle has a rarer piece ("mary.atieno").
_HANDLE_PIECE_DEPTH = 1_000
_HANDLE_SEGMENT = regex.compile(r"[A-Za-z]+(?:[._][A-Za-z]+){1,2}")


def _path_segment_handle(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a piece of a whole path segment made of two or three dotted words."""
    token_start, token_end = _compound_bounds(text, start, end)
    if token_start == 0 or text[token_start - 1] not in "/\\" or (token_end < len(text) and text[token_end] not in "/\\"):
        return False
    return _HANDLE_SEGMENT.fullmatch(text, token_start, token_end) is not None and not _FILE_EXTENSION.search(
        text[token_start:token_end]
    )


def _in_document_name(text: str, start: int, end: int) -> bool:
    """Part of a document's file name whose words are joined by hyphens: ``mary-atieno-timesheet.xlsx``."""
    if text[start - 1 : start] != "-" and text[end : end + 1] != "-":
        return False  # every word of such a name touches a hyphen (or a dot or underscore, which _joined takes)
    token_start, token_end = _compound_bounds(text, start, end)
    token = text[token_start:token_end]
    word = text[start:end]
    if word.isupper() and len(word) <= _MAX_ACRONYM:
        return False  # GRN-1042.pdf: a document type's acronym
    return "-" in token and _DOCUMENT.search(token) is not None


# Files of code and built code, whose hyphenated names are code like their dotted ones: objc-exception.mm:565,
# spring-webmvc-6.0.13.jar.
_SOURCE_FILE_NAME = regex.compile(
    r"[\w.-]*\.(?:tsx?|jsx?|mjs|cjs|py|cs|vb|fs|java|kts?|swift|go|rb|php|dart|mm?|cc|cpp|c|h|rs|scala|vue|dll|so|dylib|jar|aar|war|whl|nupkg|gem)$"
)


def _in_source_file_name(text: str, start: int, end: int) -> bool:
    """A hyphen-joined piece of a source or library file's name (``objc-exception.mm``, ``spring-webmvc-6.0.jar``)."""
    if text[start - 1 : start] != "-" and text[end : end + 1] != "-":
        return False
    token_start, token_end = _compound_bounds(text, start, end)
    return _SOURCE_FILE_NAME.fullmatch(text, token_start, token_end) is not None


# What follows the file of a Python traceback frame.
_FRAME_FILE_AFTER = regex.compile(r"[\"'], line \d+")


def _is_extension(text: str, start: int, end: int) -> bool:
    return start > 0 and text[start - 1] == "." and _DOCUMENT.search(text[start - 1 : end]) is not None


def _named_by_a_person(text: str, start: int, end: int) -> bool:
    token_start, token_end = _compound_bounds(text, start, end)
    token = text[token_start:token_end].rstrip("._-")
    if token.isupper():
        return False  # SQLITE_BUSY: an error code, not a name
    if token_end < len(text) and text[token_end] == "(":
        return False  # response = wrapped_callback(request): an assignment in code, not a field's value
    if _QUALIFIED_TYPE.fullmatch(token):
        return False  # "SourceContext":"Umbraco.Core.Persistence.UmbracoDatabase": a fully qualified class
    return _DOCUMENT.search(token) is not None or _VALUE_BEFORE.search(text[max(0, token_start - 4) : token_start]) is not None


# Three or more dotted namespaces and a CamelCase class (two humps at least): how runtimes name a type.
_QUALIFIED_TYPE = regex.compile(r"(?:[A-Za-z]\w*\.){3,}\p{Lu}\w*?(?:\p{Ll}\p{Lu}|\p{Lu}{2}\p{Ll})\w*")


# The neighbours that join a word to nothing: no code shape, path, host, file name or number touches it.
_ALONE_BEFORE = frozenset(" \t\n\r,;\"'([{!?")
_ALONE_AFTER = frozenset(" \t\n\r,;\"')]}!?")


def _markup_element_name(text: str, start: int, end: int) -> bool:
    # The nearest "<" before the word, found by rfind: most words have none close by, and a search with
    # the patterns below would try every position before each word.
    opening = text.rfind("<", max(0, start - 300), start)
    if opening == -1 or text.find(">", opening, start) != -1:
        return False
    if _ATTRIBUTE_REST.match(text, end) and _IN_MARKUP_TAG.fullmatch(text, opening, start):
        return True
    if start - opening > 42 or not _MARKUP_TAG_OPEN.fullmatch(text, opening, start):
        return False
    rest = _MARKUP_TAG_REST.match(text, end)
    if rest is None:
        return False
    if rest.group("end") != ">":
        return True  # attributes or a self-closing tag: markup whatever else the text holds
    tag = text[opening : rest.start("end")].lstrip("</")
    if text[opening + 1 : opening + 2] == "/":
        return ("<" + tag) in text[:opening]
    return ("</" + tag + ">") in text[rest.end() :]


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Nothing but space or plain punctuation on either side; a dot or colon after only if it ends there.

    Every rule of ``word_spans`` that can take a known word needs a joiner, a digit, a hyphen, a slash or
    ``::`` beside it, so a known word that stands alone is kept without asking them (most words do).
    """
    if start > 0 and text[start - 1] not in _ALONE_BEFORE:
        return False
    if end == len(text):
        return True
    after = text[end]
    if after in _ALONE_AFTER:
        return True
    following = text[end + 1 : end + 2]
    return (after == "." and not following.isalnum()) or (after == ":" and following != ":")


def _path_segment(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in "/\\") or (end < len(text) and text[end] in "/\\")


def _joined(text: str, start: int, end: int) -> bool:
    """Joined to a neighbour by a code character, ``::`` or ``->``: part of an identifier or a member access."""
    # Digits glued to the word (psycopg2, okhttp3, PGRST116) belong to it: look past them for a joiner.
    outer_start, outer_end = start, end
    while outer_start > 0 and text[outer_start - 1] in _DIGITS:
        outer_start -= 1
    while outer_end < len(text) and text[outer_end] in _DIGITS:
        outer_end += 1
    before = text[outer_start - 1] if outer_start > 0 else ""
    after = text[outer_end] if outer_end < len(text) else ""
    # A dot joins only between two word characters: "Wanjiru." ends a sentence.
    joined_before = before in _JOINED_BEFORE and (before != "." or (outer_start > 1 and text[outer_start - 2].isalnum()))
    joined_after = after in _JOINED_AFTER and (after != "." or text[outer_end + 1 : outer_end + 2].isalnum())
    if joined_before or joined_after:
        return not _in_url_host(text, start)
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before == "0" and _HEX_LITERAL.match(text, start - 1):
        return True  # 0xcfde00
    if (before in _DIGITS or after in _DIGITS) and text[start:end].isupper():
        return True  # an upper-case error code: E11000, HY000, PGRST116, ORA00942
    if (before in _DIGITS or after in _DIGITS) and end - start <= _MAX_CODE_PREFIX:
        return True  # an error code or unit: E11000, HY000, 0x1f, 30ms, sha256
    return text[max(0, start - 2) : start] in ("::", "->") or text[end : end + 2] in ("::", "->")


_URL_HOST_BEFORE = regex.compile(r"(?:https?|wss?|ftp)://(?:[\w-]+\.)*$|(?<![\w.@/])www\.(?:[\w-]+\.)*$")


def _in_url_host(text: str, start: int) -> bool:
    """In ``https://peter.example.co.ke`` the labels are words to judge: a host is often named after its owner."""
    return _URL_HOST_BEFORE.search(text[max(0, start - 120) : start]) is not None


_CODE_NAMESPACE = regex.compile(r"[\w\\]*(?:::|->|\()")


def _in_namespace(text: str, start: int, end: int, word: str) -> bool:
    """A capitalised segment of a PHP or C++ namespace that ends in a call (``App\\Http\\Kernel::handle``).

    A share or folder path (``\\\\FS01\\Staff\\Wanjiru``) has the same backslashes but no call: its
    segments are judged as words, since folders are named after people.
    """
    if not word[0].isupper():
        return False
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if not (before == "\\" or after == "\\"):
        return False
    return _CODE_NAMESPACE.match(text, end) is not None


_TITLE_WORD_AFTER = regex.compile(r" {1,2}\p{Lu}\p{Ll}+(?![\p{L}\d_.(])")


def _followed_by_title_word(text: str, end: int) -> bool:
    """True when a plain capitalised word follows: "Wanjiru Kamau" may be a name, "Uncaught TypeError" is not."""
    return _TITLE_WORD_AFTER.match(text, end) is not None
