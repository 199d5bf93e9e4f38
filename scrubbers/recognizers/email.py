"""E-mail addresses, validated offline.

Presidio's own EmailRecognizer validates the domain through tldextract, which
downloads the public suffix list on first use and hangs for minutes without a
network (presidio#1205). A syntactic check is enough to decide "this is an
address": a local part, one ``@``, dot-separated labels and an alphabetic TLD.
"""

import re

from scrubbers.recognizers._regex import RegexRecognizer

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])"
)


class EmailRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("EMAIL", [EMAIL], score=0.95)
