"""A tenant's shorter retention, applied to rows stored while its retention was longer.

Each row carries the tenant's ``retention_days`` at receipt, and its table's
TTL expires it by that value, whole parts at a time. When a tenant shortens its
retention, rows already stored keep the longer value; this sweep deletes those
older than the new retention, with a mutation, at start, after a config reload
and then every few hours until none is left (at most the new retention's days,
since rows received from then on carry the new value). Where nothing matches,
it costs one count per table and no mutation.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from collector.resources import SINK, spawn
from collector.tenancy import TENANCY
from sink.ddl import RETENTION_DAYS, TENANT_RETENTION_TABLES

log = logging.getLogger("collector")

SWEEP_EVERY_S = 6 * 3600


async def sweep(app: web.Application) -> int:
    """Delete rows kept past their tenant's current retention; returns how many there were."""
    sink, swept = app[SINK], 0
    for tenant_id, tenant in app[TENANCY].tenants().items():
        if tenant.retention_days >= RETENTION_DAYS:
            continue
        parameters = {"tenant": tenant_id, "days": tenant.retention_days}
        for table in TENANT_RETENTION_TABLES:
            where = (
                "tenant = {tenant:String} AND retention_days > {days:UInt16} "
                f"AND {table.tenant_retention_from} < today() - {{days:UInt16}}"
            )
            _, rows = await sink.query(f"SELECT count() FROM {sink.database}.{table.name} WHERE {where}", {}, parameters=parameters)
            if rows[0][0]:
                await sink.command(
                    f"ALTER TABLE {sink.mutation_target(table.name)} DELETE WHERE {where}", {"mutations_sync": 2}, parameters=parameters
                )
                swept += rows[0][0]
                log.info("rows past a shortened retention deleted", extra={"tenant": tenant_id, "table": table.name, "rows": rows[0][0]})
    return swept


async def keep_sweeping(app: web.Application) -> None:
    """The started hook: sweep before serving (a changed retention holds from the first request), then every SWEEP_EVERY_S."""
    await _sweep_logged(app)
    spawn(app, _every(app))


async def _every(app: web.Application) -> None:
    while True:
        await asyncio.sleep(SWEEP_EVERY_S)
        await _sweep_logged(app)


async def _sweep_logged(app: web.Application) -> None:
    try:
        await sweep(app)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the next round retries
        log.warning("retention sweep failed", extra={"error": type(exc).__name__})
