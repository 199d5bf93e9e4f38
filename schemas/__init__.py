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
from schemas.columns import Column, Columns, gather
from schemas.validation import EventRejected, convert_event, decode_envelope, decode_event, decode_valid_batch, decode_valid_columns

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
    "Column",
    "Columns",
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
    "decode_valid_columns",
    "gather",
]
