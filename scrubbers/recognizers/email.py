"""E-mail addresses, validated offline.

Presidio's own OfflineEmailRecognizer validates the domain through tldextract, which
downloads the public suffix list on first use and hangs for minutes without a
network (presidio#1205). A syntactic check is enough to decide "this is an
address": a local part, one ``@``, dot-separated labels and an alphabetic TLD.
The local part takes the characters real mailboxes use (letters, digits and
``._%+-``); RFC 5322 allows ``'``, ``=``, ``/`` and ``?`` too, but in logs those
are delimiters (``email='a@b.c'``, ``?email=a@b.c``), and a user-info password
before ``@`` in a URL is left to the URL-credentials rule (``://user:pw@host``), while ``mailto:`` and
``email:`` before an address do not hide it. Score 0.95.
"""

import regex

from scrubbers.recognizers._regex import RegexRecognizer

EMAIL = regex.compile(
    r"(?<![\w.+%-])(?<!://[^\s@/]{0,100})[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])"
)


class OfflineEmailRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("EMAIL", [EMAIL], score=0.95, precheck="@")
