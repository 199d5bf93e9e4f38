"""The CPU-heavy half of ingestion, run in worker processes: decode, validate, scrub, encode.

The event loop's process only moves bytes, in two phases per request. It hands a
request body to a worker (``Decode``) and gets back the few facts it needs to
decide: event ids for the duplicate check, install ids for rate limits. Then it
asks the same worker to ``Scrub`` only the events it kept, and gets back the
spool record, ready to append, with install hashes for tombstones; or it sends
``Discard`` when a limit refused the request, so a flood of refused or retried
requests costs no NER. Both directions carry bytes, never Python objects: pickling
100 decoded events costs more than decoding them again, and unpickling the
200 ``uuid.UUID`` of a result took a tenth of the event loop process's time
under a structured burst; msgspec decodes the same result in C.

Each worker process holds its own scrubber (spaCy pipeline and caches), set up
once by ``serve``; ``collector.scrub_pool`` starts the workers and talks to them.
"""

from __future__ import annotations

import collections
import datetime as dt
import gc
import operator
import socket
import struct
import uuid
import zlib

import msgspec

from collector.sources.base import NO_ID, BodyRejected, SourceOptions
from scrubbers import EventScrubber, IdHasher, TenantPolicy, TextScrubber
from schemas import Columns, EventRow, gather
from sink.record import encode_record_columns


class Scrubbed(msgspec.Struct, array_like=True):
    """The rows kept by the scrub phase, ready to append to the spool."""

    found: bool  # False if the worker no longer held the decoded body (see MAX_PENDING)
    install_hashes: list[str] = []
    spool_record: bytes = b""  # sink.encode_record of the kept events' rows and session rows
    spool_record_crc: int = 0  # its CRC-32 for the spool's frame: computed here, off the event loop


class BatchResult(msgspec.Struct, array_like=True):
    """What a worker found in one request body, before anything is scrubbed (the decode phase)."""

    envelope_status: int  # 0 when the body was fine, else the HTTP status to answer
    envelope_error: str
    total: int
    rejected: list[tuple[int, str]]
    # Ids travel as their 16 raw bytes, and installs already counted: building 200 ``uuid.UUID`` a batch
    # took a tenth of the event loop's time under a structured burst; it only hashes and counts them.
    event_ids: list[bytes]  # of the valid events, in row order
    installs: list[tuple[uuid.UUID, int]]  # events per installation that named one
    session_keys: list[bytes] = []  # idempotency key of each session row, in row order
    ignored: dict[str, int] = {}  # item types acknowledged and not stored, by count
    # Filled when the batch held no sessions and scrubbing it cost no NER, as far as ``Decode.at_once``
    # allowed: the worker did it at once, and the collector needs no second round trip (see ``decode_phase``).
    scrubbed: Scrubbed | None = None


# The worker protocol: Decode, then either Scrub (of the events the collector kept) or Discard. Between
# the two the collector applies rate limits and the duplicate check, so that no CPU is spent scrubbing
# what a limit refuses or what was stored already. A worker answers its frames in order.
class Decode(msgspec.Struct, array_like=True, tag=1):
    token: int
    tenant: str
    policy: TenantPolicy
    source: str
    options: SourceOptions
    body: bytes
    now: dt.datetime
    at_once: int = 1  # AT_ONCE_*: when the worker may scrub in this phase, saving the Scrub round trip


# What the collector allows a Decode to scrub at once. Never: it will decide event by event (a retry, whose
# stored events must not be scrubbed or counted again; Do Not Track). If no free text: the default, as a
# batch without text costs no NER. If NER is cached: every text's analysis or NER is cached already; the
# collector withholds it while a limit refuses the tenant, so a refused request costs no rules either.
AT_ONCE_NEVER, AT_ONCE_IF_NO_TEXT, AT_ONCE_IF_NER_CACHED = 0, 1, 2


class Scrub(msgspec.Struct, array_like=True, tag=2):
    token: int
    keep_events: list[bool]
    keep_sessions: list[bool]


class Discard(msgspec.Struct, array_like=True, tag=3):
    token: int


class _Pending(msgspec.Struct):
    request: Decode
    events: list
    sessions: list
    columns: Columns | None = None  # the events read column by column, if the identifier check read them all


# Decoded bodies a worker holds between the two phases. The collector sends Scrub or Discard for every
# Decode; the bound only matters if it did not, and then the oldest is forgotten (its Scrub: found=False).
MAX_PENDING = 256

# Frames on the worker's socket: a little-endian u32 length, then the payload.
# The first frame a worker sends is READY; each reply starts with REPLY_OK or
# REPLY_FAILED (then only the exception's type name: never a value).
FRAME_HEADER = struct.Struct("<I")
READY = b"ready"
REPLY_OK, REPLY_FAILED = b"\x00", b"\x01"

_request_encoder = msgspec.msgpack.Encoder()
_request_decoder = msgspec.msgpack.Decoder(Decode | Scrub | Discard)
_result_encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
_batch_decoder = msgspec.msgpack.Decoder(BatchResult)
_scrubbed_decoder = msgspec.msgpack.Decoder(Scrubbed)


def encode_request(request: Decode | Scrub | Discard) -> bytes:
    return _request_encoder.encode(request)


def decode_batch(encoded: bytes | memoryview) -> BatchResult:
    return _batch_decoder.decode(encoded)


def decode_scrubbed(encoded: bytes | memoryview) -> Scrubbed:
    return _scrubbed_decoder.decode(encoded)


def serve(sock: socket.socket, id_hash_secret: bytes) -> None:
    """A worker process's life: load the scrubber, then answer requests until end-of-file."""
    scrubber = EventScrubber(TextScrubber(), IdHasher(id_hash_secret))
    # The spaCy pipeline and Presidio's recognizers live as long as the worker: kept
    # out of later GC passes, a full collection no longer stops a batch for ~100 ms.
    gc.collect()
    gc.freeze()
    pending: collections.OrderedDict[int, _Pending] = collections.OrderedDict()
    with sock:
        _send_frame(sock, READY)
        while (frame := _receive_frame(sock)) is not None:
            try:
                request = _request_decoder.decode(frame)
                result = answer(scrubber, pending, request)
                reply = REPLY_OK + _result_encoder.encode(result)
            except Exception as exc:  # noqa: BLE001 - the collector answers 500; the worker keeps serving
                reply = REPLY_FAILED + type(exc).__name__.encode()
            _send_frame(sock, reply)


def _send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(FRAME_HEADER.pack(len(payload)) + payload)


def _receive_frame(sock: socket.socket) -> bytearray | None:
    """The next frame, or None once the collector has closed its end (or died)."""
    header = _receive_exactly(sock, FRAME_HEADER.size)
    if header is None:
        return None
    return _receive_exactly(sock, FRAME_HEADER.unpack(header)[0])


def _receive_exactly(sock: socket.socket, size: int) -> bytearray | None:
    """``size`` bytes as received: the decoder reads them in place (a copy of a 1 MiB body is not free)."""
    buffer = bytearray(size)
    view, received = memoryview(buffer), 0
    while received < size:
        count = sock.recv_into(view[received:])
        if count == 0:
            return None
        received += count
    return buffer


def answer(scrubber: EventScrubber, pending: collections.OrderedDict[int, _Pending], request) -> object:
    if isinstance(request, Decode):
        result, held = decode_phase(scrubber, request)
        if held is not None:
            pending[request.token] = held
            if len(pending) > MAX_PENDING:
                pending.popitem(last=False)
        return result
    held = pending.pop(request.token, None)
    if isinstance(request, Discard):
        return None
    if held is None:
        return Scrubbed(found=False)
    return scrub_phase(scrubber, held, request.keep_events, request.keep_sessions)


def decode_phase(scrubber: EventScrubber, request: Decode) -> tuple[BatchResult, _Pending | None]:
    """The request's source decodes, then every structured field passes the identifier check."""
    # Imported here, not at the top: the sources' HTTP halves import the pipeline, which imports this module.
    from collector.sources.registry import DECODERS

    try:
        decoded = DECODERS[request.source](request.body, request.options, request.now)
    except BodyRejected as exc:
        return _envelope_error(exc.status, exc.message), None
    events, rejected = [], list(decoded.rejected)
    columns: Columns | None = decoded.columns or gather(decoded.events)
    if scrubber.holds_no_identifier(columns):  # the usual batch: judged in one pass
        events = decoded.events
    else:
        columns = None
        for index, event in zip(decoded.positions, decoded.events):
            if (reason := scrubber.identifier_field(event)) is not None:
                rejected.append((index, reason))
                continue
            events.append(event)
    held = _Pending(request, events, decoded.sessions, columns)
    batch = columns or events
    # Scrubbing at once saves the second round trip. It is done only where it costs no NER, so a flood of
    # refused or already stored requests still costs none: a retried request's texts are cached whole.
    eager = (
        bool(events)
        and not decoded.sessions
        and request.at_once != AT_ONCE_NEVER
        and (
            not scrubber.has_free_text(batch)
            or request.at_once == AT_ONCE_IF_NER_CACHED and scrubber.scrub_costs_no_ner(batch)
        )
    )
    result = BatchResult(
        envelope_status=0,
        envelope_error="",
        total=decoded.total,
        rejected=sorted(rejected),
        event_ids=[e.event_id.bytes for e in events],
        installs=_installs(events),
        session_keys=[key.bytes for key in decoded.session_keys],
        ignored=decoded.ignored,
        scrubbed=scrub_phase(scrubber, held, [True] * len(events), []) if eager else None,
    )
    return result, None if eager else held


_get_install = operator.attrgetter("install_id")
_get_int = operator.attrgetter("int")


def _installs(events: list) -> list[tuple[uuid.UUID, int]]:
    """Events per installation named. Counted by the ids' ints: a UUID hashes in Python, an int in C."""
    if not events:
        return []
    installs = list(map(_get_install, events))
    keys = list(map(_get_int, installs))
    if keys.count(keys[0]) == len(keys):  # a batch comes from one installation
        counts = {keys[0]: len(keys)}
    else:
        counts = collections.Counter(keys)
    return [(uuid.UUID(int=key), n) for key, n in counts.items() if key != NO_ID.int]


def scrub_phase(scrubber: EventScrubber, held: _Pending, keep_events: list[bool], keep_sessions: list[bool]) -> Scrubbed:
    """Scrub and encode only the events (and session rows) the collector kept."""
    request = held.request
    if held.columns is not None and held.events and len(keep_events) == len(held.events) and all(keep_events):
        events: Columns | list = held.columns  # read once already, by the identifier check
    else:
        events = [event for event, keep in zip(held.events, keep_events, strict=True) if keep]
    sessions = [
        msgspec.structs.replace(row, tenant=request.tenant, retention_days=request.policy.retention_days)
        for row, keep in zip(held.sessions, keep_sessions, strict=True)
        if keep
    ]
    if not events and not sessions:
        return Scrubbed(found=True)
    batch = scrubber.scrub_batch(request.tenant, request.policy, events, request.now, request.source) if events else None
    columns = batch.columns if batch else [()] * len(EventRow.__struct_fields__)
    record = encode_record_columns(request.tenant, columns, batch.report if batch else [], sessions)
    return Scrubbed(
        found=True, install_hashes=list(columns[_INSTALL_HASH]), spool_record=record, spool_record_crc=zlib.crc32(record)
    )  # fmt: skip


_INSTALL_HASH = EventRow.__struct_fields__.index("install_hash")


def _envelope_error(status: int, message: str) -> BatchResult:
    return BatchResult(status, message, 0, [], [], [])
