"""Rules that tell a code token from a person's name.

A small English NER model reads log lines as prose and tags class names, file
names and error codes as PERSON (presidio#786, #1173). A real name has no dots
(except after an initial, "Priya K. Sharma"), slashes, brackets, underscores or
digits, and is not a CamelCase identifier (Mc/Mac and O' prefixes excepted:
"McCarthy", "MacDonald", "O'Brien").
"""

import regex

_CODE_CHARS = regex.compile(r"[_/\\()\[\]{}<>=:;@#$%&*+|~`\"0-9]|\.(?=\S)")
_INITIAL_DOT = regex.compile(r"(?<![A-Za-z])[A-Z]\.")
_NAME_PREFIX = regex.compile(r"^(?:Ma?c|O['’]|D['’]|Fitz)(?=[A-Z])")
_CAMEL = regex.compile(r"[a-z][A-Z]")
_SHOUT = regex.compile(r"^[A-Z0-9_]{2,}$")
# Words that follow a person's role or key in code and docs too ("user=postgres", "by default"): never names.
NOT_NAMES = frozenset(
    "default admin administrator root guest anonymous unknown system support null none someone anyone everyone "
    "postgres mysql sa www-data nobody daemon service id no number pin code ref "
    # An error's class under "name" ({"name":"Error"}, bunyan and JS error objects): never a person.
    "error exception".split()
)
# The type names of the languages these apps are written in, which a small NER model takes for a person
# when one stands alone ("expected String, found Array"): code, never a name.
TYPE_NAMES = frozenset(
    "String Array Object Number Boolean Bool Int Integer Long Short Double Float Decimal Char Byte Date DateTime "
    "Map Set List Dictionary Optional Tuple Promise Symbol Buffer Void Any Unit Nothing Guid Uuid Task Stream".split()
)
# How a line of chat opens, and a name never does ("agent: Hi, how can I help?", "customer: ok thanks").
OPENERS = frozenset("hi hello hey hiya ok okay yes yeah no nope please thanks thank sorry dear good the i we".split())
# A handle made of name words: "grace_wambui", "mary.atieno", "njeri-kamau".
_HANDLE = regex.compile(r"[^\W\d_]+(?:[._-][^\W\d_]+){1,3}")


def looks_like_code(span: str) -> bool:
    """True if ``span`` is shaped like an identifier, path or code rather than a name."""
    words = span.split()
    if not words or _CODE_CHARS.search(_INITIAL_DOT.sub("A", span)):
        return True
    return any(_CAMEL.search(_NAME_PREFIX.sub("", w)) or (_SHOUT.match(w) and len(words) == 1) for w in words)


def is_handle(span: str) -> bool:
    """True for a user handle made of two to four words joined by dots, underscores or hyphens.

    A piece in CamelCase is code, not a name (``MainForm.cs``; ``McCarthy`` and ``O'Brien`` excepted).
    """
    return _HANDLE.fullmatch(span) is not None and not any(
        _CAMEL.search(_NAME_PREFIX.sub("", piece)) for piece in regex.split(r"[._-]", span)
    )


# A V8 (Node, Chrome) stack frame: "    at [async ][new ]Name[.member] (location)", the location a file with
# line and column, <anonymous> or native. Its name is a function or class (Constructor, Promise, Router).
_FRAME_HEAD = regex.compile(r"(?:^|\n|\\n)[ \t]*at (?:async )?(?:new )?(?:[\w$]+\.)*$")
_FRAME_TAIL = regex.compile(r"(?:\.[\w$<>]+)*(?: \[as [\w$]+\])? \((?:[^()\n]{1,400}:\d+:\d+|<anonymous>|native)\)")


def in_stack_frame_name(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is (part of) the function a JavaScript stack frame names: code, not a person."""
    # The anchored tail first: it fails at once for nearly every word.
    return _FRAME_TAIL.match(text, end) is not None and _FRAME_HEAD.search(text, max(0, start - 120), start) is not None
