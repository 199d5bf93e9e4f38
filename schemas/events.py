"""The wire format of a telemetry event, defined once.

Every field's annotation carries two things: the bounds that reject a bad event
(length, pattern, range) and, in ``extra["pii"]``, how the scrubber must treat
the value (see :class:`Pii`). The scrubber, the OpenAPI document and the
ClickHouse column list are all derived from these types, so a field added here
cannot reach storage without a decision about its privacy class.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import uuid
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta


class Pii(str, enum.Enum):
    """How a field may hold personal data, in the spirit of Relay's ``pii`` attribute."""

    NONE = "none"  # enums, numbers, bounded versions: cannot carry free text
    RANDOM_ID = "random_id"  # a random UUID made by the app; stored raw (event_id)
    LINKABLE_ID = "linkable_id"  # links events of one person; stored only as a keyed hash
    ALLOWLIST = "allowlist"  # kept only if the tenant listed the value, else "other"
    IDENTIFIER = "identifier"  # a code name (exception type); pattern-bound, regex-scrubbed
    FREE_TEXT = "free_text"  # anything the app had at hand: full scrubbing, fail closed
    KEYED_TEXT = "keyed_text"  # a map: keys kept only if the tenant listed them, values scrubbed as free text


def _pii(kind: Pii, allowlist: str | None = None) -> dict:
    extra = {"pii": kind.value}
    if allowlist:
        extra["allowlist"] = allowlist
    return extra


MAX_EVENTS_PER_BATCH = 500
MAX_MESSAGE_CHARS = 4096
MAX_STACK_CHARS = 16384
MAX_COUNT_KEYS = 64

# Digits and dots, then at most three short tags that are themselves checked: a pre-release word with an
# optional number (rc1, beta.2), a build number, or a short commit hash. A KRA PIN or a name is not a version.
_VERSION_TAG = r"(?:(?:alpha|beta|rc|dev|pre|preview|build|snapshot|nightly|canary|debug|release|a|b|p|r)[0-9]{0,8}|[0-9]{1,8}|[0-9a-f]{7,12})"
# "unknown" is what a source writes when an SDK's release is not a version (a commit hash, a build name).
_VERSION = r"^(?:unknown|v?[0-9]{1,9}(?:\.[0-9]{1,9}){0,4}(?:[-+]" + _VERSION_TAG + r"(?:[.-]" + _VERSION_TAG + r"){0,2})?)$"
_NAME = r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$"
_KEY = r"^[a-z][a-z0-9_]{0,63}$"
_LOCALE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"
_ERROR_TYPE = r"^[A-Za-z0-9_][A-Za-z0-9_.:$+-]{0,127}$"
# Device models such as "iPhone14,2" or "SM-A515F".
_MODEL = r"^[A-Za-z0-9][A-Za-z0-9 ,._()-]{0,63}$"
_ATTRIBUTE_KEY = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"
MAX_ATTRIBUTES = 32
MAX_ATTRIBUTE_CHARS = 256


def _matching(pattern: str) -> dict:
    """A pattern the value must match, published in the JSON schema and checked by ``schemas.validation``.

    Not msgspec's ``Meta(pattern=...)``: msgspec runs the regex for every value,
    which was two thirds of decoding a structured event, while these values (app,
    OS and module names, versions, count keys) repeat across millions of events.
    ``schemas.validation`` checks them after decoding and remembers the values
    that matched, so a rejected value is still rejected with the same reason.
    """
    return {"pattern": pattern}


AppName = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_NAME), extra=_pii(Pii.ALLOWLIST, "apps"))]
Version = Annotated[str, Meta(max_length=32, extra_json_schema=_matching(_VERSION), extra=_pii(Pii.NONE))]
OsName = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_NAME), extra=_pii(Pii.ALLOWLIST, "os_names"))]
ModuleName = Annotated[
    str, Meta(max_length=64, extra_json_schema=_matching(_NAME), extra=_pii(Pii.ALLOWLIST, "modules"))
]
CountKey = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_KEY))]
Count = Annotated[int, Meta(ge=0, le=2**53)]
Locale = Annotated[str, Meta(max_length=35, extra_json_schema=_matching(_LOCALE), extra=_pii(Pii.NONE))]
ErrorType = Annotated[
    str, Meta(max_length=128, extra_json_schema=_matching(_ERROR_TYPE), extra=_pii(Pii.IDENTIFIER))
]
Platform = Annotated[
    Literal["windows", "macos", "linux", "ios", "android", "web", "other"], Meta(extra=_pii(Pii.NONE))
]
Level = Annotated[Literal["fatal", "error", "warning", "info", "debug", "trace"], Meta(extra=_pii(Pii.NONE))]
# Short names an SDK reports about itself and its device: a strict shape, then the identifier check.
ShortName = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_NAME), extra=_pii(Pii.NONE))]
DeviceModel = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_MODEL), extra=_pii(Pii.NONE))]
# A deployment name such as "production"; free-form, so scrubbed like an error type.
Environment = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_NAME), extra=_pii(Pii.IDENTIFIER))]
AttributeValue = Annotated[str, Meta(max_length=MAX_ATTRIBUTE_CHARS)]
# Tags (Sentry) and attributes (OpenTelemetry): a key is kept only if the tenant lists it, its value is scrubbed.
AttributeKey = Annotated[str, Meta(max_length=64, extra_json_schema=_matching(_ATTRIBUTE_KEY))]
Attributes = Annotated[
    dict[AttributeKey, AttributeValue], Meta(max_length=MAX_ATTRIBUTES, extra=_pii(Pii.KEYED_TEXT, "attribute_keys"))
]
EventId = Annotated[uuid.UUID, Meta(extra=_pii(Pii.RANDOM_ID))]
LinkableId = Annotated[uuid.UUID, Meta(extra=_pii(Pii.LINKABLE_ID))]
Timestamp = Annotated[dt.datetime, Meta(tz=True, extra=_pii(Pii.NONE))]
DurationMs = Annotated[int, Meta(ge=0, le=86_400_000, extra=_pii(Pii.NONE))]
Counts = Annotated[
    dict[CountKey, Count], Meta(max_length=MAX_COUNT_KEYS, extra=_pii(Pii.ALLOWLIST, "count_keys"))
]
Message = Annotated[str, Meta(max_length=MAX_MESSAGE_CHARS, extra=_pii(Pii.FREE_TEXT))]
Stack = Annotated[str, Meta(max_length=MAX_STACK_CHARS, extra=_pii(Pii.FREE_TEXT))]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class App(_Strict):
    name: AppName
    version: Version
    platform: Platform


class Os(_Strict):
    name: OsName
    version: Version


class ErrorInfo(_Strict):
    type: ErrorType
    message: Message
    stack: Stack = ""
    level: Level | None = None


class LogInfo(_Strict):
    severity: Level
    body: Message


# What an SDK says about itself and its device. Every field is optional and each struct's default is an
# empty instance, not None, so that reading ``event.sdk.name`` needs no None check on the hot path.
class Sdk(_Strict):
    name: ShortName | None = None
    version: Version | None = None


class Device(_Strict):
    family: ShortName | None = None
    model: DeviceModel | None = None


class Runtime(_Strict):
    name: ShortName | None = None
    version: Version | None = None


class Browser(_Strict):
    name: ShortName | None = None
    version: Version | None = None


class _EventBase(_Strict, tag_field="type"):
    event_id: EventId
    install_id: LinkableId
    session_id: LinkableId
    ts: Timestamp
    app: App
    os: Os
    module: ModuleName
    locale: Locale | None = None
    # What the Sentry and OpenTelemetry SDKs report about themselves; optional in our own contract.
    environment: Environment | None = None
    sdk: Sdk = Sdk()
    device: Device = Device()
    runtime: Runtime = Runtime()
    browser: Browser = Browser()
    attributes: Attributes | None = None


class AppStart(_EventBase, tag="app_start", kw_only=True):
    pass


class ModuleView(_EventBase, tag="module_view", kw_only=True):
    duration_ms: DurationMs


class UsageCounts(_EventBase, tag="usage_counts", kw_only=True):
    counts: Counts


class ErrorEvent(_EventBase, tag="error", kw_only=True):
    error: ErrorInfo


class LogEvent(_EventBase, tag="log", kw_only=True):
    """A log record that is not an error: only its severity and its scrubbed body are kept."""

    log: LogInfo


Event = AppStart | ModuleView | UsageCounts | ErrorEvent | LogEvent
EVENT_TYPES: tuple[type, ...] = (AppStart, ModuleView, UsageCounts, ErrorEvent, LogEvent)


class Envelope(_Strict):
    """The request body: events stay raw so that each one is validated on its own."""

    events: list[msgspec.Raw]


def fits(kind: Any, value: object) -> bool:
    """Whether ``value`` is a string that a field annotated ``kind`` (``Version``, ``ShortName``, ...) accepts.

    For sources that translate another wire format: an optional value that would not fit is left out
    instead of rejecting the whole event. The bounds are read from the annotation, not restated.
    """
    if not isinstance(value, str) or not value:
        return False
    meta = kind.__metadata__[0]
    if meta.max_length is not None and len(value) > meta.max_length:
        return False
    pattern = (meta.extra_json_schema or {}).get("pattern")
    return pattern is None or _compiled(pattern).search(value) is not None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
