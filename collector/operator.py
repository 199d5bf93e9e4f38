"""POST /v1/admin/query: read-only SQL for the deployment's operator, with a reason, audited.

Every query needs a reason (``X-Access-Reason``: the ticket on which the tenant
agreed to the access), stored in its audit row; without one it is refused.

Operator keys only: the embedded engine has no sandbox that confines arbitrary
SQL to one tenant's rows (``additional_table_filters`` is bypassed by
``merge()``), so a query naming one tenant (``X-Access-Tenant``) is refused
there, saying why, rather than run with a filter that does not hold. On a
ClickHouse server such a query would run as the tenant's read-only user under
its row policy; the collector holds no such credentials yet, so it is refused
there too. Tenants get the scoped export endpoint and Grafana row policies.
``readonly=1`` forbids writes, setting changes and file access. chDB holds its
data directory for one process, so while the collector runs this endpoint is
how ``python -m collector query`` reads stored rows.
"""

from __future__ import annotations

import logging
import re

import msgspec
import orjson
from aiohttp import web

from collector.auth import Role
from collector.http import error, principal
from collector.resources import CONFIG, SINK
from collector.rights import audit

log = logging.getLogger("collector")

MAX_QUERY_ROWS = 10_000
# Checked before ``readonly`` is even tried: chDB's client applies per-call settings
# of INSERT statements with SET, and a SET readonly=1 that fails to be undone
# would leave the collector's own session unable to insert.
_READ_STATEMENT = re.compile(r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b", re.I | re.S)


MAX_REASON_CHARS = 200
REASON_HEADER, TENANT_HEADER = "X-Access-Reason", "X-Access-Tenant"
EMBEDDED_CANNOT_CONFINE = (
    "the embedded engine cannot confine SQL to one tenant (merge() escapes additional_table_filters); "
    "query without X-Access-Tenant"
)
NO_TENANT_READER = "no read-only ClickHouse user is configured for tenant-confined queries on this server"


class QueryRequest(msgspec.Struct, forbid_unknown_fields=True):
    sql: str


async def admin_query(request: web.Request) -> web.Response:
    caller = principal(request, Role.OPERATOR)
    reason = request.headers.get(REASON_HEADER, "").strip()
    if not reason or len(reason) > MAX_REASON_CHARS:
        return error(400, f"{REASON_HEADER} is required (1 to {MAX_REASON_CHARS} characters): say why, e.g. the ticket")
    if request.headers.get(TENANT_HEADER):
        await audit(request.app, caller, "operator_query", "", "refused", reason=reason)
        embedded = request.app[CONFIG].clickhouse_url.startswith("chdb:")
        return error(400, EMBEDDED_CANNOT_CONFINE if embedded else NO_TENANT_READER)
    try:
        sql = msgspec.json.decode(await request.read(), type=QueryRequest).sql
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        return error(400, 'body must be {"sql": "..."}')
    if not _READ_STATEMENT.match(sql) or re.search(r"\bINSERT\s+INTO\b", sql, re.I):
        await audit(request.app, caller, "operator_query", "", "refused", reason=reason)
        return error(400, "only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS statements are allowed")
    settings = {
        "readonly": 1,
        "max_result_rows": MAX_QUERY_ROWS,
        "result_overflow_mode": "break",
        "max_execution_time": 30,
    }
    try:
        columns, rows = await request.app[SINK].query(sql, settings)
    except Exception as exc:  # noqa: BLE001 - the operator's own SQL; report the class, not the text
        await audit(request.app, caller, "operator_query", "", "failed", reason=reason)
        return error(400, f"query failed: {type(exc).__name__}")
    await audit(request.app, caller, "operator_query", "", "completed", rows=len(rows), reason=reason)
    return web.Response(
        body=orjson.dumps({"columns": columns, "rows": rows}, option=orjson.OPT_NAIVE_UTC, default=str),
        content_type="application/json",
    )
