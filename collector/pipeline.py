"""The one ingest path every source shares, after its wire format is read.

In order: the body within its size limit, the browser origin, consent signals
(Do Not Track), back-pressure, then a scrubbing worker (the source's decoder,
the identifier check, the scrubber), rate limits, the duplicate check and the
spool. Nothing is acknowledged before the spool's fsync. Each source turns the
``Outcome`` or ``Refusal`` into its own reply. Reasons and log fields name
counts, fields and limits, never a value, key or id.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

from aiohttp import web

from collector.auth import Principal
from collector.body import BadEncoding, BodyTooLarge, read_body
from collector.resources import MEMORY, METRICS, SCRUB_POOL, SINK
from collector.scrub_pool import ScrubberUnavailable
from collector.sources.base import NO_ID, SourceOptions
from collector.tenancy import TENANCY
from collector.worker import BatchResult
from sink import SpoolFull

log = logging.getLogger("collector")

MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_S = 5


@dataclass(frozen=True)
class Refusal:
    """Nothing of the request was stored; ``cause`` tells a source which of its replies fits."""

    status: int
    message: str
    cause: str  # body, origin, busy, rate, quota
    retry_after_s: int = 0


@dataclass(frozen=True)
class Outcome:
    """The request was handled: its valid events are durable (or deliberately not stored)."""

    result: BatchResult
    accepted: int  # valid events acknowledged, stored or not
    duplicates: int = 0  # already stored by an earlier try
    dropped: int = 0  # not stored: consent revoked, or Do Not Track


def do_not_track(request: web.Request) -> bool:
    return request.headers.get("DNT", "").strip() == "1" or request.headers.get("Sec-GPC", "").strip() == "1"


def busy() -> Refusal:
    return Refusal(503, "collector is busy; retry later", "busy", RETRY_AFTER_S)


async def ingest(
    request: web.Request, caller: Principal, source: str, options: SourceOptions = SourceOptions()
) -> Outcome | Refusal:
    tenancy, metrics, sink = request.app[TENANCY], request.app[METRICS], request.app[SINK]
    tenant = tenancy.tenant(caller.tenant)
    origin = request.headers.get("Origin")
    if origin is not None and origin not in tenant.cors_origins:
        metrics.limited.labels(caller.tenant, "origin").inc()
        return Refusal(403, "this origin is not allowed for this key", "origin")
    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return Refusal(413, f"body exceeds {MAX_BODY_BYTES} bytes after decompression", "body")
    except BadEncoding as exc:
        return Refusal(415 if "unsupported" in str(exc) else 400, str(exc), "body")
    pool = request.app[SCRUB_POOL]
    now = dt.datetime.now(dt.timezone.utc)
    if do_not_track(request) and not tenant.app_records_consent:
        try:
            counted = await pool.process(caller.tenant, tenancy.policy(caller.tenant), source, options, body, now, True)
        except ScrubberUnavailable:
            return busy()
        if counted.envelope_status:
            return Refusal(counted.envelope_status, counted.envelope_error, "body")
        metrics.dropped.labels(caller.tenant, "do_not_track").inc(counted.total)
        return Outcome(counted, counted.total, dropped=counted.total)
    if not sink.has_room_for(len(body)) or request.app[MEMORY].over_limit:
        return busy()

    try:
        result = await pool.process(caller.tenant, tenancy.policy(caller.tenant), source, options, body, now)
    except ScrubberUnavailable:
        return busy()
    if result.envelope_status:
        return Refusal(result.envelope_status, result.envelope_error, "body")
    for _, reason in result.rejected:
        metrics.rejected.labels(caller.tenant, reason).inc()
    for item_type, count in result.ignored.items():
        metrics.ignored_items.labels(caller.tenant, source, item_type).inc(count)
    accepted = len(result.event_ids)
    if accepted or result.session_keys:
        installs = Counter(install for install in result.install_ids if install != NO_ID)
        decision = tenancy.limiter.check(caller.tenant, installs, accepted + len(result.session_keys))
        if decision.quota_exhausted:
            metrics.limited.labels(caller.tenant, "daily_quota").inc()
            return Refusal(
                403,
                f"daily event quota exhausted until {decision.quota_resets_at}; do not retry before",
                "quota",
                decision.retry_after_s,
            )
        if not decision.allowed:
            metrics.limited.labels(caller.tenant, "rate").inc()
            return Refusal(429, "rate limit exceeded; retry later", "rate", decision.retry_after_s)

    ids = [*result.event_ids, *result.session_keys]
    fresh = sink.idempotency.claim(caller.tenant, ids)
    claimed = [key for key, is_new in zip(ids, fresh) if is_new]
    dropped = 0
    if claimed:
        keep_events, keep_sessions = fresh[:accepted], fresh[accepted:]
        try:
            dropped = await sink.submit_record(
                caller.tenant, result.spool_record, result.install_hashes, keep_events, keep_sessions or None
            )
        except SpoolFull:
            sink.idempotency.release(caller.tenant, claimed)
            return busy()
        except BaseException:
            sink.idempotency.release(caller.tenant, claimed)
            raise
    duplicates = sum(1 for is_new in fresh[:accepted] if not is_new)
    metrics.accepted.labels(caller.tenant).inc(accepted)
    if result.session_keys:
        metrics.sessions.labels(caller.tenant).inc(sum(fresh[accepted:]))
    if duplicates:
        metrics.dropped.labels(caller.tenant, "duplicate").inc(duplicates)
    if dropped:
        metrics.dropped.labels(caller.tenant, "consent_revoked").inc(dropped)
    log.info(
        "batch",
        extra={
            "tenant": caller.tenant,
            "key_id": caller.key_id,
            "source": source,
            "accepted": accepted,
            "duplicates": duplicates,
            "dropped": dropped,
            "rejected": len(result.rejected),
        },
    )
    return Outcome(result, accepted, duplicates, dropped)
