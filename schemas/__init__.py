"""What an event is on the wire (``Event``) and what is stored (``EventRow``)."""

from schemas.events import (
    EVENT_TYPES,
    MAX_EVENTS_PER_BATCH,
    App,
    AppStart,
    Envelope,
    ErrorEvent,
    ErrorInfo,
    Event,
    ModuleView,
    Os,
    Pii,
    UsageCounts,
)
from schemas.rows import AuditRow, EventRow, OffboardingRow, PurgeRow, ReleaseHealthRow, ScrubCountRow, TombstoneRow, clickhouse_columns
from schemas.validation import EventRejected, convert_event, decode_envelope, decode_event, decode_valid_batch

__all__ = [
    "EVENT_TYPES",
    "MAX_EVENTS_PER_BATCH",
    "App",
    "AuditRow",
    "OffboardingRow",
    "PurgeRow",
    "ReleaseHealthRow",
    "TombstoneRow",
    "AppStart",
    "Envelope",
    "ErrorEvent",
    "ErrorInfo",
    "Event",
    "EventRejected",
    "EventRow",
    "ModuleView",
    "Os",
    "Pii",
    "ScrubCountRow",
    "UsageCounts",
    "clickhouse_columns",
    "convert_event",
    "decode_envelope",
    "decode_event",
    "decode_valid_batch",
]
