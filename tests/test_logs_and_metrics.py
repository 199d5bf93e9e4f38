"""Logs and metrics never hold payload values, payload keys, raw ids or keys."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import orjson

from tests.conftest import demo_ingest_key, make_event

SECRETS = ["Wanjiru Kamau", "A012345678Z", "0712345678", "wanjiru@example.co.ke", "sk_live_51HxYz0123456789abcdef", "PII_KEY_Otieno"]


def _call(url: str, method: str, path: str, key: str, body: bytes | None = None, **headers) -> int:
    request = urllib.request.Request(
        f"{url}{path}", data=body, method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_pii_sent_through_every_endpoint_never_reaches_the_logs_or_metrics(collector_process):
    collector_process.start()
    url = collector_process.url
    ingest = demo_ingest_key(collector_process.data_dir)
    operator = orjson.loads((collector_process.data_dir / "demo_keys.json").read_bytes())["operator_key"]
    install = str(uuid.uuid4())
    message = " ".join(SECRETS)
    events = [
        make_event("error", install_id=install, error={"type": "E", "message": message, "stack": message}),
        {**make_event(install_id=install), "PII_KEY_Otieno": "Wanjiru Kamau"},
        make_event(install_id=install, module="Wanjiru Kamau"),
        make_event("usage_counts", install_id=install, counts={"wanjiru_kamau": 1}),
        "A012345678Z",
    ]
    assert _call(url, "POST", "/v1/events", ingest, orjson.dumps({"events": events})) == 202
    assert _call(url, "POST", "/v1/events", ingest, orjson.dumps({"events": [], "Wanjiru Kamau": 1})) == 400
    assert _call(url, "POST", "/v1/events", ingest, b"{'Wanjiru Kamau': A012345678Z") == 400
    assert _call(url, "POST", "/v1/events", "sk_live_51HxYz0123456789abcdef", b"{}") == 401
    assert _call(url, "POST", "/v1/events", ingest, b"{}", **{"Content-Encoding": "Wanjiru"}) == 415
    assert _call(url, "POST", "/v1/admin/query", operator, orjson.dumps({"sql": "SELECT 'Wanjiru Kamau' FROM nowhere"}),
                 **{"X-Access-Reason": "TICKET-7"}) == 400  # fmt: skip
    assert _call(url, "GET", f"/v1/installs/{install}/export", ingest) == 200
    assert _call(url, "GET", "/v1/installs/Wanjiru%20Kamau/export", ingest) == 400
    assert _call(url, "DELETE", f"/v1/installs/{install}", ingest) == 202
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        metrics = response.read().decode()
    assert collector_process.stop() == 0

    logs = collector_process.log_path.read_text()
    assert '"msg":"batch"' in logs  # the log is there, and it is JSON lines
    for line in logs.splitlines():
        if line.startswith("{"):
            orjson.loads(line)
    for text in (logs, metrics):
        for secret in SECRETS + [install, ingest, operator, install.replace("-", "")]:
            assert secret not in text
    assert "telemetry_events_rejected_total" in metrics and "telemetry_spool_bytes" in metrics
