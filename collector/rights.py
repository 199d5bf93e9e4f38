"""A person's rights over their installation's data: purge (consent revoked) and export.

Both are scoped by the tenant of the key: the install id is hashed under the
caller's tenant, so another tenant's rows are out of reach even for the same
install id, and a request that finds nothing of the caller's answers 404.

A purge, in order: flush the spool (everything acknowledged so far reaches
ClickHouse), write a tombstone (from now on no row of the installation enters
the spool or ClickHouse; late events are dropped and counted), answer 202 with
a receipt, then delete with a mutation run to completion and verify with a
count. Only a zero count turns the receipt ``completed``. A purge cut short by a
shutdown resumes at the next start.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import uuid

import msgspec
import orjson
from aiohttp import web

from collector.auth import Principal, Role
from collector.formats import CSV, wants_csv, write_csv
from collector.http import error, json_reply, principal
from collector.resources import HASHER, METRICS, SINK, spawn
from schemas import AuditRow, PurgeRow, TombstoneRow
from sink.rights import count_install_rows, delete_install_rows, export_install_rows

log = logging.getLogger("collector")

FLUSH_TIMEOUT_S = 10.0
PURGE_RETRY_CAP_S = 60.0
ACCEPTED, COMPLETED = "accepted", "completed"

IDENTIFIERS_EXPLAINED = {
    "install_hash": "HMAC-SHA256 of your installation id under a secret of this deployment and your app's "
    "tenant; the id itself is never stored",
    "session_hash": "the same keyed hash of each app session id",
    "event_id": "a random id your app made for each event, used to store it once",
    "error_message, error_stack, error_type": "error text after personal data was replaced by <PLACEHOLDERS>",
    "app_name, module, os_name": "'other' when the value was not on the app owner's allowlist",
}


class Receipt(msgspec.Struct):
    purge_id: str
    tenant: str
    requested_at: str
    state: str
    rows_deleted: int
    status_url: str
    updated_at: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat(timespec="milliseconds")


def _receipt(row: PurgeRow) -> Receipt:
    return Receipt(
        purge_id=str(row.purge_id),
        tenant=row.tenant,
        requested_at=_iso(row.requested_at),
        state=row.state,
        rows_deleted=row.rows_deleted,
        status_url=f"/v1/purges/{row.purge_id}",
        updated_at=_iso(row.updated_at),
    )


def _install_hash(request: web.Request, caller: Principal) -> str | None:
    try:
        install_id = uuid.UUID(request.match_info["install_id"])
    except ValueError:
        return None
    return request.app[HASHER](caller.tenant, "install_id", install_id)


async def audit(
    app: web.Application,
    caller: Principal,
    action: str,
    subject_hash: str,
    outcome: str,
    rows: int = 0,
    ref: str = "",
    reason: str = "",
) -> None:
    row = AuditRow(
        tenant=caller.tenant,
        at=_now(),
        action=action,
        subject_hash=subject_hash,
        key_id=caller.key_id,
        outcome=outcome,
        rows=rows,
        ref=ref,
        reason=reason,
    )
    try:
        await app[SINK].insert_now([row])
    except Exception as exc:  # noqa: BLE001 - the action happened; say the audit row is missing
        log.error("audit row not written", extra={"action": action, "error": type(exc).__name__})


async def _held(request: web.Request, action: str) -> tuple[Principal, str, int] | web.Response:
    """The caller, the install's hash under its tenant and how many rows are held; or the reply that ends it.

    Everything acknowledged so far is stored first, so the count covers the spool too.
    A caller whose tenant holds nothing (no rows, no earlier purge) gets 404, and
    so does another tenant's key for the same install id.
    """
    caller = principal(request, Role.INGEST, Role.ADMIN)
    install_hash = _install_hash(request, caller)
    if install_hash is None:
        return error(400, "install_id must be a UUID")
    sink = request.app[SINK]
    if not await sink.flush(FLUSH_TIMEOUT_S):
        return error(503, "storage is catching up; retry later", **{"Retry-After": "10"})
    held = sum((await count_install_rows(sink, caller.tenant, install_hash)).values())
    purged_before = action == "purge" and (caller.tenant, install_hash) in sink.tombstones
    if held == 0 and not purged_before:
        counter = request.app[METRICS].purges if action == "purge" else request.app[METRICS].exports
        counter.labels("not_found").inc()
        await audit(request.app, caller, action, install_hash, "not_found")
        return error(404, "no data held for this installation")
    return caller, install_hash, held


async def delete_install(request: web.Request) -> web.Response:
    found = await _held(request, "purge")
    if isinstance(found, web.Response):
        return found
    caller, install_hash, held = found
    sink, metrics = request.app[SINK], request.app[METRICS]
    now = _now()
    sink.tombstones.add((caller.tenant, install_hash))
    await sink.insert_now([TombstoneRow(tenant=caller.tenant, install_hash=install_hash, at=now)])
    receipt = PurgeRow(
        purge_id=uuid.uuid4(),
        tenant=caller.tenant,
        install_hash=install_hash,
        requested_at=now,
        updated_at=now,
        state=ACCEPTED,
        requested_by=caller.key_id,
    )
    await sink.insert_now([receipt])
    await audit(request.app, caller, "purge", install_hash, ACCEPTED, rows=held, ref=str(receipt.purge_id))
    metrics.purges.labels(ACCEPTED).inc()
    spawn(request.app, run_purge(request.app, receipt))
    return json_reply(202, _receipt(receipt))


async def run_purge(app: web.Application, receipt: PurgeRow) -> None:
    """Delete until verified; retried with backoff while ClickHouse is unreachable."""
    sink, metrics = app[SINK], app[METRICS]
    attempt = 0
    while True:
        try:
            # Rows acknowledged before the tombstone may still be in the spool: store
            # them first (tombstoned rows are dropped at insert), then delete.
            if await sink.flush(FLUSH_TIMEOUT_S * 3):
                before = sum((await count_install_rows(sink, receipt.tenant, receipt.install_hash)).values())
                left = await delete_install_rows(sink, receipt.tenant, receipt.install_hash)
                if sum(left.values()) == 0:
                    done = msgspec.structs.replace(
                        receipt, state=COMPLETED, updated_at=_now(), rows_deleted=receipt.rows_deleted + before
                    )
                    await sink.insert_now([done])
                    await audit(
                        app,
                        Principal(receipt.tenant, Role.ADMIN, receipt.requested_by),
                        "purge",
                        receipt.install_hash,
                        COMPLETED,
                        rows=before,
                        ref=str(receipt.purge_id),
                    )
                    metrics.purges.labels(COMPLETED).inc()
                    log.info("purge completed", extra={"purge_id": str(receipt.purge_id), "rows": before})
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - retried; the receipt stays "accepted" meanwhile
            log.warning("purge attempt failed", extra={"purge_id": str(receipt.purge_id), "error": type(exc).__name__})
        attempt += 1
        await asyncio.sleep(random.uniform(0, min(PURGE_RETRY_CAP_S, 0.5 * 2**attempt)))


async def resume_purges(app: web.Application) -> None:
    sink = app[SINK]
    _, rows = await sink.query(
        f"SELECT * FROM {sink.database}.purges FINAL WHERE state != {{state:String}}", {}, parameters={"state": COMPLETED}
    )
    for values in rows:
        receipt = PurgeRow(*values)
        sink.tombstones.add((receipt.tenant, receipt.install_hash))
        spawn(app, run_purge(app, receipt))
    if rows:
        log.info("resuming unfinished purges", extra={"purges": len(rows)})


async def get_purge(request: web.Request) -> web.Response:
    caller = principal(request, Role.INGEST, Role.ADMIN)
    try:
        purge_id = uuid.UUID(request.match_info["purge_id"])
    except ValueError:
        return error(404, "no such purge")
    sink = request.app[SINK]
    _, rows = await sink.query(
        f"SELECT * FROM {sink.database}.purges FINAL WHERE tenant = {{tenant:String}} AND purge_id = {{id:UUID}}",
        {},
        parameters={"tenant": caller.tenant, "id": str(purge_id)},
    )
    if not rows:
        return error(404, "no such purge")
    receipt = PurgeRow(*rows[0])
    if caller.role is Role.INGEST and receipt.requested_by != caller.key_id:
        return error(404, "no such purge")  # an app key sees only the purges it asked for
    return json_reply(200, _receipt(receipt))


async def export_install(request: web.Request) -> web.StreamResponse:
    found = await _held(request, "export")
    if isinstance(found, web.Response):
        return found
    caller, install_hash, _ = found
    sink, metrics = request.app[SINK], request.app[METRICS]
    if wants_csv(request):
        response = web.StreamResponse(status=200, headers={"Content-Type": CSV})
        await response.prepare(request)
        written = await write_csv(response, export_install_rows(sink, caller.tenant, install_hash))
        await response.write_eof()
        metrics.exports.labels("completed").inc()
        await audit(request.app, caller, "export", install_hash, COMPLETED, rows=written)
        return response

    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    await response.prepare(request)
    header = {
        "tenant": caller.tenant,
        "install_hash": install_hash,
        "generated_at": _iso(_now()),
        "identifiers": IDENTIFIERS_EXPLAINED,
    }
    await response.write(orjson.dumps(header)[:-1] + b', "rows": [')
    written = 0
    async for columns, rows in export_install_rows(sink, caller.tenant, install_hash):
        chunk = b",".join(
            orjson.dumps(dict(zip(columns, row)), option=orjson.OPT_NAIVE_UTC, default=str) for row in rows
        )
        await response.write((b"," if written else b"") + chunk)
        written += len(rows)
    await response.write(b'], "row_count": ' + str(written).encode() + b"}")
    await response.write_eof()
    metrics.exports.labels("completed").inc()
    await audit(request.app, caller, "export", install_hash, COMPLETED, rows=written)
    return response
