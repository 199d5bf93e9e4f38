"""UPI virtual payment addresses, such as ``priya.sharma@okaxis`` or ``9876543210@ybl``.

NPCI's UPI ids are ``<handle>@<psp>``: the handle is chosen by the person (often
their name or phone number), the PSP part names the bank app and, unlike an
e-mail domain, has no dot. So an ``@`` followed by letters that do not continue
into a domain is a UPI id. Package scopes (``@prisma/client``), decorators and
mentions have nothing before the ``@`` and are left alone. Score 0.8.
"""

from scrubbers.recognizers._regex import RegexRecognizer

UPI_ID = r"(?<![\w.@-])[A-Za-z0-9][A-Za-z0-9._-]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}(?![\w.@-]|\.\w)"


class UpiIdRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("UPI_ID", [UPI_ID], score=0.8, precheck=r"\w@[A-Za-z]")
