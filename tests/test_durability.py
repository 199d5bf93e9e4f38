"""A 202 is a promise: nothing acknowledged is lost or stored twice, whatever happens.

These tests run the collector as a real process with its own chDB, kill it,
break its inserts with the test-only fault file, and count what ClickHouse holds.
"""

from __future__ import annotations

import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import orjson

from tests.conftest import ACME_INGEST, CollectorProcess, free_port, make_event

DUPLICATES_SQL = "SELECT count() - uniqExact(tenant, event_id) FROM telemetry.events"


def _config(tmp_path: Path, *, flush_s: float = 0.2, spool_max_bytes: int = 256 * 1024 * 1024, shutdown_s: float = 30) -> CollectorProcess:
    data_dir = tmp_path / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    config_file = tmp_path / "collector.toml"
    config_file.write_text(
        f"""
operator_keys = ["ok_operator_0123456789abcdef"]

[spool]
flush_interval_s = {flush_s}
max_bytes = {spool_max_bytes}
shutdown_timeout_s = {shutdown_s}

[testing]
insert_fault_file = "{tmp_path / 'insert-fault'}"

[tenants.acme]
ingest_keys = ["{ACME_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
count_keys = ["branches", "users", "products", "sales_count"]
"""
    )
    return CollectorProcess(data_dir=data_dir, port=free_port(), config_file=config_file)


def _post(url: str, events: list[dict]) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/v1/events",
        data=orjson.dumps({"events": events}),
        headers={"Authorization": f"Bearer {ACME_INGEST}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {"retry_after": exc.headers.get("Retry-After")}


def _stored_counts(proc: CollectorProcess) -> dict[str, int]:
    rows = proc.query("SELECT toString(event_id), count() FROM telemetry.events GROUP BY event_id")
    return {event_id: count for event_id, count in rows}


def _ready(proc: CollectorProcess) -> int:
    try:
        with urllib.request.urlopen(f"{proc.url}/readyz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _kill(proc: CollectorProcess) -> None:
    if proc.process and proc.process.poll() is None:
        proc.process.kill()
        proc.process.wait()


def test_kill_9_under_load_loses_nothing_acknowledged_and_duplicates_nothing(tmp_path):
    proc = _config(tmp_path, flush_s=1.0)
    try:
        proc.start()
        acknowledged: list[str] = []
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                batch = [make_event("usage_counts") for _ in range(100)]
                try:
                    status, body = _post(proc.url, batch)
                except OSError:
                    return  # the process is gone: this batch was never acknowledged
                if status == 202:
                    assert body["accepted"] == 100
                    acknowledged.extend(e["event_id"] for e in batch)

        workers = [threading.Thread(target=load) for _ in range(3)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 3000 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.process.send_signal(signal.SIGKILL)
        proc.process.wait()
        stop.set()
        for worker in workers:
            worker.join()
        assert len(acknowledged) >= 3000
        assert list((proc.data_dir / "spool").glob("*.wal")), "the kill should leave segments to replay"

        proc.start()  # replays the spool before serving
        assert proc.stop() == 0
        stored = _stored_counts(proc)
        missing = set(acknowledged) - set(stored)
        assert not missing, f"{len(missing)} acknowledged events lost"
        assert proc.query(DUPLICATES_SQL) == [[0]]
        assert {stored[e] for e in acknowledged} == {1}
    finally:
        _kill(proc)


def test_outage_acknowledges_until_the_spool_cap_then_503_and_recovers_exactly_once(tmp_path):
    proc = _config(tmp_path, spool_max_bytes=400_000)
    fault = tmp_path / "insert-fault"
    try:
        fault.write_text("clickhouse unreachable")
        proc.start()
        acknowledged: list[str] = []
        statuses = []
        for _ in range(200):
            batch = [make_event("usage_counts") for _ in range(50)]
            status, body = _post(proc.url, batch)
            statuses.append(status)
            if status == 202:
                acknowledged.extend(e["event_id"] for e in batch)
            else:
                assert status == 503 and body["retry_after"]
                break
        assert statuses[-1] == 503 and len(acknowledged) > 0
        assert _ready(proc) == 503
        with urllib.request.urlopen(f"{proc.url}/healthz", timeout=5) as response:
            assert response.status == 200  # liveness does not flap with readiness

        fault.unlink()  # ClickHouse is back
        deadline = time.monotonic() + 60
        while _ready(proc) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _ready(proc) == 200
        status, _ = _post(proc.url, [make_event()])
        assert status == 202
        assert proc.stop() == 0
        stored = _stored_counts(proc)
        assert set(acknowledged) <= set(stored)
        assert proc.query(DUPLICATES_SQL) == [[0]]
    finally:
        _kill(proc)


def test_client_retry_of_the_same_batch_is_stored_once_even_across_a_restart(tmp_path):
    proc = _config(tmp_path)
    try:
        proc.start()
        batch = [make_event("app_start") for _ in range(20)]
        assert _post(proc.url, batch) == (202, {"accepted": 20, "rejected": []})
        assert _post(proc.url, batch) == (202, {"accepted": 20, "rejected": [], "duplicates": 20})
        assert proc.stop() == 0
        proc.start()
        assert _post(proc.url, batch)[1]["duplicates"] == 20
        assert proc.stop() == 0
        stored = _stored_counts(proc)
        assert {stored[e["event_id"]] for e in batch} == {1}
        assert proc.query(DUPLICATES_SQL) == [[0]]
    finally:
        _kill(proc)


def test_torn_spool_tail_after_a_crash_keeps_the_intact_records(tmp_path):
    proc = _config(tmp_path, shutdown_s=0.5)
    fault = tmp_path / "insert-fault"
    try:
        fault.write_text("clickhouse unreachable")
        proc.start()
        batches = [[make_event() for _ in range(10)] for _ in range(3)]
        for batch in batches:
            assert _post(proc.url, batch)[0] == 202
        assert proc.stop() == 0  # the shutdown times out: rows stay in the spool
        segments = sorted((proc.data_dir / "spool").glob("*.wal"))
        assert segments
        last = segments[-1]
        last.write_bytes(last.read_bytes()[:-5])  # tear the last record, as a crash mid-write would

        fault.unlink()
        proc.start()
        assert proc.stop() == 0
        stored = _stored_counts(proc)
        log = proc.log_path.read_text()
        assert "torn or corrupt tail" in log
        # Every record but the torn one is stored exactly once.
        kept = [e["event_id"] for batch in batches for e in batch if e["event_id"] in stored]
        assert len(kept) >= 20 and all(stored[e] == 1 for e in kept)
        assert proc.query(DUPLICATES_SQL) == [[0]]
    finally:
        _kill(proc)


def test_permanent_insert_error_quarantines_the_batch_instead_of_looping(tmp_path):
    proc = _config(tmp_path)
    fault = tmp_path / "insert-fault"
    try:
        fault.write_text("permanent: schema mismatch")
        proc.start()
        assert _post(proc.url, [make_event()])[0] == 202
        quarantine = proc.data_dir / "spool" / "quarantine"
        deadline = time.monotonic() + 15
        while not list(quarantine.glob("*.wal")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(quarantine.glob("*.wal"))
        fault.unlink()
        assert _post(proc.url, [make_event()])[0] == 202  # still serving
        assert proc.stop() == 0
        assert "segment quarantined" in proc.log_path.read_text()
    finally:
        _kill(proc)


def test_scrubbing_workers_exit_when_their_collector_is_killed(tmp_path):
    proc = _config(tmp_path)
    try:
        proc.start()
        children = [int(p) for p in Path(f"/proc/{proc.process.pid}/task/{proc.process.pid}/children").read_text().split()]
        assert children, "the collector runs its scrubbing in worker processes"
        proc.process.send_signal(signal.SIGKILL)
        proc.process.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    finally:
        _kill(proc)
