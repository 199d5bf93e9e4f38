"""The spool's record: one acknowledged request's rows, already in ClickHouse's input format.

The worker that scrubbed the rows encodes them once, column by column, in
parts of ClickHouse's Native format (``sink.native``), so the event loop's
process never decodes or re-encodes a row: storing a segment joins its
records' parts into one Native block per table. The profile of a structured burst showed
why: decoding spooled rows back into Python objects and encoding them again
took a sixth of the event loop process's time holding the GIL. Records spooled
before (``row_format`` absent) hold JSONCompactEachRow lines and are still
read and inserted as such.

``install_hashes[i]`` is the installation of event row ``i``, so a record with
no revoked installation is stored without reading a row; only one holding a
revoked installation (or a duplicate) is decoded and written again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from schemas import EventRow, ReleaseHealthRow, ScrubCountRow
from sink.native import decode_parts, encode_block, encode_column_parts, encode_parts, uuid_bytes

JSON_LINES = "JSONCompactEachRow"  # one JSON array per row, in field order: what records held before Native


class SpoolRecord(msgspec.Struct, array_like=True):
    tenant: str
    install_hashes: list[str]
    events: bytes  # EventRow rows in ``row_format``, one per install hash
    report: bytes  # ScrubCountRow rows
    sessions: bytes = b""  # ReleaseHealthRow rows (absent from records spooled before it existed)
    row_format: str = JSON_LINES  # how the three hold their rows; absent from records spooled before Native parts
    # With parts: each event row's id, 16 raw bytes apiece, so that rebuilding the duplicate window at start
    # reads no rows (decoding a 100-row record's parts for them took 1.3 ms; a full spool, ~5 s).
    event_ids: bytes = b""


FORMAT = "Native"  # what ClickHouse is sent
COLUMN_PARTS = "NativeParts"  # what records hold: ``sink.native.encode_parts``, made one Native block per segment
_encoder = msgspec.msgpack.Encoder()
_json = msgspec.json.Encoder()
_decoder = msgspec.msgpack.Decoder(SpoolRecord)
_TENANT, _EVENT_ID, _INSTALL_HASH = (EventRow.__struct_fields__.index(n) for n in ("tenant", "event_id", "install_hash"))


def encode_rows(row_type: type[msgspec.Struct], rows: Sequence[msgspec.Struct]) -> bytes:
    """Rows of ``row_type`` as ClickHouse input in ``FORMAT``: one block."""
    return encode_block(row_type, rows)


def encode_record(
    tenant: str,
    events: Sequence[EventRow],
    report: Sequence[ScrubCountRow],
    sessions: Sequence[ReleaseHealthRow] = (),
) -> bytes:
    columns = list(zip(*map(msgspec.structs.astuple, events))) or [()] * len(EventRow.__struct_fields__)
    return encode_record_columns(tenant, columns, report, sessions)


# Below this many event rows a record is spooled as JSON lines. Column parts save ClickHouse ~4 µs a row, but
# cost ~60 µs a record to decode and merge when their segment is stored (measured: one-row records 13 µs to
# encode and 50 µs to merge, against 13 µs a row for JSON in all; records of 100 rows 1.1 + 0.9 + 2.4 µs a row
# against 0.6 + 6.7 for JSON). Sentry envelopes and most OTLP requests carry one event.
MIN_ROWS_FOR_PARTS = 20


def encode_record_columns(
    tenant: str,
    event_columns: Sequence[Sequence[Any]],
    report: Sequence[ScrubCountRow],
    sessions: Sequence[ReleaseHealthRow] = (),
) -> bytes:
    """``encode_record`` of event rows given column by column, in EventRow's field order (what a scrubber builds)."""
    report_values = list(map(msgspec.structs.astuple, report))
    session_values = list(map(msgspec.structs.astuple, sessions))
    hashes = list(event_columns[_INSTALL_HASH])
    if len(hashes) < MIN_ROWS_FOR_PARTS:
        lines = _json.encode_lines
        event_values = list(zip(*event_columns))
        record = SpoolRecord(tenant, hashes, lines(event_values), lines(report_values), lines(session_values), JSON_LINES)
    else:
        record = SpoolRecord(tenant, hashes, encode_column_parts(EventRow, event_columns, len(hashes)),
                             encode_parts(ScrubCountRow, report_values), encode_parts(ReleaseHealthRow, session_values),
                             COLUMN_PARTS, uuid_bytes(event_columns[_EVENT_ID]))  # fmt: skip
    return _encoder.encode(record)


def decode_record(payload: bytes) -> SpoolRecord:
    return _decoder.decode(payload)


def lines(blob: bytes) -> list[bytes]:
    """The JSON lines of ``blob``; JSON escapes newlines inside strings, so each row is one line."""
    return blob.split(b"\n")[:-1] if blob else []


def keep_events(record: SpoolRecord, keep: Sequence[bool]) -> SpoolRecord:
    """The record with only the event rows whose ``keep`` is True; the scrub report and session counts stay whole."""
    if record.row_format == JSON_LINES:
        kept_lines = [(h, line) for h, line, k in zip(record.install_hashes, lines(record.events), keep, strict=True) if k]
        events = b"".join(line + b"\n" for _, line in kept_lines)
        return SpoolRecord(record.tenant, [h for h, _ in kept_lines], events, record.report, record.sessions, JSON_LINES)
    kept = [row for row, k in zip(decode_parts(EventRow, record.events), keep, strict=True) if k]
    return SpoolRecord(record.tenant, [row.install_hash for row in kept],
                       encode_parts(EventRow, list(map(msgspec.structs.astuple, kept))),
                       record.report, record.sessions, record.row_format,
                       b"".join([row.event_id.bytes for row in kept]))  # fmt: skip


def encode(record: SpoolRecord) -> bytes:
    return _encoder.encode(record)


def event_keys(record: SpoolRecord) -> list[tuple[str, uuid.UUID]]:
    """(tenant, event_id) of each event row: what the idempotency window needs after a restart."""
    if record.row_format == JSON_LINES:
        values = (msgspec.json.decode(line) for line in lines(record.events))
        return [(row[_TENANT], uuid.UUID(row[_EVENT_ID])) for row in values]
    ids = record.event_ids  # every parts record carries them
    return [(record.tenant, uuid.UUID(bytes=ids[i : i + 16])) for i in range(0, len(ids), 16)]
