"""Exports in the formats the policies name: CSV for one installation, JSON Lines and CSV for a whole tenant.

The tenant-wide export streams a page at a time: the last test fills a tenant
with 1,000,000 rows and measures the collector's resident memory while the
export runs.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
import uuid

import orjson
import pytest

from tests.conftest import ACME_ADMIN, ACME_INGEST, GLOBEX_ADMIN, GLOBEX_INGEST, ROOT, make_event

GLOBEX_EVENT = {"app": {"name": "inventory-web", "version": "1.0", "platform": "web"}, "module": "inventory"}
PII = {"type": "SaleError", "message": "Sale failed for Wanjiru Kamau, KRA PIN A012345678Z", "stack": ""}


async def test_one_installation_exports_as_csv(collector):
    install = str(uuid.uuid4())
    events = [make_event(install_id=install), make_event("error", install_id=install, error=PII)]
    assert (await collector.post({"events": events}, key=ACME_INGEST)).status == 202
    await collector.sink.flush(10)
    response = await collector.session.get(
        f"{collector.url}/v1/installs/{install}/export", headers={"Authorization": f"Bearer {ACME_INGEST}", "Accept": "text/csv"}
    )
    assert response.status == 200 and response.content_type == "text/csv"
    text = await response.text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in events)
    assert "tenant" not in rows[0] and "install_hash" in rows[0]
    assert "Wanjiru" not in text and "A012345678Z" not in text and install not in text
    (audited,), = await collector.rows("SELECT count() FROM telemetry.audit WHERE tenant = 'acme' AND action = 'export'")
    assert audited >= 1


@pytest.mark.parametrize("accept", ["application/x-ndjson", "text/csv"])
async def test_a_tenant_exports_all_its_rows_and_none_of_another_tenants(collector, accept):
    ours = [make_event(**GLOBEX_EVENT) for _ in range(3)]
    theirs = make_event()
    assert (await collector.post({"events": ours}, key=GLOBEX_INGEST)).status == 202
    assert (await collector.post({"events": [theirs]}, key=ACME_INGEST)).status == 202
    await collector.sink.flush(10)
    (held,), = await collector.rows("SELECT count() FROM telemetry.events WHERE tenant = 'globex'")
    response = await collector.session.get(
        f"{collector.url}/v1/export?table=events", headers={"Authorization": f"Bearer {GLOBEX_ADMIN}", "Accept": accept}
    )
    assert response.status == 200 and response.content_type == accept
    body = await response.text()
    if accept == "text/csv":
        ids = [row["event_id"] for row in csv.DictReader(io.StringIO(body))]
    else:
        ids = [orjson.loads(line)["event_id"] for line in body.splitlines()]
    assert len(ids) == held == len(set(ids))
    assert {e["event_id"] for e in ours} <= set(ids) and theirs["event_id"] not in ids
    assert '"tenant"' not in body and "acme" not in body


async def test_a_tenant_export_needs_the_admin_key_and_a_known_table(collector):
    for key in (GLOBEX_INGEST, "ak_nobody_0123456789abcdef"):
        response = await collector.session.get(f"{collector.url}/v1/export", headers={"Authorization": f"Bearer {key}"})
        assert response.status == 401
    for table in ("audit", "offboardings", "events;DROP", "tombstones"):
        response = await collector.session.get(
            f"{collector.url}/v1/export", params={"table": table}, headers={"Authorization": f"Bearer {ACME_ADMIN}"}
        )
        assert response.status == 400 and table not in (await response.json())["error"].replace("events, ", "")


MILLION = 1_000_000
_FILL = textwrap.dedent(
    """
    import sys, clickhouse_connect
    from sink.ddl import create_statements
    client = clickhouse_connect.get_client(interface="chdb", path=sys.argv[1])
    for statement in create_statements("telemetry"):
        client.command(statement)
    client.command(
        "INSERT INTO telemetry.events (tenant, event_id, received_at, ts, type, install_hash, session_hash, app_name, "
        "app_version, app_platform, os_name, os_version, module, duration_ms) "
        "SELECT 'demo', generateUUIDv4(number), now64(3), now64(3) - number, 'module_view', hex(number % 5000), "
        "hex(number % 70000), 'omnix-pos', '4.2.10', 'windows', 'Windows', '10.0.19045', 'sales', number % 600000 "
        "FROM numbers(" + str(int(sys.argv[2])) + ")"
    )
    client.close()
    """
)


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def test_a_million_row_export_streams_in_bounded_memory(collector_process):
    collector_process.data_dir.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", _FILL, str(collector_process.data_dir / "clickhouse"), str(MILLION)],
                   check=True, timeout=300, cwd=ROOT)  # fmt: skip
    collector_process.start()
    admin = orjson.loads((collector_process.data_dir / "demo_keys.json").read_bytes())["admin_key"]
    pid = collector_process.process.pid
    baseline = _rss_bytes(pid)
    peak, done = baseline, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_bytes(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    request = urllib.request.Request(f"{collector_process.url}/v1/export", headers={"Authorization": f"Bearer {admin}"})
    lines, received = 0, 0
    with urllib.request.urlopen(request, timeout=600) as response:
        tail = b""
        while chunk := response.read(1 << 20):
            received += len(chunk)
            lines += chunk.count(b"\n")
            tail = (tail + chunk)[-8192:]
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    growth = peak - baseline
    print(f"\nexport of {lines} rows, {received / 1e6:.0f} MB in {elapsed:.1f} s; collector RSS {baseline / 1e6:.0f} MB "
          f"before, peak {peak / 1e6:.0f} MB (+{growth / 1e6:.0f} MB)")  # fmt: skip
    assert lines == MILLION and orjson.loads(tail.rsplit(b"\n", 2)[-2])["app_name"] == "omnix-pos"
    assert growth < 200 * 1024 * 1024, "memory grew with the export instead of staying at a page"
    assert received > 200 * 1024 * 1024  # the export is far larger than the memory it used
    assert collector_process.stop() == 0
