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
    "postgres mysql sa www-data nobody daemon service id no number pin code ref".split()
)
# A handle made of name words: "grace_wambui", "mary.atieno", "njeri-kamau".
_HANDLE = regex.compile(r"[^\W\d_]+(?:[._-][^\W\d_]+){1,3}")


def looks_like_code(span: str) -> bool:
    """True if ``span`` is shaped like an identifier, path or code rather than a name."""
    words = span.split()
    if not words or _CODE_CHARS.search(_INITIAL_DOT.sub("A", span)):
        return True
    return any(_CAMEL.search(_NAME_PREFIX.sub("", w)) or (_SHOUT.match(w) and len(words) == 1) for w in words)


def is_handle(span: str) -> bool:
    """True for a user handle made of two to four words joined by dots, underscores or hyphens."""
    return _HANDLE.fullmatch(span) is not None
