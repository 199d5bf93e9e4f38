"""Vendor API keys with a recognisable prefix.

Stripe keys (``sk_live_``, ``pk_live_``, ``rk_test_`` ... then 10+ characters),
AWS access key ids (``AKIA``/``ASIA`` and related prefixes followed by 16
base-32 characters, per the AWS IAM identifier documentation), GitHub tokens
(``ghp_``, ``gho_``, ``github_pat_``), Slack tokens (``xoxb-`` ...) and Google
API keys (``AIza`` + 35 characters). The prefixes are published by the vendors
so that scanners can find leaked keys; a match is almost never anything else,
hence score 0.95. Secrets are always redacted, never hashed: a hash of a key
still lets anyone holding the key confirm it.
"""

from scrubbers.recognizers._regex import RegexRecognizer

_END = r"(?![A-Za-z0-9])"
API_KEYS = [
    r"(?<![A-Za-z0-9])(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}" + _END,
    r"(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}" + _END,
    r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,247})" + _END,
    r"(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,250}" + _END,
    r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}" + _END,
]

_PRECHECK = r"sk_|pk_|rk_|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|gh[pousr]_|github_pat_|xox[abprs]-|AIza"


class ApiKeyRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", API_KEYS, score=0.95, precheck=_PRECHECK)
