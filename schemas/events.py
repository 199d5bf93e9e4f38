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
import uuid
from typing import Annotated, Literal

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
_VERSION = r"^v?[0-9]{1,9}(?:\.[0-9]{1,9}){0,4}(?:[-+]" + _VERSION_TAG + r"(?:[.-]" + _VERSION_TAG + r"){0,2})?$"
_NAME = r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$"
_KEY = r"^[a-z][a-z0-9_]{0,63}$"
_LOCALE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"
_ERROR_TYPE = r"^[A-Za-z0-9_][A-Za-z0-9_.:$+-]{0,127}$"


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
    Literal["windows", "macos", "linux", "ios", "android", "web"], Meta(extra=_pii(Pii.NONE))
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


class _EventBase(_Strict, tag_field="type"):
    event_id: EventId
    install_id: LinkableId
    session_id: LinkableId
    ts: Timestamp
    app: App
    os: Os
    module: ModuleName
    locale: Locale | None = None


class AppStart(_EventBase, tag="app_start", kw_only=True):
    pass


class ModuleView(_EventBase, tag="module_view", kw_only=True):
    duration_ms: DurationMs


class UsageCounts(_EventBase, tag="usage_counts", kw_only=True):
    counts: Counts


class ErrorEvent(_EventBase, tag="error", kw_only=True):
    error: ErrorInfo


Event = AppStart | ModuleView | UsageCounts | ErrorEvent
EVENT_TYPES: tuple[type, ...] = (AppStart, ModuleView, UsageCounts, ErrorEvent)


class Envelope(_Strict):
    """The request body: events stay raw so that each one is validated on its own."""

    events: list[msgspec.Raw]
