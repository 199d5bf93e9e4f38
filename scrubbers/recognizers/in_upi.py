"""UPI virtual payment addresses, such as ``priya.sharma@okaxis`` or ``9876543210@ybl``.

NPCI's UPI ids are ``<handle>@<psp>``: the handle is chosen by the person (often
their name or phone number), the PSP part names the bank app and, unlike an
e-mail domain, has no dot. The PSP part must be one of the handles the big UPI
apps and banks issue (ybl, okaxis, oksbi, paytm, upi, ibl, axl ...), or the id
must follow "UPI" or "VPA": ``user@host`` in a connection string is not a UPI
id. Package scopes (``@prisma/client``) have nothing before the ``@``. Score 0.8.
"""

from scrubbers.recognizers._regex import RegexRecognizer

_HANDLES = (
    "ybl|ibl|axl|okaxis|oksbi|okhdfcbank|okicici|paytm|ptyes|ptaxis|pthdfc|ptsbi|upi|apl|yapl|rapl|waicici|"
    "wahdfcbank|waaxis|wasbi|airtel|jio|freecharge|axisbank|axisb|hdfcbank|icici|sbi|kotak|kbl|pnb|boi|cnrb|"
    "unionbank|barodampay|idfcbank|idfcfirst|indus|yesbank|yesbankltd|rbl|federal|aubank|dbs|citi|hsbc|sc|"
    "postbank|mahb|allbank|timecosmos|fbl|ikwik|abfspay|naviaxis|superyes|tapicici|pingpay|slc|shriramhdfcbank"
)
_ID = r"(?<![\w.@-])[A-Za-z0-9][A-Za-z0-9._-]{1,255}@"
UPI_ID = _ID + r"(?i:" + _HANDLES + r")(?![\w.@-]|\.\w)"
UPI_ID_AFTER_WORD = r"(?i:\b(?:upi|vpa)(?:[ _-]?id)?\W{1,3})(?P<value>" + _ID + r"[A-Za-z][A-Za-z0-9]{1,63})(?![\w.@-]|\.\w)"


class UpiIdRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("UPI_ID", [UPI_ID, UPI_ID_AFTER_WORD], score=0.8, precheck=r"\w@[A-Za-z]")
