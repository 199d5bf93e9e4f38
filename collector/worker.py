"""The CPU-heavy half of ingestion, run in worker processes: decode, validate, scrub, encode.

The event loop's process only moves bytes: it hands a request body to a worker
and gets back the spool record, ready to append, plus the few facts it needs to
decide (event ids for idempotency, install ids for rate limits, install hashes
for tombstones). Both directions carry bytes, never Python objects: pickling
100 decoded events costs more than decoding them again, and unpickling the
200 ``uuid.UUID`` of a result took a tenth of the event loop process's time
under a structured burst; msgspec decodes the same result in C.

Each worker process holds its own scrubber (spaCy pipeline and caches), set up
once by ``init_worker``; that per-process state is the reason for the module
global below.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import threading
import time
import uuid

import msgspec

from schemas import MAX_EVENTS_PER_BATCH, EventRejected, decode_envelope, decode_event
from scrubbers import EventScrubber, IdHasher, TenantPolicy, TextScrubber
from sink import encode_record


class BatchResult(msgspec.Struct, array_like=True):
    """What a worker made of one request body."""

    envelope_status: int  # 0 when the envelope was fine, else the HTTP status to answer
    envelope_error: str
    total: int
    rejected: list[tuple[int, str]]
    event_ids: list[uuid.UUID]  # of the valid events, in row order
    install_ids: list[uuid.UUID]
    install_hashes: list[str]
    spool_record: bytes  # sink.encode_record of every valid event's row


_scrubber: EventScrubber | None = None
_result_encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
_result_decoder = msgspec.msgpack.Decoder(BatchResult)


def init_worker(id_hash_secret: bytes) -> None:
    global _scrubber
    _exit_with_parent()
    _scrubber = EventScrubber(TextScrubber(), IdHasher(id_hash_secret))
    # The spaCy pipeline and Presidio's recognizers live as long as the worker: kept
    # out of later GC passes, a full collection no longer stops a batch for ~100 ms.
    gc.collect()
    gc.freeze()


def _exit_with_parent() -> None:
    """A collector killed with SIGKILL cannot stop its workers: they notice and leave."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def warm_up() -> bool:
    """Runs once per worker at start so that the pipeline is loaded before serving."""
    return _scrubber is not None


def process_body(tenant: str, policy: TenantPolicy, body: bytes, now: dt.datetime) -> bytes:
    """Runs in a worker; the encoded BatchResult goes back to the event loop's process."""
    assert _scrubber is not None, "init_worker did not run"
    return _result_encoder.encode(process_with(_scrubber, tenant, policy, body, now))


def decode_result(encoded: bytes) -> BatchResult:
    return _result_decoder.decode(encoded)


def process_with(
    scrubber: EventScrubber, tenant: str, policy: TenantPolicy, body: bytes, now: dt.datetime
) -> BatchResult:
    try:
        raw_events = decode_envelope(body)
    except EventRejected as exc:
        return _envelope_error(400, f'body is not the envelope {{"events": [...]}}: {exc.reason}')
    if not raw_events:
        return _envelope_error(400, "the batch holds no events")
    if len(raw_events) > MAX_EVENTS_PER_BATCH:
        return _envelope_error(413, f"a batch holds at most {MAX_EVENTS_PER_BATCH} events")
    events, rejected = [], []
    for index, raw in enumerate(raw_events):
        try:
            events.append(decode_event(raw, now))
        except EventRejected as exc:
            rejected.append((index, exc.reason))
    batch = scrubber.scrub_batch(tenant, policy, events, now) if events else None
    return BatchResult(
        envelope_status=0,
        envelope_error="",
        total=len(raw_events),
        rejected=rejected,
        event_ids=[e.event_id for e in events],
        install_ids=[e.install_id for e in events],
        install_hashes=[row.install_hash for row in batch.rows] if batch else [],
        spool_record=encode_record(tenant, batch.rows, batch.report) if batch else b"",
    )


def _envelope_error(status: int, message: str) -> BatchResult:
    return BatchResult(status, message, 0, [], [], [], [], b"")
