"""The CPU-heavy half of ingestion, run in worker processes: decode, validate, scrub, encode.

The event loop's process only moves bytes: it hands a request body to a worker
and gets back the spool record, ready to append, plus the few facts it needs to
decide (event ids for idempotency, install ids for rate limits, install hashes
for tombstones). Both directions carry bytes, never Python objects: pickling
100 decoded events costs more than decoding them again, and unpickling the
200 ``uuid.UUID`` of a result took a tenth of the event loop process's time
under a structured burst; msgspec decodes the same result in C.

Each worker process holds its own scrubber (spaCy pipeline and caches), set up
once by ``serve``; ``collector.scrub_pool`` starts the workers and talks to them.
"""

from __future__ import annotations

import datetime as dt
import gc
import socket
import struct
import uuid

import msgspec

from collector.sources.base import BodyRejected, SourceOptions
from scrubbers import EventScrubber, IdHasher, TenantPolicy, TextScrubber
from sink import encode_record


class BatchResult(msgspec.Struct, array_like=True):
    """What a worker made of one request body."""

    envelope_status: int  # 0 when the body was fine, else the HTTP status to answer
    envelope_error: str
    total: int
    rejected: list[tuple[int, str]]
    event_ids: list[uuid.UUID]  # of the valid events, in row order
    install_ids: list[uuid.UUID]
    install_hashes: list[str]
    spool_record: bytes  # sink.encode_record of every valid event's row (and session rows)
    session_keys: list[uuid.UUID] = []  # idempotency key of each session row, in row order
    ignored: dict[str, int] = {}  # item types acknowledged and not stored, by count


class _Request(msgspec.Struct, array_like=True):
    tenant: str
    policy: TenantPolicy
    source: str
    options: SourceOptions
    body: bytes
    now: dt.datetime
    count_only: bool  # Do Not Track: count what would be events, scrub and store nothing


# Frames on the worker's socket: a little-endian u32 length, then the payload.
# The first frame a worker sends is READY; each reply starts with REPLY_OK or
# REPLY_FAILED (then only the exception's type name: never a value).
FRAME_HEADER = struct.Struct("<I")
READY = b"ready"
REPLY_OK, REPLY_FAILED = b"\x00", b"\x01"

_request_encoder = msgspec.msgpack.Encoder()
_request_decoder = msgspec.msgpack.Decoder(_Request)
_result_encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
_result_decoder = msgspec.msgpack.Decoder(BatchResult)


def encode_request(
    tenant: str,
    policy: TenantPolicy,
    source: str,
    options: SourceOptions,
    body: bytes,
    now: dt.datetime,
    count_only: bool = False,
) -> bytes:
    return _request_encoder.encode(_Request(tenant, policy, source, options, body, now, count_only))


def decode_result(encoded: bytes | memoryview) -> BatchResult:
    return _result_decoder.decode(encoded)


def serve(sock: socket.socket, id_hash_secret: bytes) -> None:
    """A worker process's life: load the scrubber, then answer requests until end-of-file."""
    scrubber = EventScrubber(TextScrubber(), IdHasher(id_hash_secret))
    # The spaCy pipeline and Presidio's recognizers live as long as the worker: kept
    # out of later GC passes, a full collection no longer stops a batch for ~100 ms.
    gc.collect()
    gc.freeze()
    with sock:
        _send_frame(sock, READY)
        while (frame := _receive_frame(sock)) is not None:
            request = _request_decoder.decode(frame)
            try:
                result = process_with(scrubber, request)
                reply = REPLY_OK + _result_encoder.encode(result)
            except Exception as exc:  # noqa: BLE001 - the collector answers 500; the worker keeps serving
                reply = REPLY_FAILED + type(exc).__name__.encode()
            _send_frame(sock, reply)


def _send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(FRAME_HEADER.pack(len(payload)) + payload)


def _receive_frame(sock: socket.socket) -> bytes | None:
    """The next frame, or None once the collector has closed its end (or died)."""
    header = _receive_exactly(sock, FRAME_HEADER.size)
    if header is None:
        return None
    return _receive_exactly(sock, FRAME_HEADER.unpack(header)[0])


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view, received = memoryview(buffer), 0
    while received < size:
        count = sock.recv_into(view[received:])
        if count == 0:
            return None
        received += count
    return bytes(buffer)


def process_with(scrubber: EventScrubber, request: _Request) -> BatchResult:
    """Decode with the request's source, then the one shared path: identifier check, scrub, encode."""
    # Imported here, not at the top: the sources' HTTP halves import the pipeline, which imports this module.
    from collector.sources.registry import DECODERS

    try:
        decoded = DECODERS[request.source](request.body, request.options, request.now)
    except BodyRejected as exc:
        return _envelope_error(exc.status, exc.message)
    if request.count_only:
        return BatchResult(0, "", decoded.total, [], [], [], [], b"", [], decoded.ignored)
    events, rejected = [], list(decoded.rejected)
    for index, event in zip(decoded.positions, decoded.events):
        if (reason := scrubber.identifier_field(event)) is not None:
            rejected.append((index, reason))
            continue
        events.append(event)
    batch = (
        scrubber.scrub_batch(request.tenant, request.policy, events, request.now, request.source) if events else None
    )
    rows = batch.rows if batch else []
    sessions = [msgspec.structs.replace(row, tenant=request.tenant) for row in decoded.sessions]
    return BatchResult(
        envelope_status=0,
        envelope_error="",
        total=decoded.total,
        rejected=sorted(rejected),
        event_ids=[e.event_id for e in events],
        install_ids=[e.install_id for e in events],
        install_hashes=[row.install_hash for row in rows],
        spool_record=encode_record(request.tenant, rows, batch.report if batch else [], sessions)
        if rows or sessions
        else b"",
        session_keys=decoded.session_keys,
        ignored=decoded.ignored,
    )


def _envelope_error(status: int, message: str) -> BatchResult:
    return BatchResult(status, message, 0, [], [], [], [], b"")
