"""The spool's record: one acknowledged request's rows, already in ClickHouse's input format.

The worker that scrubbed the rows encodes them once, as JSONCompactEachRow lines
(one JSON array per row, in the row type's field order, which is the table's
column order: ClickHouse parses them ~15% faster than objects with keys), so
the event loop's process never decodes or re-encodes a row: storing a segment
is joining its records' bytes. The profile of a structured burst showed why:
decoding spooled rows back into Python objects and encoding them again took
a sixth of the event loop process's time holding the GIL.

``install_hashes[i]`` is the installation of event line ``i``, so the rows of a
revoked installation can still be dropped at submit and at insert time without
parsing a line.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec

from schemas import EventRow, ReleaseHealthRow, ScrubCountRow


class SpoolRecord(msgspec.Struct, array_like=True):
    tenant: str
    install_hashes: list[str]
    events: bytes  # JSONCompactEachRow of EventRow, one line per install hash
    report: bytes  # JSONCompactEachRow of ScrubCountRow
    sessions: bytes = b""  # JSONCompactEachRow of ReleaseHealthRow (absent from records spooled before it existed)


FORMAT = "JSONCompactEachRow"
_json = msgspec.json.Encoder()
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(SpoolRecord)
_TENANT, _EVENT_ID = (EventRow.__struct_fields__.index(name) for name in ("tenant", "event_id"))


def encode_rows(rows: Sequence[msgspec.Struct]) -> bytes:
    """Rows as ClickHouse input in ``FORMAT``: one array of field values per line."""
    return _json.encode_lines([msgspec.structs.astuple(row) for row in rows])


def encode_record(
    tenant: str,
    events: Sequence[EventRow],
    report: Sequence[ScrubCountRow],
    sessions: Sequence[ReleaseHealthRow] = (),
) -> bytes:
    hashes = [row.install_hash for row in events]
    return _encoder.encode(SpoolRecord(tenant, hashes, encode_rows(events), encode_rows(report), encode_rows(sessions)))


def decode_record(payload: bytes) -> SpoolRecord:
    return _decoder.decode(payload)


def lines(blob: bytes) -> list[bytes]:
    """The JSON lines of ``blob``; JSON escapes newlines inside strings, so each row is one line."""
    return blob.split(b"\n")[:-1] if blob else []


def keep_events(record: SpoolRecord, keep: Sequence[bool]) -> SpoolRecord:
    """The record with only the event lines whose ``keep`` is True; the scrub report and session counts stay whole."""
    kept = [(h, line) for h, line, k in zip(record.install_hashes, lines(record.events), keep, strict=True) if k]
    events = b"".join(line + b"\n" for _, line in kept)
    return SpoolRecord(record.tenant, [h for h, _ in kept], events, record.report, record.sessions)


def encode(record: SpoolRecord) -> bytes:
    return _encoder.encode(record)


def event_keys(record: SpoolRecord) -> list[tuple[str, uuid.UUID]]:
    """(tenant, event_id) of each event line: what the idempotency window needs after a restart."""
    values = (msgspec.json.decode(line) for line in lines(record.events))
    return [(row[_TENANT], uuid.UUID(row[_EVENT_ID])) for row in values]
