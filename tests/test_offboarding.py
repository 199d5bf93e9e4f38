"""A departing customer's whole tenant is deleted: keys refused at once, every row but the audit trail gone.

The session collector's ``departing`` tenant is offboarded here while ``globex``
keeps sending; a second test makes the state a crash leaves (a receipt still
``accepted``) in a collector's data directory and starts a collector on it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
import uuid

import orjson

from sink.ddl import OFFBOARDED_TABLES, TABLES
from tests.conftest import (
    ACME_ADMIN,
    DEPARTING_ADMIN,
    DEPARTING_INGEST,
    GLOBEX_INGEST,
    OPERATOR,
    ROOT,
    make_event,
)

GLOBEX_EVENT = {"app": {"name": "inventory-web", "version": "1.0", "platform": "web"}, "module": "inventory"}


def _headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "X-Access-Reason": "TICKET-9 customer left"}


async def _tenant_rows(collector, tenant: str) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        (count,), = await collector.rows(f"SELECT count() FROM telemetry.{table.name} WHERE tenant = '{tenant}'")
        counts[table.name] = count
    return counts


async def _fill_departing(collector) -> str:
    install = str(uuid.uuid4())
    error = {"type": "SaleError", "message": "Sale failed for Wanjiru Kamau", "stack": ""}
    events = [make_event(install_id=install), make_event("error", install_id=install, error=error)]
    assert (await collector.post({"events": events}, key=DEPARTING_INGEST)).status == 202
    purged = str(uuid.uuid4())
    assert (await collector.post({"events": [make_event(install_id=purged)]}, key=DEPARTING_INGEST)).status == 202
    sessions = b'{}\n{"type":"session"}\n' + orjson.dumps({"init": True, "status": "exited", "attrs": {"release": "omnix-pos@1.0.0"}})
    reply = await collector.session.post(
        f"{collector.url}/api/77/envelope/?sentry_key={DEPARTING_INGEST}", data=sessions, headers={"Content-Type": "text/plain"}
    )
    assert reply.status == 200
    await collector.sink.flush(10)
    purge = await collector.session.delete(f"{collector.url}/v1/installs/{purged}", headers=_headers(DEPARTING_ADMIN))
    assert purge.status == 202
    status_url = (await purge.json())["status_url"]
    deadline = time.monotonic() + 30
    while (await (await collector.session.get(f"{collector.url}{status_url}", headers=_headers(DEPARTING_ADMIN))).json())["state"] != "completed":
        assert time.monotonic() < deadline, "the purge did not complete"
        await asyncio.sleep(0.1)
    return install


async def _completed(collector, status_url: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        receipt = await (await collector.session.get(f"{collector.url}{status_url}", headers=_headers(OPERATOR))).json()
        if receipt["state"] == "completed":
            return receipt
        await asyncio.sleep(0.2)
    raise AssertionError(f"offboarding not completed: {receipt}")


async def test_offboarding_refuses_the_keys_and_removes_every_row_but_the_audit_trail(collector):
    await _fill_departing(collector)
    globex = make_event(**GLOBEX_EVENT)
    assert (await collector.post({"events": [globex]}, key=GLOBEX_INGEST)).status == 202
    await collector.sink.flush(10)
    before = await _tenant_rows(collector, "departing")
    assert before["events"] == 2 and before["release_health"] >= 1 and before["scrub_report"] >= 1
    assert before["purges"] >= 1 and before["tombstones"] == 1 and before["audit"] >= 1
    globex_before = await _tenant_rows(collector, "globex")
    # Accepted just before: still in the spool when the offboarding starts.
    late = make_event()
    assert (await collector.post({"events": [late]}, key=DEPARTING_INGEST)).status == 202

    response = await collector.session.delete(f"{collector.url}/v1/tenants/departing", headers=_headers(OPERATOR))
    assert response.status == 202
    receipt = await response.json()
    assert receipt["tenant"] == "departing" and receipt["status_url"].startswith("/v1/offboardings/")
    for key in (DEPARTING_INGEST, DEPARTING_ADMIN):  # refused from the moment it starts
        refused = await collector.post({"events": [make_event()]}, key=key)
        assert refused.status == 403
    sentry = await collector.session.post(
        f"{collector.url}/api/77/envelope/?sentry_key={DEPARTING_INGEST}", data=b"{}\n", headers={"Content-Type": "text/plain"}
    )
    assert sentry.status == 403

    done = await _completed(collector, receipt["status_url"])
    after = await _tenant_rows(collector, "departing")
    assert {table.name: after[table.name] for table in OFFBOARDED_TABLES} == {t.name: 0 for t in OFFBOARDED_TABLES}
    assert after["audit"] > before["audit"]  # the audit trail stays, with the offboarding in it
    assert done["rows_deleted"]["events"] in (2, 3)  # the late event was stored then deleted, or dropped
    assert set(done["rows_deleted"]) == {t.name for t in OFFBOARDED_TABLES}
    actions = await collector.rows(
        "SELECT action, outcome, reason FROM telemetry.audit WHERE tenant = 'departing' AND action = 'offboard' ORDER BY at"
    )
    assert actions == [("offboard", "accepted", "TICKET-9 customer left"), ("offboard", "completed", "")]
    globex_after = await _tenant_rows(collector, "globex")
    assert globex_after["events"] >= globex_before["events"]  # the other tenant is untouched
    (stored,), = await collector.rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{globex['event_id']}'")
    assert stored == 1

    again = await collector.session.delete(f"{collector.url}/v1/tenants/departing", headers=_headers(OPERATOR))
    assert again.status == 202 and (await again.json())["offboarding_id"] == receipt["offboarding_id"]


async def test_offboarding_needs_the_operator_key_and_a_known_tenant(collector):
    for key in (ACME_ADMIN, GLOBEX_INGEST):
        response = await collector.session.delete(f"{collector.url}/v1/tenants/globex", headers=_headers(key))
        assert response.status == 401
    unknown = await collector.session.delete(f"{collector.url}/v1/tenants/no-such-tenant", headers=_headers(OPERATOR))
    assert unknown.status == 404 and "no-such-tenant" not in await unknown.text()
    missing = await collector.session.get(f"{collector.url}/v1/offboardings/{uuid.uuid4()}", headers=_headers(OPERATOR))
    assert missing.status == 404
    (count,), = await collector.rows("SELECT count() FROM telemetry.offboardings WHERE tenant IN ('globex', 'no-such-tenant')")
    assert count == 0
    assert (await collector.post({"events": [make_event(**GLOBEX_EVENT)]}, key=GLOBEX_INGEST)).status == 202


TWO_TENANTS = f"""
operator_keys = ["{OPERATOR}"]
[scrub]
workers = 1
[tenants.leaving]
ingest_keys = ["{DEPARTING_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
[tenants.staying]
ingest_keys = ["{GLOBEX_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
"""

_CRASHED_AFTER_ACCEPTING = textwrap.dedent(
    """
    import sys, clickhouse_connect
    client = clickhouse_connect.get_client(interface="chdb", path=sys.argv[1])
    client.command(
        "INSERT INTO telemetry.offboardings (offboarding_id, tenant, requested_at, updated_at, state, requested_by) "
        "VALUES (generateUUIDv4(), 'leaving', now64(3), now64(3), 'accepted', 'op')"
    )
    client.close()
    """
)


def test_an_offboarding_cut_short_by_a_crash_resumes_at_the_next_start(collector_process):
    collector_process.config_file = collector_process.data_dir.parent / "two.toml"
    collector_process.config_file.write_text(TWO_TENANTS)
    collector_process.start()
    import urllib.request

    for key in (DEPARTING_INGEST, GLOBEX_INGEST):
        request = urllib.request.Request(
            f"{collector_process.url}/v1/events", data=orjson.dumps({"events": [make_event() for _ in range(3)]}),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=30).close()
    assert collector_process.stop() == 0
    # The state a crash right after accepting leaves: a receipt still "accepted", the rows still there.
    subprocess.run([sys.executable, "-c", _CRASHED_AFTER_ACCEPTING, str(collector_process.data_dir / "clickhouse")],
                   check=True, timeout=120, cwd=ROOT)  # fmt: skip

    collector_process.start()
    refused = urllib.request.Request(
        f"{collector_process.url}/v1/events", data=orjson.dumps({"events": [make_event()]}),
        headers={"Authorization": f"Bearer {DEPARTING_INGEST}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        urllib.request.urlopen(refused, timeout=30)
        raise AssertionError("an offboarded tenant's key was accepted after a restart")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = collector_process.query("SELECT state FROM telemetry.offboardings FINAL WHERE tenant = 'leaving'")
        if state == [["completed"]]:
            break
        time.sleep(0.5)
    assert state == [["completed"]]
    assert collector_process.stop() == 0
    counts = collector_process.query("SELECT tenant, count() FROM telemetry.events GROUP BY tenant ORDER BY tenant")
    assert counts == [["staying", 3]]
    (rows_deleted,), = collector_process.query("SELECT rows_deleted FROM telemetry.offboardings FINAL WHERE tenant = 'leaving'")[0:1]
    assert rows_deleted["events"] == 3


def test_the_cli_offboards_through_the_running_collector_and_waits_for_the_receipt(collector_process):
    collector_process.config_file = collector_process.data_dir.parent / "two.toml"
    collector_process.config_file.write_text(TWO_TENANTS)
    command = [sys.executable, "-m", "collector", "offboard", "leaving", "--reason", "contract ended",
               "--config", str(collector_process.config_file), "--data-dir", str(collector_process.data_dir),
               "--port", str(collector_process.port)]  # fmt: skip
    stopped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 1 and "no collector answers" in stopped.stderr

    collector_process.start()
    import urllib.request

    request = urllib.request.Request(
        f"{collector_process.url}/v1/events", data=orjson.dumps({"events": [make_event() for _ in range(2)]}),
        headers={"Authorization": f"Bearer {DEPARTING_INGEST}", "Content-Type": "application/json"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=30).close()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    receipt = orjson.loads(done.stdout)
    assert receipt["state"] == "completed" and receipt["tenant"] == "leaving" and receipt["rows_deleted"]["events"] == 2
    unknown = subprocess.run([*command[:4], "nobody", *command[5:]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 1 and "no such tenant" in unknown.stderr
    no_reason = subprocess.run([c for c in command if c not in ("--reason", "contract ended")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    assert collector_process.stop() == 0
