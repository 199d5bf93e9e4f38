"""The collector as a process: start, accept, stop on SIGTERM with everything flushed."""

from __future__ import annotations

import signal
import time
import urllib.error
import urllib.request

import orjson

from tests.conftest import demo_ingest_key, make_event


def _post(url: str, key: str, events: list[dict]) -> dict:
    request = urllib.request.Request(
        f"{url}/v1/events",
        data=orjson.dumps({"events": events}),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        return orjson.loads(response.read())


def test_sigterm_flushes_every_accepted_event_and_exits_zero(collector_process):
    collector_process.start()
    key = demo_ingest_key(collector_process.data_dir)
    sent = []
    for _ in range(5):
        batch = [make_event("usage_counts") for _ in range(100)]
        assert _post(collector_process.url, key, batch)["accepted"] == 100
        sent += [e["event_id"] for e in batch]
    # Stop at once: the last segments are still in the spool, not yet in ClickHouse.
    assert collector_process.stop(signal.SIGTERM) == 0
    assert not list((collector_process.data_dir / "spool").glob("*.wal"))

    rows = collector_process.query("SELECT toString(event_id), count() FROM telemetry.events GROUP BY event_id")
    stored = {event_id: count for event_id, count in rows}
    assert set(stored) == set(sent)
    assert set(stored.values()) == {1}


def test_demo_tenant_key_is_printed_and_stable_across_restarts(collector_process):
    collector_process.start()
    key = demo_ingest_key(collector_process.data_dir)
    assert key in collector_process.out_path.read_text()
    assert collector_process.stop() == 0
    collector_process.start()
    assert demo_ingest_key(collector_process.data_dir) == key
    assert _post(collector_process.url, key, [make_event()])["accepted"] == 1
    assert collector_process.stop() == 0


def test_query_command_reads_through_the_running_collector(collector_process):
    collector_process.start()
    key = demo_ingest_key(collector_process.data_dir)
    event = make_event()
    _post(collector_process.url, key, [event])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        rows = collector_process.query(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'")
        if rows == [[1]]:
            break
        time.sleep(0.3)
    assert rows == [[1]]
    assert collector_process.stop() == 0


def test_keys_rotate_on_sighup_without_a_restart(collector_process, tmp_path):
    old_key, new_key = "ik_old_0123456789abcdefghij", "ik_new_0123456789abcdefghij"
    config = tmp_path / "collector.toml"
    template = """
[tenants.acme]
ingest_keys = [{keys}]
apps = ["omnix-pos"]
modules = ["sales"]
"""
    config.write_text(template.format(keys=f'"{old_key}"'))
    collector_process.config_file = config
    collector_process.start()

    def status(key: str) -> int:
        request = urllib.request.Request(
            f"{collector_process.url}/v1/events",
            data=orjson.dumps({"events": [make_event()]}),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert (status(old_key), status(new_key)) == (202, 401)
    config.write_text(template.format(keys=f'"{old_key}", "{new_key}"'))  # rotation: both valid
    collector_process.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while status(new_key) != 202 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (status(old_key), status(new_key)) == (202, 202)
    config.write_text(template.format(keys=f'"{new_key}"'))  # the old key retired
    collector_process.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while status(old_key) != 401 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (status(old_key), status(new_key)) == (401, 202)
    assert collector_process.stop() == 0
