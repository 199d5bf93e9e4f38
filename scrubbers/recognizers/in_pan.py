"""Indian Permanent Account Numbers (PAN), such as ``ABCPK1234F``.

The Income Tax Department's format: five letters, four digits, a letter. The
fourth letter says who holds it (P a person, C a company, H a Hindu undivided
family, F a firm, A an association, T a trust, B a body of individuals, L a
local authority, J an artificial juridical person, G a government) and the
fifth is the initial of the holder's surname or name. That fourth letter is
what tells a PAN from a ten-character M-Pesa code of the same length, which
is why PAN ranks above MPESA_CODE. No checksum is published; the shape alone
is specific. Score 0.75.
"""

from scrubbers.recognizers._regex import RegexRecognizer

IN_PAN = r"(?<![A-Za-z0-9_-])[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z](?![A-Za-z0-9_-])"


class PanRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("PAN", [IN_PAN], score=0.75, precheck=r"[0-9]{4}[A-Z]")
