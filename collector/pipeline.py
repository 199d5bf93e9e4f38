"""The one ingest path every source shares, after its wire format is read.

In order: the browser origin, the body within its size limit, back-pressure,
the decode phase in a scrubbing worker (the source's decoder, then the
identifier check), consent signals (Do Not Track), rate limits and the
duplicate check; only then the scrub phase, of the events still kept, and the
spool. Nothing is acknowledged before the spool's fsync. Each source turns the
``Outcome`` or ``Refusal`` into its own reply. Reasons and log fields name
counts, fields and limits, never a value, key or id.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from collector.auth import Principal
from collector.body import BadEncoding, BodyTooLarge, read_body
from collector.resources import CONFIG, MEMORY, METRICS, SCRUB_POOL, SINK
from collector.scrub_pool import Held, ScrubberUnavailable
from collector.sources.base import SourceOptions
from collector.tenancy import TENANCY
from collector.worker import AT_ONCE_IF_NER_CACHED, AT_ONCE_IF_NO_TEXT, AT_ONCE_NEVER, BatchResult
from sink import SpoolFull

log = logging.getLogger("collector")

MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_S = 5
LIMITED_RECENTLY_S = 1.0  # a tenant refused by a limit this recently: texts are scrubbed only once kept


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
    """Every stage after a source has authenticated the caller and checked its content type."""
    app = request.app
    tenancy, metrics, sink, pool = app[TENANCY], app[METRICS], app[SINK], app[SCRUB_POOL]
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
    consent_refused = do_not_track(request) and not tenant.app_records_consent
    if not consent_refused and (not sink.has_room_for(len(body)) or app[MEMORY].over_limit):
        return busy()

    now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=app[CONFIG].receive_clock_offset_s)
    if consent_refused:  # never scrubbed
        at_once = AT_ONCE_NEVER
    elif tenancy.limiter.refused_within(caller.tenant, LIMITED_RECENTLY_S):
        at_once = AT_ONCE_IF_NO_TEXT
    else:
        at_once = AT_ONCE_IF_NER_CACHED
    try:
        held, found = await pool.decode(caller.tenant, tenancy.policy(caller.tenant), source, options, body, now, at_once)
    except ScrubberUnavailable:
        return busy()

    async def held_again() -> Held:
        """The body decoded again and held, for a batch scrubbed at once that turned out to be a retry."""
        return (await pool.decode(caller.tenant, tenancy.policy(caller.tenant), source, options, body, now, AT_ONCE_NEVER))[0]

    try:
        outcome = await _decide_and_store(app, caller, source, held, found, consent_refused, held_again)
    except ScrubberUnavailable:
        return busy()
    finally:
        if not held.done and found.scrubbed is None:  # an eagerly scrubbed batch is not held by its worker
            pool.discard(held)
    if isinstance(outcome, Outcome):
        _log_batch(caller, source, outcome)
    return outcome


async def _decide_and_store(
    app: web.Application,
    caller: Principal,
    source: str,
    held: Held,
    found: BatchResult,
    consent_refused: bool,
    held_again: Callable[[], Awaitable[Held]],
) -> Outcome | Refusal:
    """What the decode phase found, through consent, limits and the duplicate check; only then scrubbed."""
    tenancy, metrics, sink, pool = app[TENANCY], app[METRICS], app[SINK], app[SCRUB_POOL]
    if found.envelope_status:
        return Refusal(found.envelope_status, found.envelope_error, "body")
    if consent_refused:  # acknowledged, so the SDK does not retry, and never scrubbed or stored
        metrics.dropped.labels(caller.tenant, "do_not_track").inc(found.total)
        return Outcome(found, found.total, dropped=found.total)
    for _, reason in found.rejected:
        metrics.rejected.labels(caller.tenant, reason).inc()
    for item_type, count in found.ignored.items():
        metrics.ignored_items.labels(caller.tenant, source, item_type).inc(count)
    accepted = len(found.event_ids)
    if refusal := _limited(tenancy, metrics, caller.tenant, found):
        return refusal

    ids = [*found.event_ids, *found.session_keys]
    fresh = sink.idempotency.claim(caller.tenant, ids)
    claimed = [key for key, is_new in zip(ids, fresh) if is_new]
    duplicates = accepted - sum(fresh[:accepted])
    dropped = 0
    if claimed:
        try:
            held.done = True
            if found.scrubbed is not None and not duplicates:  # scrubbed in the decode phase, and all new
                scrubbed = found.scrubbed
            else:
                if found.scrubbed is not None:
                    # A retry scrubbed at once: decoded again, and only its new events scrubbed, so that the
                    # scrub report counts each event once (a retry is rare, and this costs no NER).
                    held = await held_again()
                    held.done = True
                scrubbed = await pool.scrub(held, fresh[:accepted], fresh[accepted:])
            keep = [True] * len(scrubbed.install_hashes)  # only fresh rows were scrubbed
            # The sink still drops rows of an installation revoked meanwhile.
            dropped = await sink.submit_record(
                caller.tenant, scrubbed.spool_record, scrubbed.install_hashes, keep, scrubbed.spool_record_crc
            )
        except SpoolFull:
            sink.idempotency.release(caller.tenant, claimed)
            return busy()
        except BaseException:
            sink.idempotency.release(caller.tenant, claimed)
            raise
    metrics.accepted.labels(caller.tenant).inc(accepted)
    if found.session_keys:
        metrics.sessions.labels(caller.tenant).inc(sum(fresh[accepted:]))
    if duplicates:
        metrics.dropped.labels(caller.tenant, "duplicate").inc(duplicates)
    if dropped:
        metrics.dropped.labels(caller.tenant, "consent_revoked").inc(dropped)
    return Outcome(found, accepted, duplicates, dropped)


def _limited(tenancy, metrics, tenant: str, found: BatchResult) -> Refusal | None:
    """The tenant's and each installation's rate limit, and the daily quota, charged for the whole request."""
    accepted = len(found.event_ids)
    if not accepted and not found.session_keys:
        return None
    decision = tenancy.limiter.check(tenant, dict(found.installs), accepted + len(found.session_keys))
    if decision.quota_exhausted:
        metrics.limited.labels(tenant, "daily_quota").inc()
        message = f"daily event quota exhausted until {decision.quota_resets_at}; do not retry before"
        return Refusal(403, message, "quota", decision.retry_after_s)
    if not decision.allowed:
        metrics.limited.labels(tenant, "rate").inc()
        return Refusal(429, "rate limit exceeded; retry later", "rate", decision.retry_after_s)
    return None


def _log_batch(caller: Principal, source: str, outcome: Outcome) -> None:
    log.info(
        "batch",
        extra={
            "tenant": caller.tenant,
            "key_id": caller.key_id,
            "source": source,
            "accepted": outcome.accepted,
            "duplicates": outcome.duplicates,
            "dropped": outcome.dropped,
            "rejected": len(outcome.result.rejected),
        },
    )
