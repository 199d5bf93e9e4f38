"""Rules that tell a code token from a person's name.

A small English NER model reads log lines as prose and tags class names, file
names and error codes as PERSON (presidio#786, #1173). A real name has no dots,
slashes, brackets, underscores or digits, and is not a CamelCase identifier.
"""

import re

_CODE_CHARS = re.compile(r"[._/\\()\[\]{}<>=:;@#$%&*+|~`\"0-9]")
_CAMEL = re.compile(r"[a-z][A-Z]")
_SHOUT = re.compile(r"^[A-Z0-9_]{2,}$")


def looks_like_code(span: str) -> bool:
    """True if ``span`` is shaped like an identifier, path or code rather than a name."""
    words = span.split()
    if not words or _CODE_CHARS.search(span):
        return True
    return any(_CAMEL.search(w) or _SHOUT.match(w) for w in words)
