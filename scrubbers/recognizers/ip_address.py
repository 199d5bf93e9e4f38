"""IPv4 and IPv6 addresses.

Candidates are checked with the standard library's ``ipaddress`` parser. Four
dotted numbers are also how Windows and .NET write versions (``1.0.118.0``,
``Omnix 5.3.1.150``), so a dotted quad is left alone when it reads as a version:
after ``v``, "version", "build", "release" or a dash, right after a capitalised
product name ("Omnix 5.3.1.150"), or followed by a file extension. An IPv6
candidate needs at least two colons and a valid parse, which excludes clock times
and ``file.js:12:5`` positions. Addresses that identify nobody are kept, since
they say where a connection went wrong: loopback, private ranges, link-local,
unique-local IPv6, the documentation ranges, the unspecified address and IPv6's
never-assigned ``::/8`` (``127.0.0.1:5432``, ``10.0.2.2``, ``192.168.1.20``, ``::1``, ``fe80::1``,
``0.0.0.0``, and ``::1:5432``, Node's way of writing ``[::1]:5432``); an IPv4-mapped address
(``::ffff:8.8.8.8``) is judged as its IPv4 address. A public address written with dashes in a host name (``0042-196-108-161-29.ngrok.io``) is
one too. Score 0.85.
"""

import ipaddress

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer

IPV4 = regex.compile(r"(?<![\w.-])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)")
# Hosts named after their address: ngrok's 0042-196-108-161-29.ngrok.io, AWS's 54-12-3-4.compute-1.amazonaws.com.
DASHED_IPV4_IN_HOST = regex.compile(r"(?<![\d.])\d{1,3}(?:-\d{1,3}){3}(?=\.[A-Za-z])")
IPV6 = regex.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_VERSION_BEFORE = regex.compile(r"(?i)(?:\bv|\bversion\W{0,2}|\bver\W{0,2}|\bbuild\W{0,2}|\brelease\W{0,2}|-|(?-i:\b[A-Z][a-z]+ ))$")
_FILE_AFTER = regex.compile(r"\.[A-Za-z]")


_IDENTIFY_NOBODY = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "0.0.0.0/32",
        "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
        # ::/8 is reserved (RFC 4291) and never assigned: "::1:5432" is how Node writes [::1]:5432.
        "::/8", "fc00::/7", "fe80::/10", "2001:db8::/32",
    )
)  # fmt: skip


def _valid(candidate: str) -> bool:
    """A parseable address that could point at someone: public, not a local or documentation one."""
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:8.8.8.8 is that IPv4 address (and inside ::/8)
    return not any(address in network for network in _IDENTIFY_NOBODY if network.version == address.version)


class IpAddressRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("IP_ADDRESS", [IPV4, IPV6], score=0.85)

    def spans(self, text):
        found = []
        for match in IPV4.finditer(text, timeout=self.budget.remaining()):
            start, end = match.span()
            if _VERSION_BEFORE.search(text[max(0, start - 12) : start]) or _FILE_AFTER.match(text, end):
                continue
            if _valid(match.group()):
                found.append((start, end))
        for match in DASHED_IPV4_IN_HOST.finditer(text, timeout=self.budget.remaining()):
            start = match.start()
            if _VERSION_BEFORE.search(text[max(0, start - 12) : start]) and text[start - 1 : start] != "-":
                continue  # build 1-2-3-4.tar
            if (start == 0 or text[start - 1] in "-/@ \"'") and _valid(match.group().replace("-", ".")):
                found.append(match.span())
        for match in IPV6.finditer(text, timeout=self.budget.remaining()):
            value = match.group()
            if value.count(":") >= 2 and any(c not in ":0" for c in value) and _valid(value):
                if "::" in value or value.count(":") == 7:
                    found.append(match.span())
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult("IP_ADDRESS", s, e, self._score) for s, e in self.spans(text)]
