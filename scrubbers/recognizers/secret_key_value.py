"""Values under keys that name a secret: ``password=...``, ``'PASSWORD': '...'``, ``token=...``.

Connection strings (``Password=x;``), query strings (``?token=x``), JSON, Python
dict reprs and log key=value pairs all put a secret right after a key such as
password, pwd, passcode, passkey, secret, token, api_key, client_secret, credential,
ConsumerSecret or Daraja's SecurityCredential (prefixed
forms like ``key_secret`` and ``X-Amz-Credential`` included), or the word for password in the languages
consoles prompt in (``密码``, ``пароль``, ``contraseña``, ``nenosiri`` ...; a bracketed note may follow it). The value runs to
its closing quote, or when unquoted to the next ``;``, space, comma or bracket
(an ``&`` ends it only when a new ``key=`` follows, so ``Tr0ub4dor&3`` stays
whole). Empty, null, already-masked and shorter than four characters values are
skipped ("Invalid token: jwt malformed"), and so is a call in source code (``api_key =
requestor.request(...)``: an identifier right before ``(``). Score 0.9: a key
name this explicit means what it says. Secrets are redacted, never hashed.
"""

import regex

from scrubbers.recognizers._keyvalue import KeyGate, is_call, key_value_pattern
from scrubbers.recognizers._regex import RegexRecognizer

_KEYS = (
    r"password|passwd|pwd|pass|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"secret[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token|"
    r"session[_-]?token|refresh[_-]?token|access[_-]?token|aws_access_key_id|signature|passcode|passkey|"
    r"security[_-]?credential|consumer[_-]?secret|consumer[_-]?key|app[_-]?secret|app[_-]?key"
)
_UNQUOTED = r"(?:[^\s;,'\"(){}\[\]<>&]|&(?![A-Za-z_]\w*=)){1,500}"
SECRET_VALUE = key_value_pattern(_KEYS, unquoted=_UNQUOTED)
# "Password" in the languages installers and consoles prompt in (Chinese, Japanese, Korean, Russian, Spanish,
# Portuguese, French, German, Dutch, Polish, Swahili), the prompt's own note in brackets allowed:
# "请输入数据库的密码(必填): x".
_OTHER_LANGUAGE_KEYS = (
    r"密码|密碼|口令|パスワード|비밀번호|пароль|contraseña|senha|mot de passe|passwort|kennwort|wachtwoord|hasło|nenosiri"
)
PROMPTED_SECRET = (
    r"(?i)(?:" + _OTHER_LANGUAGE_KEYS + r")(?:\s?\([^()\n]{0,20}\))?\s{0,3}[:=]\s{0,3}(?P<value>" + _UNQUOTED + r")"
)
_OTHER_LANGUAGE_PRECHECK = regex.compile(r"(?i)" + _OTHER_LANGUAGE_KEYS)

_NOT_SECRETS = frozenset({"null", "none", "nil", "true", "false", "undefined", "redacted", "[redacted]", "***"})


def _is_secret(value: str) -> bool:
    return len(value) >= 4 and value.casefold() not in _NOT_SECRETS and not value.startswith("<")


class SecretKeyValueRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("SECRET", [SECRET_VALUE], score=0.9, validate=_is_secret, precheck=KeyGate(_KEYS))
        self._prompted = RegexRecognizer("SECRET", [PROMPTED_SECRET], score=0.9, validate=_is_secret)

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = [(start, end) for start, end in super().spans(text) if not is_call(text, start, end)]
        if _OTHER_LANGUAGE_PRECHECK.search(text):
            self._prompted.budget = self.budget
            found.extend(self._prompted.spans(text))
        return found
