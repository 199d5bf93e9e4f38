"""The aiohttp application: routes, middleware and the resources it owns.

Data flows one way: a request body is decoded into events (schemas), each event
is turned into a row (scrubbers) and the rows are made durable (sink) before
the 202 goes out. Replies, logs and metrics name fields and counts, never values.
"""

from __future__ import annotations

import logging
import time

import orjson
from aiohttp import web

from collector.config import Config
from collector.http import error, json_reply
from collector.cors import cors
from collector.pipeline import MAX_BODY_BYTES
from collector.metrics import Metrics
from collector.openapi import openapi_document
from collector.operator import admin_query, open_tenant_readers
from collector.pressure import MemoryGauge
from collector.resources import CONFIG, MEMORY, METRICS, SINK, STARTED, open_resources
from collector.export import export_tenant
from collector.offboarding import get_offboarding, offboard_tenant, resume_offboardings
from collector.retention import keep_sweeping
from collector.rights import delete_install, export_install, get_purge, resume_purges
from collector.sources.registry import SOURCES
from collector.tenancy import TENANCY, Tenancy

log = logging.getLogger("collector")

READY_SPOOL_FILL = 0.9  # past this share of the spool cap, stop sending us traffic


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process serves. Never depends on ClickHouse or the spool."""
    return json_reply(200, {"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: whether a load balancer should send this collector events."""
    sink = request.app[SINK]
    state = {"spool_bytes": sink.spool.bytes, "clickhouse_healthy": sink.clickhouse_healthy}
    if sink.spool.fill_ratio > READY_SPOOL_FILL:
        return json_reply(503, {"status": "spool full", **state})
    if request.app[MEMORY].over_limit:
        return json_reply(503, {"status": "memory bound reached", **state})
    return json_reply(200, {"status": "ready", **state})


OPENAPI = web.AppKey("openapi", bytes)


async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[OPENAPI], content_type="application/json")


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


@web.middleware
async def _observe(request: web.Request, handler) -> web.StreamResponse:
    """Unexpected failures answer 500 without detail; the process keeps serving."""
    started = time.perf_counter()
    route = request.match_info.route.name or "unmatched"
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        request.app[METRICS].requests.labels(route, str(exc.status)).inc()
        raise
    except Exception as exc:  # noqa: BLE001
        log.error("request failed", extra={"route": route, "error": type(exc).__name__})
        response = error(500, "internal error")
    request.app[METRICS].requests.labels(route, str(response.status)).inc()
    log.debug("request", extra={"route": route, "status": response.status, "ms": round((time.perf_counter() - started) * 1000, 2)})
    return response


def create_app(config: Config) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES + 1, middlewares=[_observe, cors])
    app[CONFIG] = config
    app[TENANCY] = Tenancy(config)
    app[MEMORY] = MemoryGauge(config.spool.max_rss_bytes)
    app[METRICS] = Metrics()
    app[STARTED] = [resume_offboardings, resume_purges, keep_sweeping]
    app[OPENAPI] = orjson.dumps(openapi_document())
    app.cleanup_ctx.append(open_resources)
    app.cleanup_ctx.append(open_tenant_readers)
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_get("/readyz", readyz, name="readyz")
    app.router.add_get("/metrics", metrics, name="metrics")
    app.router.add_get("/openapi.json", openapi, name="openapi")
    for source in SOURCES:
        for method, path, handler, name in source.ROUTES:
            app.router.add_route(method, path, handler, name=name)
    app.router.add_delete("/v1/installs/{install_id}", delete_install, name="purge")
    app.router.add_get("/v1/installs/{install_id}/export", export_install, name="export")
    app.router.add_get("/v1/purges/{purge_id}", get_purge, name="purge_status")
    app.router.add_get("/v1/export", export_tenant, name="tenant_export")
    app.router.add_post("/v1/admin/query", admin_query, name="admin_query")
    app.router.add_delete("/v1/tenants/{tenant}", offboard_tenant, name="offboard")
    app.router.add_get("/v1/offboardings/{offboarding_id}", get_offboarding, name="offboarding_status")
    return app
