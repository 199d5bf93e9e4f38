"""The aiohttp application: authenticate, validate, scrub, spool, answer.

Data flows one way: a request body is decoded into events (schemas), each event
is turned into a row (scrubbers) and the rows are made durable (sink) before
the 202 goes out. Replies and logs name fields and counts, never values.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import msgspec
import orjson
from aiohttp import web
from clickhouse_connect.driver.exceptions import ProgrammingError

from collector.auth import KeyRing, Principal, Role
from collector.body import BadEncoding, BodyTooLarge, read_body
from collector.config import Config
from collector.pressure import MemoryGauge
from schemas import MAX_EVENTS_PER_BATCH, EventRejected, decode_envelope, decode_event
from scrubbers import EventScrubber, IdHasher, TenantPolicy, TextScrubber
from sink import Sink, SinkSettings, SpoolFull, open_client

log = logging.getLogger("collector")

MAX_BODY_BYTES = 1024 * 1024
MAX_QUERY_ROWS = 10_000
RETRY_AFTER_S = 5
READY_SPOOL_FILL = 0.9  # past this share of the spool cap, stop sending us traffic

CONFIG = web.AppKey("config", Config)
KEYRING = web.AppKey("keyring", KeyRing)
POLICIES = web.AppKey("policies", dict)
SINK = web.AppKey("sink", Sink)
SCRUBBER = web.AppKey("scrubber", EventScrubber)
SCRUB_POOL = web.AppKey("scrub_pool", ThreadPoolExecutor)
MEMORY = web.AppKey("memory", MemoryGauge)


class _Rejection(msgspec.Struct):
    index: int
    reason: str


class _Accepted(msgspec.Struct, omit_defaults=True):
    accepted: int  # stored, including events already stored by an earlier try
    rejected: list[_Rejection]
    duplicates: int = 0  # of the accepted, how many an earlier try had already stored


def _error(status: int, message: str, **headers: str) -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps({"error": message}),
        content_type="application/json",
        headers=headers,
    )


def _json(status: int, body: object) -> web.Response:
    return web.Response(status=status, body=msgspec.json.encode(body), content_type="application/json")


def _principal(request: web.Request, *roles: Role) -> Principal:
    principal = request.app[KEYRING].authenticate(request.headers.get("Authorization"))
    if principal is None or principal.role not in roles:
        raise web.HTTPUnauthorized(
            text='{"error": "unknown or missing key"}',
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="telemetry"'},
        )
    return principal


async def post_events(request: web.Request) -> web.Response:
    principal = _principal(request, Role.INGEST)
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return _error(413, f"body exceeds {MAX_BODY_BYTES} bytes after decompression")
    except BadEncoding as exc:
        status = 415 if "unsupported" in str(exc) else 400
        return _error(status, str(exc))
    try:
        raw_events = decode_envelope(body)
    except EventRejected as exc:
        return _error(400, f"body is not the envelope {{\"events\": [...]}}: {exc.reason}")
    if not raw_events:
        return _error(400, "the batch holds no events")
    if len(raw_events) > MAX_EVENTS_PER_BATCH:
        return _error(413, f"a batch holds at most {MAX_EVENTS_PER_BATCH} events")

    now = dt.datetime.now(dt.timezone.utc)
    events, rejected = [], []
    for index, raw in enumerate(raw_events):
        try:
            events.append(decode_event(raw, now))
        except EventRejected as exc:
            rejected.append(_Rejection(index, exc.reason))
    sink = request.app[SINK]
    fresh = sink.idempotency.claim(principal.tenant, [e.event_id for e in events])
    new_events = [e for e, is_new in zip(events, fresh) if is_new]
    if new_events:
        try:
            await _store(request, principal.tenant, new_events, now, len(body))
        except _Busy:
            sink.idempotency.release(principal.tenant, [e.event_id for e in new_events])
            return _error(503, "collector is busy; retry later", **{"Retry-After": str(RETRY_AFTER_S)})
        except BaseException:
            sink.idempotency.release(principal.tenant, [e.event_id for e in new_events])
            raise
    duplicates = len(events) - len(new_events)
    log.info(
        "batch",
        extra={
            "tenant": principal.tenant,
            "key_id": principal.key_id,
            "accepted": len(events),
            "duplicates": duplicates,
            "rejected": len(rejected),
        },
    )
    return _json(202, _Accepted(len(events), rejected, duplicates))


class _Busy(Exception):
    pass


async def _store(request: web.Request, tenant: str, events: list, now: dt.datetime, body_size: int) -> None:
    sink = request.app[SINK]
    if not sink.has_room_for(body_size) or request.app[MEMORY].over_limit:
        raise _Busy()
    policy: TenantPolicy = request.app[POLICIES][tenant]
    batch = await asyncio.get_running_loop().run_in_executor(
        request.app[SCRUB_POOL], request.app[SCRUBBER].scrub_batch, tenant, policy, events, now
    )
    try:
        await sink.submit(batch.rows, batch.report)
    except SpoolFull:
        raise _Busy() from None


async def healthz(request: web.Request) -> web.Response:
    return _json(200, {"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Whether to send this collector traffic; liveness (/healthz) never depends on it."""
    sink = request.app[SINK]
    state = {"spool_bytes": sink.spool.bytes, "clickhouse_healthy": sink.clickhouse_healthy}
    if sink.spool.fill_ratio > READY_SPOOL_FILL:
        return _json(503, {"status": "spool full", **state})
    if request.app[MEMORY].over_limit:
        return _json(503, {"status": "memory bound reached", **state})
    return _json(200, {"status": "ready", **state})


class _QueryRequest(msgspec.Struct, forbid_unknown_fields=True):
    sql: str


async def admin_query(request: web.Request) -> web.Response:
    """Read-only SQL for the deployment's operator while chDB holds the data directory.

    Operator keys only: ClickHouse has no sandbox that confines arbitrary SQL to
    one tenant's rows (``additional_table_filters`` is bypassed by ``merge()``), so
    tenants get the scoped export endpoint and Grafana row policies instead.
    ``readonly=1`` forbids writes, setting changes and file access.
    """
    principal = _principal(request, Role.OPERATOR)
    try:
        sql = msgspec.json.decode(await request.read(), type=_QueryRequest).sql
    except (msgspec.DecodeError, msgspec.ValidationError):
        return _error(400, 'body must be {"sql": "..."}')
    sink = request.app[SINK]
    settings = {
        "readonly": 1,
        "max_result_rows": MAX_QUERY_ROWS,
        "result_overflow_mode": "break",
        "max_execution_time": 30,
    }
    try:
        columns, rows = await sink.query(sql, settings)
    except Exception as exc:  # noqa: BLE001 - the operator's own SQL; report the class, not the text
        log.info("admin query failed", extra={"tenant": principal.tenant, "error": type(exc).__name__})
        return _error(400, f"query failed: {type(exc).__name__}")
    log.info("admin query", extra={"tenant": principal.tenant, "key_id": principal.key_id, "rows": len(rows)})
    return web.Response(
        body=orjson.dumps({"columns": columns, "rows": rows}, default=str),
        content_type="application/json",
    )


@web.middleware
async def _errors(request: web.Request, handler) -> web.StreamResponse:
    """Unexpected failures answer 500 without detail; the process keeps serving."""
    started = time.perf_counter()
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        log.debug("request", extra={"route": request.match_info.route.name, "status": exc.status})
        raise
    except Exception as exc:  # noqa: BLE001
        log.error("request failed", extra={"route": request.match_info.route.name, "error": type(exc).__name__})
        response = _error(500, "internal error")
    log.debug(
        "request",
        extra={"route": request.match_info.route.name, "status": response.status, "ms": round((time.perf_counter() - started) * 1000, 2)},
    )
    return response


def create_app(config: Config) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES + 1, middlewares=[_errors])
    app[CONFIG] = config
    app[KEYRING] = KeyRing(config.tenants, config.operator_keys)
    app[POLICIES] = {tenant_id: tenant.policy() for tenant_id, tenant in config.tenants.items()}
    app[MEMORY] = MemoryGauge(config.spool.max_rss_bytes)
    app.cleanup_ctx.append(_resources)
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_get("/readyz", readyz, name="readyz")
    app.router.add_post("/v1/events", post_events, name="events")
    app.router.add_post("/v1/admin/query", admin_query, name="admin_query")
    return app


def _fault_hook(config: Config):
    """The test suite's way to make ClickHouse inserts fail in a collector process."""
    fault_file = config.insert_fault_file
    if fault_file is None:
        return None

    def fail_while_file_exists(table: str) -> None:
        if not fault_file.exists():
            return
        if fault_file.read_text().startswith("permanent"):
            raise ProgrammingError("injected permanent insert fault")
        raise ConnectionError("injected insert fault")

    return fail_while_file_exists


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    loop = asyncio.get_running_loop()
    # One scrubbing thread: NER holds the GIL, and the scrubber's caches are not shared.
    scrub_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scrub")
    text_scrubber = await loop.run_in_executor(scrub_pool, TextScrubber)
    app[SCRUB_POOL] = scrub_pool
    app[SCRUBBER] = EventScrubber(text_scrubber, IdHasher(config.id_hash_secret))
    sink = Sink(
        lambda: open_client(config.clickhouse_url),
        SinkSettings(
            spool_dir=config.spool_dir,
            spool_max_bytes=config.spool.max_bytes,
            segment_max_bytes=config.spool.segment_max_bytes,
            segment_max_age_s=config.spool.flush_interval_s,
            idempotency_max_ids=config.spool.idempotency_max_ids,
            idempotency_window_s=config.spool.idempotency_window_s,
            fault=_fault_hook(config),
        ),
    )
    await sink.start()
    app[SINK] = sink
    log.info("collector ready", extra={"tenants": len(config.tenants)})
    yield
    await sink.close(timeout_s=config.spool.shutdown_timeout_s)
    scrub_pool.shutdown(wait=True)
    log.info("collector stopped", extra={"rows_inserted": sink.stats.rows_inserted})
