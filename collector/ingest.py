"""POST /v1/events: authenticate, validate, scrub, spool, answer 202.

The reply comes only after the scrubbed rows are fsynced to the spool. Reasons
in the reply and labels in metrics are built from the schema, never the payload.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import msgspec
from aiohttp import web

from collector.auth import Role
from collector.body import BadEncoding, BodyTooLarge, read_body
from collector.http import error, json_reply, principal
from collector.resources import MEMORY, METRICS, SCRUB_POOL, SINK
from collector.scrub_pool import ScrubberUnavailable
from collector.tenancy import TENANCY
from schemas import EventRejected, decode_envelope
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


def _do_not_track(request: web.Request) -> bool:
    return request.headers.get("DNT", "").strip() == "1" or request.headers.get("Sec-GPC", "").strip() == "1"


async def post_events(request: web.Request) -> web.Response:
    caller = principal(request, Role.INGEST)
    tenancy, metrics, sink = request.app[TENANCY], request.app[METRICS], request.app[SINK]
    if request.content_type != "application/json":
        return error(415, "Content-Type must be application/json")
    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return error(413, f"body exceeds {MAX_BODY_BYTES} bytes after decompression")
    except BadEncoding as exc:
        return error(415 if "unsupported" in str(exc) else 400, str(exc))
    if _do_not_track(request) and not tenancy.tenant(caller.tenant).app_records_consent:
        return _drop_do_not_track(caller.tenant, body, metrics)
    if not sink.has_room_for(len(body)) or request.app[MEMORY].over_limit:
        return _busy()

    now = dt.datetime.now(dt.timezone.utc)
    try:
        result = await request.app[SCRUB_POOL].process(caller.tenant, tenancy.policy(caller.tenant), body, now)
    except ScrubberUnavailable:
        return _busy()
    if result.envelope_status:
        return error(result.envelope_status, result.envelope_error)
    rejected = [Rejection(index, reason) for index, reason in result.rejected]
    for item in rejected:
        metrics.rejected.labels(caller.tenant, item.reason).inc()
    accepted = len(result.event_ids)
    if accepted:
        decision = tenancy.limiter.check(caller.tenant, Counter(result.install_ids))
        if decision.quota_exhausted:
            metrics.limited.labels(caller.tenant, "daily_quota").inc()
            return error(403, f"daily event quota exhausted until {decision.quota_resets_at}; do not retry before")
        if not decision.allowed:
            metrics.limited.labels(caller.tenant, "rate").inc()
            return error(429, "rate limit exceeded; retry later", **{"Retry-After": str(decision.retry_after_s)})

    fresh = sink.idempotency.claim(caller.tenant, result.event_ids)
    claimed = [event_id for event_id, is_new in zip(result.event_ids, fresh) if is_new]
    dropped = 0
    if claimed:
        try:
            dropped = await sink.submit_record(caller.tenant, result.spool_record, result.install_hashes, fresh)
        except SpoolFull:
            sink.idempotency.release(caller.tenant, claimed)
            return _busy()
        except BaseException:
            sink.idempotency.release(caller.tenant, claimed)
            raise
    duplicates = accepted - len(claimed)
    metrics.accepted.labels(caller.tenant).inc(accepted)
    if duplicates:
        metrics.dropped.labels(caller.tenant, "duplicate").inc(duplicates)
    if dropped:
        metrics.dropped.labels(caller.tenant, "consent_revoked").inc(dropped)
    log.info(
        "batch",
        extra={
            "tenant": caller.tenant,
            "key_id": caller.key_id,
            "accepted": accepted,
            "duplicates": duplicates,
            "dropped": dropped,
            "rejected": len(rejected),
        },
    )
    return json_reply(202, Accepted(accepted, rejected, duplicates, dropped))


def _busy() -> web.Response:
    return error(503, "collector is busy; retry later", **{"Retry-After": str(RETRY_AFTER_S)})


def _drop_do_not_track(tenant: str, body: bytes, metrics) -> web.Response:
    """Acknowledge and drop: the browser or OS says its user does not want to be tracked."""
    try:
        count = len(decode_envelope(body))
    except EventRejected as exc:
        return error(400, f'body is not the envelope {{"events": [...]}}: {exc.reason}')
    metrics.dropped.labels(tenant, "do_not_track").inc(count)
    return json_reply(202, Accepted(count, [], dropped=count))
