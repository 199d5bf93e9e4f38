"""What is stored: one row type per ClickHouse table.

The sink derives each table's column list and types from these structs
(``extra["clickhouse"]``), so storage cannot drift from what the scrubber emits.
Nothing here holds a raw install or session id, an IP address or unscrubbed text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec
from msgspec import Meta


def _col(clickhouse_type: str) -> Meta:
    return Meta(extra={"clickhouse": clickhouse_type})


_LowCard = Annotated[str, _col("LowCardinality(String)")]
_Text = Annotated[str, _col("String")]
_Time = Annotated[dt.datetime, _col("DateTime64(3, 'UTC')")]


class EventRow(msgspec.Struct, frozen=True):
    """A scrubbed event, ready for the ``events`` table."""

    tenant: _LowCard
    event_id: Annotated[uuid.UUID, _col("UUID")]
    received_at: _Time  # server clock: retention and partitions follow it
    ts: _Time  # client clock, as sent
    type: _LowCard
    install_hash: _Text  # keyed HMAC of install_id, never the id
    session_hash: _Text  # keyed HMAC of session_id, never the id
    app_name: _LowCard
    app_version: _LowCard
    app_platform: _LowCard
    os_name: _LowCard
    os_version: _LowCard
    module: _LowCard
    locale: _LowCard = ""
    duration_ms: Annotated[int, _col("UInt32")] = 0
    counts: Annotated[dict[str, int], _col("Map(LowCardinality(String), UInt64)")] = {}
    error_type: _Text = ""
    error_message: _Text = ""
    error_stack: _Text = ""


class ScrubCountRow(msgspec.Struct, frozen=True):
    """How many values of one entity type the scrubber removed from one field.

    Aggregate counts only, so operators see what the scrubber does without
    seeing what it saw.
    """

    tenant: _LowCard
    day: Annotated[dt.date, _col("Date")]
    field: _LowCard
    entity: _LowCard
    count: Annotated[int, _col("UInt64")]


def clickhouse_columns(row_type: type[msgspec.Struct]) -> list[tuple[str, str]]:
    """(name, ClickHouse type) for every field of a row type, in declaration order."""
    info = msgspec.inspect.type_info(row_type)
    return [(f.name, f.type.extra["clickhouse"]) for f in info.fields]
