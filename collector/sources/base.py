"""What every source shares: what its decoder returns, and how it refuses a body.

A source is one wire protocol (our JSON, Sentry envelopes, OTLP logs). Its
decoder runs in a scrubbing worker and turns a request body into the same
validated events (``schemas.Event``); everything after that is the one shared
path in ``collector.pipeline``. A decoder's reasons, like every reason, name
fields and limits, never a value from the body.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from schemas import Columns, Event
from schemas.events import fits
from schemas.rows import ReleaseHealthRow


class BodyRejected(Exception):
    """The body as a whole is unusable: answer ``status`` with ``message`` and store nothing."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class SourceOptions(msgspec.Struct, array_like=True, frozen=True):
    """What the event loop learned from the request that the decoder needs (never the key)."""

    content_type: str = ""
    app: str = ""  # the app a Sentry project id maps to
    variant: str = ""  # a source's second body form: Sentry's "store" (one bare event)


@dataclass
class Decoded:
    """A body turned into validated events, plus what a source acknowledges but never stores as events."""

    events: list[Event] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # each event's item index in the body
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (item index, safe reason)
    total: int = 0  # items that would have been events
    sessions: list[ReleaseHealthRow] = field(default_factory=list)
    session_keys: list[uuid.UUID] = field(default_factory=list)  # idempotency key of each session row
    ignored: dict[str, int] = field(default_factory=dict)  # item type -> count, acknowledged, not stored
    columns: Columns | None = None  # ``events`` read column by column, when the decoder's checks read them so

    def add(self, index: int, event: Event) -> None:
        self.events.append(event)
        self.positions.append(index)


Decoder = Callable[[bytes, SourceOptions, dt.datetime], Decoded]

NO_ID = uuid.UUID(int=0)  # an SDK that gave no install or session id: nothing links its events


def fitting(kind: Any, value: object) -> str | None:
    """``value`` if a field annotated ``kind`` accepts it, else None: an optional value that would not fit is left out."""
    return value if fits(kind, value) else None  # type: ignore[return-value]


def without_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def parse_uuid(value: object) -> uuid.UUID | None:
    """A UUID in any of its usual spellings (with or without dashes), else None."""
    if not isinstance(value, str) or len(value) > 36:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
