"""Values under keys that name a secret: ``password=...``, ``'PASSWORD': '...'``, ``token=...``.

Connection strings (``Password=x;``), query strings (``?token=x``), JSON, Python
dict reprs and log key=value pairs all put a secret right after a key such as
password, pwd, passcode, passkey, secret, token, api_key, client_secret, credential,
ConsumerSecret or Daraja's SecurityCredential (prefixed
forms like ``key_secret`` and ``X-Amz-Credential`` included). The value runs to
its closing quote, or when unquoted to the next ``;``, space, comma or bracket
(an ``&`` ends it only when a new ``key=`` follows, so ``Tr0ub4dor&3`` stays
whole). Empty, null, already-masked and shorter than four characters values are
skipped ("Invalid token: jwt malformed"). Score 0.9: a key
name this explicit means what it says. Secrets are redacted, never hashed.
"""

from scrubbers.recognizers._keyvalue import SEPARATOR, key_value_pattern
from scrubbers.recognizers._regex import RegexRecognizer

_KEYS = (
    r"password|passwd|pwd|pass|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"secret[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token|"
    r"session[_-]?token|refresh[_-]?token|access[_-]?token|aws_access_key_id|signature|passcode|passkey|"
    r"security[_-]?credential|consumer[_-]?secret|consumer[_-]?key|app[_-]?secret|app[_-]?key"
)
_PRECHECK = r"(?i)(?:" + _KEYS + r")" + SEPARATOR
SECRET_VALUE = key_value_pattern(_KEYS, unquoted=r"(?:[^\s;,'\"(){}\[\]<>&]|&(?![A-Za-z_]\w*=)){1,500}")

_NOT_SECRETS = frozenset({"null", "none", "nil", "true", "false", "undefined", "redacted", "[redacted]", "***"})


def _is_secret(value: str) -> bool:
    return len(value) >= 4 and value.casefold() not in _NOT_SECRETS and not value.startswith("<")


class SecretKeyValueRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [SECRET_VALUE], score=0.9, validate=_is_secret, precheck=_PRECHECK)
