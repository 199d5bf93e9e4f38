"""Exports as the policies name them: JSON (one installation), JSON Lines and CSV (a tenant), streamed.

``GET /v1/installs/{id}/export`` answers JSON, or CSV when asked with
``Accept: text/csv``; ``GET /v1/export?table=events`` (the tenant's admin key)
streams every row of one of the tenant's tables as ``application/x-ndjson``
(the default) or ``text/csv``. Rows go out a page at a time, so the collector's
memory does not grow with the tenant. Every export is audited.
"""

from __future__ import annotations

from aiohttp import web

from collector.auth import Principal, Role
from collector.formats import CSV, NDJSON, wants_csv, write_csv, write_ndjson
from collector.http import error, principal
from collector.resources import METRICS, SINK
from collector.rights import COMPLETED, audit
from sink.ddl import EXPORTED_TABLES
from sink.rights import export_rows

_TABLES = {table.name: table for table in EXPORTED_TABLES}


async def export_tenant(request: web.Request) -> web.StreamResponse:
    caller: Principal = principal(request, Role.ADMIN)
    name = request.query.get("table", "events")
    table = _TABLES.get(name)
    if table is None:
        return error(400, f"table must be one of: {', '.join(_TABLES)}")
    as_csv = wants_csv(request)
    response = web.StreamResponse(
        status=200,
        headers={
            "Content-Type": CSV if as_csv else NDJSON,
            "Content-Disposition": f'attachment; filename="{caller.tenant}-{table.name}.{"csv" if as_csv else "ndjson"}"',
        },
    )
    await response.prepare(request)
    pages = export_rows(request.app[SINK], table, caller.tenant)
    written = await (write_csv(response, pages) if as_csv else write_ndjson(response, pages))
    await response.write_eof()
    request.app[METRICS].exports.labels("completed").inc()
    await audit(request.app, caller, "tenant_export", "", COMPLETED, rows=written, ref=table.name)
    return response
