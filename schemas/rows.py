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
    # Columns added with the Sentry and OpenTelemetry sources; tables made earlier get them at start.
    # The front door: native, sentry or otlp. Rows stored before the column existed came through our own.
    source: Annotated[str, _col("LowCardinality(String) DEFAULT 'native'")] = "native"
    error_level: _LowCard = ""
    log_severity: _LowCard = ""
    log_body: _Text = ""
    environment: _LowCard = ""
    sdk_name: _LowCard = ""
    sdk_version: _LowCard = ""
    device_family: _LowCard = ""
    device_model: _LowCard = ""
    runtime_name: _LowCard = ""
    runtime_version: _LowCard = ""
    browser_name: _LowCard = ""
    browser_version: _LowCard = ""
    attributes: Annotated[dict[str, str], _col("Map(LowCardinality(String), String)")] = {}
    # The tenant's retention when the row was received: partitions hold one value, so expiry drops whole parts.
    retention_days: Annotated[int, _col("UInt16 DEFAULT 180")] = 180


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
    retention_days: Annotated[int, _col("UInt16 DEFAULT 180")] = 180


class ReleaseHealthRow(msgspec.Struct, frozen=True):
    """Sessions by outcome per app, release, environment and day (Sentry's release health).

    Counts only: a session's ids (``sid``, ``did``) are not kept, so there is nothing here to purge.
    ``status`` is ``started`` for a session that began, else the outcome it ended with
    (``exited``, ``errored``, ``abnormal``, ``crashed``).
    """

    tenant: _LowCard
    day: Annotated[dt.date, _col("Date")]
    app_name: _LowCard
    release: _LowCard
    environment: _LowCard
    status: _LowCard
    sessions: Annotated[int, _col("UInt64")]
    retention_days: Annotated[int, _col("UInt16 DEFAULT 180")] = 180


def clickhouse_columns(row_type: type[msgspec.Struct]) -> list[tuple[str, str]]:
    """(name, ClickHouse type) for every field of a row type, in declaration order."""
    info = msgspec.inspect.type_info(row_type)
    return [(f.name, f.type.extra["clickhouse"]) for f in info.fields]


class AuditRow(msgspec.Struct, frozen=True):
    """A privacy-relevant action: purges, exports, operator queries. Kept 24 months.

    The subject (an install id) appears only as its keyed hash and the caller
    only as a key id, never the key.
    """

    tenant: _LowCard
    at: _Time
    action: _LowCard
    subject_hash: _Text
    key_id: _LowCard
    outcome: _LowCard
    rows: Annotated[int, _col("UInt64")] = 0
    ref: _Text = ""  # e.g. the purge id this row is about
    reason: _Text = ""  # why an operator accessed the data (a ticket), as the operator wrote it


class PurgeRow(msgspec.Struct, frozen=True):
    """The state of one purge receipt; the newest ``updated_at`` per purge wins."""

    purge_id: Annotated[uuid.UUID, _col("UUID")]
    tenant: _LowCard
    install_hash: _Text
    requested_at: _Time
    updated_at: _Time
    state: _LowCard  # accepted, completed, failed
    rows_deleted: Annotated[int, _col("UInt64")] = 0
    requested_by: _LowCard = ""  # key id


class OffboardingRow(msgspec.Struct, frozen=True):
    """The state of one tenant's offboarding; the newest ``updated_at`` wins. Kept with the audit trail."""

    offboarding_id: Annotated[uuid.UUID, _col("UUID")]
    tenant: _LowCard
    requested_at: _Time
    updated_at: _Time
    state: _LowCard  # accepted, completed
    rows_deleted: Annotated[dict[str, int], _col("Map(LowCardinality(String), UInt64)")] = {}  # per table
    requested_by: _LowCard = ""  # operator key id


class TombstoneRow(msgspec.Struct, frozen=True):
    """An installation whose user revoked consent: its late events are dropped, not stored."""

    tenant: _LowCard
    install_hash: _Text
    at: _Time
