"""POST /v1/admin/query: read-only SQL for the deployment's operator, with a reason, audited.

Every query needs a reason (``X-Access-Reason``: the ticket on which the tenant
agreed to the access), stored in its audit row; without one it is refused.

Operator keys only. A query may name one tenant (``X-Access-Tenant``). On a
ClickHouse server it then runs as that tenant's read-only user
(``[tenants.<id>.reader]``), so the server's row policy confines it, as it does
the tenant's Grafana; its audit row is filed under the tenant. The embedded
engine has no sandbox that confines arbitrary SQL to one tenant's rows
(``additional_table_filters`` is bypassed by ``merge()``), so there such a query
is refused, saying why, rather than run with a filter that does not hold.
Tenants get the scoped export endpoint and Grafana row policies.
``readonly=1`` forbids writes, setting changes and file access. chDB holds its
data directory for one process, so while the collector runs this endpoint is
how ``python -m collector query`` reads stored rows.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import orjson
from aiohttp import web

from collector.auth import Principal, Role
from collector.http import error, principal
from collector.resources import CONFIG, SINK
from collector.rights import audit
from collector.tenancy import TENANCY
from sink import ReaderLogin, TenantReaders

log = logging.getLogger("collector")

MAX_QUERY_ROWS = 10_000
# Checked before ``readonly`` is even tried: chDB's client applies per-call settings
# of INSERT statements with SET, and a SET readonly=1 that fails to be undone
# would leave the collector's own session unable to insert.
_READ_STATEMENT = re.compile(r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b", re.I | re.S)
# The collector's own user may change settings, so it is made read-only for the query.
_SETTINGS = {"readonly": 1, "max_result_rows": MAX_QUERY_ROWS, "result_overflow_mode": "break", "max_execution_time": 30}
# A tenant's reader already runs read-only under its settings profile (grafana_readonly in
# deploy/compose), which pins max_result_rows, and in readonly mode ClickHouse refuses to
# change any setting not CHANGEABLE_IN_READONLY (error 164, READONLY): max_execution_time is.
# readonly=1 is left out by clickhouse-connect where the profile pins it, and holds where a
# profile does not. MAX_QUERY_ROWS is kept by the reader, which stops reading there.
_READER_SETTINGS = {"readonly": 1, "max_execution_time": 30}

MAX_REASON_CHARS = 200
REASON_HEADER, TENANT_HEADER = "X-Access-Reason", "X-Access-Tenant"
EMBEDDED_CANNOT_CONFINE = (
    "the embedded engine cannot confine SQL to one tenant (merge() escapes additional_table_filters); "
    "query without X-Access-Tenant"
)
UNKNOWN_TENANT = "X-Access-Tenant names no tenant of this deployment"
NO_TENANT_READER = (
    "no read-only ClickHouse user is configured for this tenant: tenant-confined queries need "
    "[tenants.<id>.reader] (user, password_file) in the collector's config"
)

TENANT_READERS = web.AppKey("tenant_readers", TenantReaders)


class QueryRequest(msgspec.Struct, forbid_unknown_fields=True):
    sql: str


async def open_tenant_readers(app: web.Application) -> AsyncIterator[None]:
    """Clients logged in as tenants' reader users (each opened at its first query); a ClickHouse server only."""
    url = app[CONFIG].clickhouse_url
    if url.startswith("chdb:"):
        yield
        return
    readers = TenantReaders(url)
    app[TENANT_READERS] = readers
    yield
    await readers.close()


async def admin_query(request: web.Request) -> web.Response:
    caller = principal(request, Role.OPERATOR)
    reason = request.headers.get(REASON_HEADER, "").strip()
    if not reason or len(reason) > MAX_REASON_CHARS:
        return error(400, f"{REASON_HEADER} is required (1 to {MAX_REASON_CHARS} characters): say why, e.g. the ticket")
    login = None
    # Present but empty still asks for confinement: an unset variable must not widen the query to every tenant.
    if TENANT_HEADER in request.headers:
        confinement = await _confinement(request, caller, reason)
        if isinstance(confinement, web.Response):
            return confinement
        caller, login = confinement
    try:
        sql = msgspec.json.decode(await request.read(), type=QueryRequest).sql
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        return error(400, 'body must be {"sql": "..."}')
    if not _READ_STATEMENT.match(sql) or re.search(r"\bINSERT\s+INTO\b", sql, re.I):
        await audit(request.app, caller, "operator_query", "", "refused", reason=reason)
        return error(400, "only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS statements are allowed")
    ref = login.user if login else ""
    try:
        if login:
            columns, rows = await request.app[TENANT_READERS].query(login, sql, _READER_SETTINGS, MAX_QUERY_ROWS)
        else:
            columns, rows = await request.app[SINK].query(sql, _SETTINGS)
    except Exception as exc:  # noqa: BLE001 - the operator's own SQL; report the class and code, not the text
        await audit(request.app, caller, "operator_query", "", "failed", ref=ref, reason=reason)
        return error(400, f"query failed: {_failure(exc)}")
    await audit(request.app, caller, "operator_query", "", "completed", rows=len(rows), ref=ref, reason=reason)
    return web.Response(
        body=orjson.dumps({"columns": columns, "rows": rows}, option=orjson.OPT_NAIVE_UTC, default=str),
        content_type="application/json",
    )


async def _confinement(request: web.Request, caller: Principal, reason: str) -> tuple[Principal, ReaderLogin] | web.Response:
    """The caller filed under the named tenant, and that tenant's reader login; or the refusal."""
    app = request.app
    if app[CONFIG].clickhouse_url.startswith("chdb:"):
        await audit(app, caller, "operator_query", "", "refused", reason=reason)
        return error(400, EMBEDDED_CANNOT_CONFINE)
    tenant = request.headers[TENANT_HEADER].strip()
    tenancy = app[TENANCY]
    if not tenancy.known(tenant):
        return error(400, UNKNOWN_TENANT)  # no tenant to file an audit row under, and nothing was read
    confined = dataclasses.replace(caller, tenant=tenant)
    reader = tenancy.tenant(tenant).reader
    if reader is None:
        await audit(app, confined, "operator_query", "", "refused", reason=reason)
        return error(400, NO_TENANT_READER)
    return confined, ReaderLogin(reader.user, Path(reader.password_file))


def _failure(exc: Exception) -> str:
    """The exception's class and ClickHouse error code: a ClickHouse message may quote the SQL and its values."""
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__} (ClickHouse error {code})" if isinstance(code, int) else type(exc).__name__
