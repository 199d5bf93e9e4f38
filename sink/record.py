"""The spool's record: one acknowledged request's rows, already in ClickHouse's input format.

The worker that scrubbed the rows encodes them once, as JSONEachRow lines, so
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

from schemas import EventRow, ScrubCountRow


class SpoolRecord(msgspec.Struct, array_like=True):
    tenant: str
    install_hashes: list[str]
    events: bytes  # JSONEachRow of EventRow, one line per install hash
    report: bytes  # JSONEachRow of ScrubCountRow


class _EventKey(msgspec.Struct):
    tenant: str
    event_id: uuid.UUID


_json = msgspec.json.Encoder()
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(SpoolRecord)
_key_decoder = msgspec.json.Decoder(_EventKey)


def encode_record(tenant: str, events: Sequence[EventRow], report: Sequence[ScrubCountRow]) -> bytes:
    hashes = [row.install_hash for row in events]
    return _encoder.encode(SpoolRecord(tenant, hashes, _json.encode_lines(events), _json.encode_lines(report)))


def decode_record(payload: bytes) -> SpoolRecord:
    return _decoder.decode(payload)


def lines(blob: bytes) -> list[bytes]:
    """The JSON lines of ``blob``; JSON escapes newlines inside strings, so each row is one line."""
    return blob.split(b"\n")[:-1] if blob else []


def keep_events(record: SpoolRecord, keep: Sequence[bool]) -> SpoolRecord:
    """The record with only the event lines whose ``keep`` is True; the scrub report stays whole."""
    kept = [(h, line) for h, line, k in zip(record.install_hashes, lines(record.events), keep, strict=True) if k]
    events = b"".join(line + b"\n" for _, line in kept)
    return SpoolRecord(record.tenant, [h for h, _ in kept], events, record.report)


def encode(record: SpoolRecord) -> bytes:
    return _encoder.encode(record)


def event_keys(record: SpoolRecord) -> list[tuple[str, uuid.UUID]]:
    """(tenant, event_id) of each event line: what the idempotency window needs after a restart."""
    keys = (_key_decoder.decode(line) for line in lines(record.events))
    return [(key.tenant, key.event_id) for key in keys]
