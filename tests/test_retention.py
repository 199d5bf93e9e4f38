"""Per-tenant retention on real chDB: a 1-day tenant's old rows go, whole parts at a time; a 180-day tenant's stay.

Rows "received three days ago" come from the collector's test-only receive
clock (``[testing] receive_clock_offset_s``), through the HTTP API, so the
retention stamped on them is the collector's own doing. The engine's own TTL
cleanup then runs in the stopped collector's data directory.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request

import orjson
import pytest

from collector.config import load_config
from tests.conftest import GLOBEX_INGEST, INITECH_INGEST, OPERATOR, ROOT, make_event

THREE_DAYS_S = 3 * 86400


def _config(brief_days: int, clock_offset_s: float) -> str:
    return f"""
operator_keys = ["{OPERATOR}"]
[scrub]
workers = 1
[testing]
receive_clock_offset_s = {clock_offset_s}
[tenants.brief]
ingest_keys = ["{INITECH_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
retention_days = {brief_days}
[tenants.lasting]
ingest_keys = ["{GLOBEX_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
"""


# The engine's own TTL cleanup, given up to a minute in the stopped collector's data directory: no OPTIMIZE,
# which would merge (rewrite) every part and hide whether expiry itself rewrites any.
_AWAIT_TTL = textwrap.dedent(
    """
    import sys, time, clickhouse_connect
    client = clickhouse_connect.get_client(interface="chdb", path=sys.argv[1])
    expired = "SELECT count() FROM telemetry.%s WHERE tenant = 'brief' AND %s < today() - 1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not any(client.query(expired % pair).result_rows[0][0] for pair in (("events", "toDate(received_at)"), ("scrub_report", "day"))):
            break
        time.sleep(0.5)
    client.close()
    """
)


def _send(url: str, key: str, count: int, received_ago_s: float) -> None:
    ts = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=received_ago_s)).isoformat()
    error = {"type": "SaleError", "message": "Sale failed for Wanjiru Kamau", "stack": ""}
    events = [make_event("error", ts=ts, error=error) for _ in range(count)]
    request = urllib.request.Request(
        f"{url}/v1/events", data=orjson.dumps({"events": events}),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202


def test_a_one_day_tenant_loses_its_old_parts_and_a_180_day_tenant_keeps_them(collector_process):
    collector_process.config_file = collector_process.data_dir.parent / "retention.toml"
    collector_process.config_file.write_text(_config(1, -THREE_DAYS_S))
    collector_process.start()
    _send(collector_process.url, INITECH_INGEST, 4, THREE_DAYS_S)  # received three days ago: past a 1-day retention
    _send(collector_process.url, GLOBEX_INGEST, 5, THREE_DAYS_S)
    assert collector_process.stop() == 0
    collector_process.config_file.write_text(_config(1, 0))
    collector_process.start()
    _send(collector_process.url, INITECH_INGEST, 2, 0)  # received now: within it
    assert collector_process.stop() == 0
    lasting_parts = "SELECT name FROM system.parts WHERE database = 'telemetry' AND table = 'events' AND active AND partition LIKE '%,180)'"
    parts_before = collector_process.query(lasting_parts)
    assert len(parts_before) == 1

    subprocess.run([sys.executable, "-c", _AWAIT_TTL, str(collector_process.data_dir / "clickhouse")], check=True, timeout=120, cwd=ROOT)

    stored = "SELECT tenant, retention_days, count(), uniqExact(_partition_id) FROM telemetry.events GROUP BY tenant, retention_days ORDER BY tenant"
    assert collector_process.query(stored) == [["brief", 1, 2, 1], ["lasting", 180, 5, 1]]
    assert collector_process.query("SELECT tenant, retention_days FROM telemetry.scrub_report GROUP BY tenant, retention_days ORDER BY tenant") == [
        ["brief", 1], ["lasting", 180]
    ]  # fmt: skip
    (old_brief,), = collector_process.query("SELECT count() FROM telemetry.scrub_report WHERE tenant = 'brief' AND day < today() - 1")
    assert old_brief == 0
    # The 180-day tenant's part was left as it was: expiry dropped parts, it rewrote none.
    assert collector_process.query(lasting_parts) == parts_before


def test_shortening_a_retention_applies_to_rows_already_stored(collector_process):
    collector_process.config_file = collector_process.data_dir.parent / "retention.toml"
    collector_process.config_file.write_text(_config(180, -THREE_DAYS_S))
    collector_process.start()
    _send(collector_process.url, INITECH_INGEST, 3, THREE_DAYS_S)
    assert collector_process.stop() == 0
    assert collector_process.query("SELECT retention_days, count() FROM telemetry.events GROUP BY retention_days") == [[180, 3]]

    # The customer chooses 2 days: no rebuild, a restart (or SIGHUP) with the new setting.
    collector_process.config_file.write_text(_config(2, 0))
    collector_process.start()
    _send(collector_process.url, INITECH_INGEST, 1, 0)  # received now: kept
    assert collector_process.stop() == 0
    assert collector_process.query("SELECT retention_days, count() FROM telemetry.events GROUP BY retention_days") == [[2, 1]]


@pytest.mark.parametrize("days", [0, 181, -5])
def test_a_retention_out_of_range_is_refused_with_a_clear_error(tmp_path, days):
    config = tmp_path / "bad.toml"
    config.write_text(_config(1, 0).replace("retention_days = 1", f"retention_days = {days}"))
    with pytest.raises(ValueError, match="retention_days must be from 1 to 180"):
        load_config(config, tmp_path / "data")
    assert not (tmp_path / "data" / "clickhouse").exists()
