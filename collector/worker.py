"""The CPU-heavy half of ingestion, run in worker processes: decode, validate, scrub, encode.

The event loop's process only moves bytes: it hands a request body to a worker
and gets back the spool record, ready to append, plus the few facts it needs to
decide (event ids for idempotency, install ids for rate limits, install hashes
for tombstones). Handing over bytes instead of Python objects keeps the
inter-process cost to a copy: pickling 100 decoded events costs more than
decoding them again.

Each worker process holds its own scrubber (spaCy pipeline and caches), set up
once by ``init_worker``; that per-process state is the reason for the module
global below.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid

import msgspec

from schemas import MAX_EVENTS_PER_BATCH, EventRejected, decode_envelope, decode_event
from scrubbers import EventScrubber, IdHasher, TenantPolicy, TextScrubber
from sink import SpoolBatch


class BatchResult(msgspec.Struct, array_like=True):
    """What a worker made of one request body."""

    envelope_status: int  # 0 when the envelope was fine, else the HTTP status to answer
    envelope_error: str
    total: int
    rejected: list[tuple[int, str]]
    event_ids: list[uuid.UUID]  # of the valid events, in row order
    install_ids: list[uuid.UUID]
    install_hashes: list[str]
    spool_record: bytes  # msgpack SpoolBatch of every valid event's row


_scrubber: EventScrubber | None = None
_encoder = msgspec.msgpack.Encoder()


def init_worker(id_hash_secret: bytes) -> None:
    global _scrubber
    _exit_with_parent()
    _scrubber = EventScrubber(TextScrubber(), IdHasher(id_hash_secret))


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


def process_body(tenant: str, policy: TenantPolicy, body: bytes, now: dt.datetime) -> BatchResult:
    assert _scrubber is not None, "init_worker did not run"
    return process_with(_scrubber, tenant, policy, body, now)


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
        spool_record=_encoder.encode(SpoolBatch(batch.rows, batch.report)) if batch else b"",
    )


def _envelope_error(status: int, message: str) -> BatchResult:
    return BatchResult(status, message, 0, [], [], [], [], b"")
