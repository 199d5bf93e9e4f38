"""A departing customer's tenant, deleted: ``DELETE /v1/tenants/{tenant}`` (operator key) and the CLI.

In order: write the receipt (``accepted``) and refuse the tenant's keys from
then on, also after a restart; store what the spool still holds (the sink
drops the tenant's rows from now on, at submit and at insert); delete the
tenant's rows from every table but the audit trail with mutations run to
completion; verify a count of zero per table; only then turn the receipt
``completed``, with the rows deleted per table. An offboarding cut short by a
shutdown or a crash resumes at the next start; asking again for a tenant
already offboarded answers its existing receipt.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid

import msgspec
from aiohttp import web

from collector.auth import Principal, Role
from collector.http import error, json_reply, principal
from collector.resources import METRICS, SINK, spawn
from collector.rights import ACCEPTED, COMPLETED, FLUSH_TIMEOUT_S, PURGE_RETRY_CAP_S, _iso, _now, audit
from collector.tenancy import TENANCY
from schemas import OffboardingRow
from sink.rights import count_tenant_rows, delete_tenant_rows

log = logging.getLogger("collector")


class OffboardingReceipt(msgspec.Struct):
    offboarding_id: str
    tenant: str
    requested_at: str
    updated_at: str
    state: str
    rows_deleted: dict[str, int]
    status_url: str


def _receipt(row: OffboardingRow) -> OffboardingReceipt:
    return OffboardingReceipt(
        offboarding_id=str(row.offboarding_id),
        tenant=row.tenant,
        requested_at=_iso(row.requested_at),
        updated_at=_iso(row.updated_at),
        state=row.state,
        rows_deleted=dict(row.rows_deleted),
        status_url=f"/v1/offboardings/{row.offboarding_id}",
    )


async def _receipts(app: web.Application, where: str, parameters: dict) -> list[OffboardingRow]:
    sink = app[SINK]
    _, rows = await sink.query(f"SELECT * FROM {sink.database}.offboardings FINAL WHERE {where}", {}, parameters=parameters)
    return [OffboardingRow(*values) for values in rows]


async def offboard_tenant(request: web.Request) -> web.Response:
    caller = principal(request, Role.OPERATOR)
    tenant = request.match_info["tenant"]
    app, sink, tenancy = request.app, request.app[SINK], request.app[TENANCY]
    existing = await _receipts(app, "tenant = {tenant:String}", {"tenant": tenant})
    if existing:  # idempotent: the same receipt, whatever its state
        return json_reply(202, _receipt(max(existing, key=lambda r: r.requested_at)))
    if not tenancy.known(tenant):
        return error(404, "no such tenant")
    now = _now()
    receipt = OffboardingRow(
        offboarding_id=uuid.uuid4(), tenant=tenant, requested_at=now, updated_at=now, state=ACCEPTED,
        requested_by=caller.key_id,
    )  # fmt: skip
    await sink.insert_now([receipt])  # first, so that the keys stay refused after a restart
    sink.offboarded.add(tenant)
    tenancy.offboarded.add(tenant)
    reason = request.headers.get("X-Access-Reason", "")[:200]
    await audit(app, principal_of(receipt), "offboard", "", ACCEPTED, ref=str(receipt.offboarding_id), reason=reason)
    app[METRICS].offboardings.labels(ACCEPTED).inc()
    spawn(app, run_offboarding(app, receipt))
    return json_reply(202, _receipt(receipt))


async def run_offboarding(app: web.Application, receipt: OffboardingRow) -> None:
    """Delete until a zero count is verified; retried with backoff while ClickHouse is unreachable."""
    sink = app[SINK]
    attempt = 0
    while True:
        try:
            if await sink.flush(FLUSH_TIMEOUT_S * 3):
                before = await count_tenant_rows(sink, receipt.tenant)
                left = await delete_tenant_rows(sink, receipt.tenant)
                if sum(left.values()) == 0:
                    deleted = {table: receipt.rows_deleted.get(table, 0) + count for table, count in before.items()}
                    done = msgspec.structs.replace(receipt, state=COMPLETED, updated_at=_now(), rows_deleted=deleted)
                    await sink.insert_now([done])
                    operator = principal_of(receipt)
                    await audit(app, operator, "offboard", "", COMPLETED, rows=sum(deleted.values()), ref=str(receipt.offboarding_id))
                    app[METRICS].offboardings.labels(COMPLETED).inc()
                    log.info("offboarding completed", extra={"tenant": receipt.tenant, "rows": sum(deleted.values())})
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - retried; the receipt stays "accepted" meanwhile
            log.warning("offboarding attempt failed", extra={"tenant": receipt.tenant, "error": type(exc).__name__})
        attempt += 1
        await asyncio.sleep(random.uniform(0, min(PURGE_RETRY_CAP_S, 0.5 * 2**attempt)))


def principal_of(receipt: OffboardingRow) -> Principal:
    """The operator who asked, filed under the departing tenant: its audit rows stay, the tenant's data goes."""
    return Principal(receipt.tenant, Role.OPERATOR, receipt.requested_by)


async def resume_offboardings(app: web.Application) -> None:
    """At start: keep refusing every offboarded tenant's keys, and finish what a stop cut short."""
    receipts = await _receipts(app, "1", {})
    for receipt in receipts:
        app[SINK].offboarded.add(receipt.tenant)
        app[TENANCY].offboarded.add(receipt.tenant)
    unfinished = [r for r in receipts if r.state != COMPLETED]
    for receipt in unfinished:
        spawn(app, run_offboarding(app, receipt))
    if unfinished:
        log.info("resuming unfinished offboardings", extra={"offboardings": len(unfinished)})


async def get_offboarding(request: web.Request) -> web.Response:
    principal(request, Role.OPERATOR)
    try:
        offboarding_id = uuid.UUID(request.match_info["offboarding_id"])
    except ValueError:
        return error(404, "no such offboarding")
    found = await _receipts(request.app, "offboarding_id = {id:UUID}", {"id": str(offboarding_id)})
    if not found:
        return error(404, "no such offboarding")
    return json_reply(200, _receipt(found[0]))
