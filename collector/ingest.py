"""POST /v1/events: authenticate, validate, scrub, spool, answer 202.

The reply comes only after the scrubbed rows are fsynced to the spool. Reasons
in the reply and labels in metrics are built from the schema, never the payload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter

import msgspec
from aiohttp import web

from collector.auth import Role
from collector.body import BadEncoding, BodyTooLarge, read_body
from collector.http import error, json_reply, principal
from collector.resources import MEMORY, METRICS, SCRUB_POOL, SCRUBBER, SINK
from collector.tenancy import TENANCY
from schemas import MAX_EVENTS_PER_BATCH, Event, EventRejected, decode_envelope, decode_event
from sink import SpoolFull

log = logging.getLogger("collector")

MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_S = 5


class Rejection(msgspec.Struct):
    index: int
    reason: str


class Accepted(msgspec.Struct, omit_defaults=True):
    accepted: int  # acknowledged: stored, or deliberately not stored (see below)
    rejected: list[Rejection]
    duplicates: int = 0  # of the accepted, already stored by an earlier try of the same events
    dropped: int = 0  # of the accepted, not stored: consent revoked or Do Not Track


class _Busy(Exception):
    pass


def _do_not_track(request: web.Request) -> bool:
    return request.headers.get("DNT", "").strip() == "1" or request.headers.get("Sec-GPC", "").strip() == "1"


async def post_events(request: web.Request) -> web.Response:
    caller = principal(request, Role.INGEST)
    tenancy, metrics = request.app[TENANCY], request.app[METRICS]
    if request.content_type != "application/json":
        return error(415, "Content-Type must be application/json")
    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return error(413, f"body exceeds {MAX_BODY_BYTES} bytes after decompression")
    except BadEncoding as exc:
        return error(415 if "unsupported" in str(exc) else 400, str(exc))
    try:
        raw_events = decode_envelope(body)
    except EventRejected as exc:
        return error(400, f'body is not the envelope {{"events": [...]}}: {exc.reason}')
    if not raw_events:
        return error(400, "the batch holds no events")
    if len(raw_events) > MAX_EVENTS_PER_BATCH:
        return error(413, f"a batch holds at most {MAX_EVENTS_PER_BATCH} events")
    if _do_not_track(request) and not tenancy.tenant(caller.tenant).app_records_consent:
        metrics.dropped.labels(caller.tenant, "do_not_track").inc(len(raw_events))
        return json_reply(202, Accepted(len(raw_events), [], dropped=len(raw_events)))

    now = dt.datetime.now(dt.timezone.utc)
    events: list[Event] = []
    rejected: list[Rejection] = []
    for index, raw in enumerate(raw_events):
        try:
            events.append(decode_event(raw, now))
        except EventRejected as exc:
            rejected.append(Rejection(index, exc.reason))
            metrics.rejected.labels(caller.tenant, exc.reason).inc()
    if events:
        decision = tenancy.limiter.check(caller.tenant, Counter(e.install_id for e in events))
        if decision.quota_exhausted:
            metrics.limited.labels(caller.tenant, "daily_quota").inc()
            return error(403, f"daily event quota exhausted until {decision.quota_resets_at}; do not retry before")
        if not decision.allowed:
            metrics.limited.labels(caller.tenant, "rate").inc()
            return error(429, "rate limit exceeded; retry later", **{"Retry-After": str(decision.retry_after_s)})

    sink = request.app[SINK]
    fresh = sink.idempotency.claim(caller.tenant, [e.event_id for e in events])
    new_events = [e for e, is_new in zip(events, fresh) if is_new]
    dropped = 0
    if new_events:
        new_ids = [e.event_id for e in new_events]
        try:
            dropped = await _store(request, caller.tenant, new_events, now, len(body))
        except _Busy:
            sink.idempotency.release(caller.tenant, new_ids)
            return error(503, "collector is busy; retry later", **{"Retry-After": str(RETRY_AFTER_S)})
        except BaseException:
            sink.idempotency.release(caller.tenant, new_ids)
            raise
    duplicates = len(events) - len(new_events)
    metrics.accepted.labels(caller.tenant).inc(len(events))
    if duplicates:
        metrics.dropped.labels(caller.tenant, "duplicate").inc(duplicates)
    if dropped:
        metrics.dropped.labels(caller.tenant, "consent_revoked").inc(dropped)
    log.info(
        "batch",
        extra={
            "tenant": caller.tenant,
            "key_id": caller.key_id,
            "accepted": len(events),
            "duplicates": duplicates,
            "dropped": dropped,
            "rejected": len(rejected),
        },
    )
    return json_reply(202, Accepted(len(events), rejected, duplicates, dropped))


async def _store(request: web.Request, tenant: str, events: list[Event], now: dt.datetime, body_size: int) -> int:
    """Scrub and spool; returns how many rows were dropped for revoked consent."""
    sink = request.app[SINK]
    if not sink.has_room_for(body_size) or request.app[MEMORY].over_limit:
        raise _Busy()
    policy = request.app[TENANCY].policy(tenant)
    batch = await asyncio.get_running_loop().run_in_executor(
        request.app[SCRUB_POOL], request.app[SCRUBBER].scrub_batch, tenant, policy, events, now
    )
    scrubbed = request.app[METRICS].scrubbed
    for row in batch.report:
        scrubbed.labels(tenant, row.field, row.entity).inc(row.count)
    try:
        return await sink.submit(batch.rows, batch.report)
    except SpoolFull:
        raise _Busy() from None
