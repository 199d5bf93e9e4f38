"""The Sentry browser SDK and a preflighted fetch(), in headless Chromium, against a live collector.

Two page servers are two origins; only one is in the tenant's ``cors_origins``.
From the listed origin the SDK's error (personal data in its message, user,
tags, extra, breadcrumbs, page URL and session) is stored scrubbed, and the
page's own ``fetch()`` to /v1/events passes its preflight and is stored. From
the other origin the browser's fetch fails on CORS and the collector stores
nothing of that run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid

import aiohttp
import pytest_asyncio

from tests.browser.conftest import PageServer, check_node_modules, chromium_path, run_page
from tests.conftest import CollectorProcess, free_port

INGEST = "ik_acme_browser_0123456789abcdef"
OPERATOR = "ok_operator_browser_0123456789ab"
PROJECT_ID = "17"
APP = "support-chat"

EMAIL = "jane.doe@example.com"
NAME = "Wanjiku Kamau"
USERNAME = "wkamau"
PHONE = "+254 712 345 678"
# Any of these anywhere in the stored data is a leak. The username and the
# phone's digits are checked as fragments so re-spaced or re-encoded copies count.
PII_NEEDLES = ["jane.doe", "Wanjiku", "Kamau", USERNAME, "712 345 678", "712345678"]
ERROR_MESSAGE = f"Payment failed for {EMAIL}, customer {NAME}"


def config_toml(allowed_origin: str) -> str:
    return f"""
operator_keys = ["{OPERATOR}"]

[spool]
flush_interval_s = 0.2

[scrub]
workers = 1

[tenants.acme]
ingest_keys = ["{INGEST}"]
apps = ["{APP}"]
modules = ["chat"]
cors_origins = ["{allowed_origin}"]
sentry_projects = {{ "{PROJECT_ID}" = "{APP}" }}
"""


def native_event() -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "install_id": str(uuid.uuid4()),
        "session_id": str(uuid.uuid4()),
        "ts": dt.datetime.now(dt.timezone.utc).isoformat(),
        "type": "app_start",
        "app": {"name": APP, "version": "1.2.0", "platform": "web"},
        "os": {"name": "web", "version": "1.0"},
        "module": "chat",
    }


class Live:
    """The collector subprocess and the two page origins."""

    def __init__(self, proc: CollectorProcess, allowed: PageServer, refused: PageServer, session: aiohttp.ClientSession):
        self.proc = proc
        self.allowed = allowed
        self.refused = refused
        self.session = session

    @property
    def url(self) -> str:
        return self.proc.url

    def page_config(self, error_name: str) -> dict:
        return {
            "dsn": f"http://{INGEST}@127.0.0.1:{self.proc.port}/{PROJECT_ID}",
            "collectorUrl": self.url,
            "ingestKey": INGEST,
            "errorName": error_name,
            "errorMessage": ERROR_MESSAGE,
            "pii": {"email": EMAIL, "name": NAME, "username": USERNAME, "phone": PHONE},
            "nativeEvent": native_event(),
        }

    async def query(self, sql: str) -> list[dict]:
        """Rows as dicts, from the running collector's operator query endpoint (what the CLI uses)."""
        async with self.session.post(
            f"{self.url}/v1/admin/query", json={"sql": sql},
            headers={"Authorization": f"Bearer {OPERATOR}", "X-Access-Reason": "browser test: checking stored rows"},
        ) as response:
            body = await response.text()
            assert response.status == 200, f"admin query {sql!r} answered {response.status}: {body}"
        result = json.loads(body)
        return [dict(zip(result["columns"], row)) for row in result["rows"]]

    async def wait_for(self, sql: str, timeout_s: float = 45) -> list[dict]:
        deadline = time.monotonic() + timeout_s
        while True:
            rows = await self.query(sql)
            if rows or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.25)

    async def all_stored_rows(self) -> dict[str, list[dict]]:
        """Every row of every table in the telemetry database, for leak checks."""
        tables = await self.query(
            "SELECT name FROM system.tables WHERE database = 'telemetry' AND engine NOT LIKE '%View%' ORDER BY name"
        )
        return {t["name"]: await self.query(f"SELECT * FROM telemetry.`{t['name']}`") for t in tables}

    async def settle(self) -> None:
        """Wait until an event sent now, with no Origin, is stored: earlier accepted work has gone through."""
        sentinel = native_event()
        async with self.session.post(
            f"{self.url}/v1/events", json={"events": [sentinel]}, headers={"Authorization": f"Bearer {INGEST}"}
        ) as response:
            assert response.status == 202, await response.text()
        rows = await self.wait_for(f"SELECT event_id FROM telemetry.events WHERE event_id = '{sentinel['event_id']}'")
        assert rows, "a server-side sentinel event was never stored"
        await asyncio.sleep(1)


@pytest_asyncio.fixture(scope="module")
async def live(tmp_path_factory):
    # Fail before the slow collector start when the browser half cannot run.
    chromium_path()
    check_node_modules()
    allowed, refused = PageServer(config={}), PageServer(config={})
    await allowed.start()
    await refused.start()
    data_dir = tmp_path_factory.mktemp("browser-collector")
    config_file = data_dir / "collector.toml"
    config_file.write_text(config_toml(allowed.origin))
    proc = CollectorProcess(data_dir=data_dir / "data", port=free_port(), config_file=config_file)
    try:
        await asyncio.to_thread(proc.start)
        async with aiohttp.ClientSession() as session:
            yield Live(proc, allowed, refused, session)
    finally:
        if proc.process and proc.process.poll() is None:
            proc.process.kill()
            proc.process.wait()
        await allowed.stop()
        await refused.stop()


async def test_preflight_and_requests_from_an_unlisted_origin_are_refused(live: Live):
    """No browser: the CORS answers themselves."""
    headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    async with live.session.options(
        f"{live.url}/v1/events", headers={**headers, "Origin": live.refused.origin}
    ) as response:
        assert response.status == 403, await response.text()
        assert "Access-Control-Allow-Origin" not in response.headers, dict(response.headers)

    async with live.session.options(
        f"{live.url}/v1/events", headers={**headers, "Origin": live.allowed.origin}
    ) as response:
        assert response.status == 204, await response.text()
        assert response.headers.get("Access-Control-Allow-Origin") == live.allowed.origin, dict(response.headers)
        allow_headers = {h.strip().lower() for h in response.headers.get("Access-Control-Allow-Headers", "").split(",")}
        assert {"authorization", "content-type"} <= allow_headers, dict(response.headers)
        assert "POST" in response.headers.get("Access-Control-Allow-Methods", "").upper(), dict(response.headers)

    event = native_event()
    async with live.session.post(
        f"{live.url}/v1/events",
        json={"events": [event]},
        headers={"Authorization": f"Bearer {INGEST}", "Origin": live.refused.origin},
    ) as response:
        assert response.status == 403, await response.text()
        assert "Access-Control-Allow-Origin" not in response.headers, dict(response.headers)

    envelope = (
        json.dumps({"event_id": uuid.uuid4().hex}) + "\n" + json.dumps({"type": "event"}) + "\n"
        + json.dumps({"exception": {"values": [{"type": "PlainRefusedError", "value": "refused"}]}, "platform": "javascript"})
        + "\n"
    )
    async with live.session.post(
        f"{live.url}/api/{PROJECT_ID}/envelope/",
        params={"sentry_key": INGEST, "sentry_version": "7"},
        data=envelope,
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": live.refused.origin},
    ) as response:
        assert response.status == 403, await response.text()
        assert "Access-Control-Allow-Origin" not in response.headers, dict(response.headers)

    await live.settle()
    assert await live.query(f"SELECT event_id FROM telemetry.events WHERE event_id = '{event['event_id']}'") == []
    assert await live.query("SELECT event_id FROM telemetry.events WHERE error_type = 'PlainRefusedError'") == []


async def test_allowed_origin_sentry_error_is_stored_scrubbed_and_fetch_passes_preflight(live: Live, tmp_path):
    config = live.page_config("AllowedOriginError")
    live.allowed.config = config
    # The page's URL carries the email too, as a link from a support ticket would.
    run = await run_page(live.allowed, tmp_path, query=f"customer={EMAIL}")
    report = run.report

    assert report["sdkVersion"] == "11.12.0", report
    assert report["flushed"] is True, report
    # Every envelope (the session, the error, the session update) went through CORS and was accepted.
    assert report["envelopes"], report
    for sent in report["envelopes"]:
        assert sent["ok"] and 200 <= sent["statusCode"] < 300, report
    assert "event" in [t for sent in report["envelopes"] for t in sent["itemTypes"]], report
    # The preflighted fetch() to /v1/events passed and was accepted.
    assert report["native"]["ok"] is True, report
    assert report["native"]["status"] == 202, report

    sentry_rows = await live.wait_for("SELECT * FROM telemetry.events WHERE error_type = 'AllowedOriginError'")
    assert len(sentry_rows) == 1, f"expected one stored Sentry event, got {sentry_rows}; page report: {report}"
    row = sentry_rows[0]
    assert row["source"] == "sentry", row
    assert row["type"] == "error", row
    assert row["app_name"] == APP, row
    message = row["error_message"]
    assert "Payment failed for" in message, row  # scrubbed, not dropped
    for needle in (EMAIL, "Wanjiku", "Kamau"):
        assert needle not in message, row

    native_id = config["nativeEvent"]["event_id"]
    native_rows = await live.wait_for(f"SELECT * FROM telemetry.events WHERE event_id = '{native_id}'")
    assert len(native_rows) == 1, native_rows
    assert native_rows[0]["source"] == "native", native_rows[0]
    assert native_rows[0]["app_name"] == APP, native_rows[0]

    # Nothing personal anywhere: not in the Sentry row's other columns (user, tags,
    # extra, breadcrumbs, request URL), nor in any other table (sessions, counts...).
    await live.settle()
    stored = await live.all_stored_rows()
    leaks = [
        (table, needle, row)
        for table, rows in stored.items()
        for row in rows
        for needle in PII_NEEDLES
        if needle.lower() in json.dumps(row, default=str, ensure_ascii=False).lower()
    ]
    assert not leaks, "personal data stored:\n" + "\n".join(f"{t}: {n!r} in {r}" for t, n, r in leaks[:10])


async def test_refused_origin_fetch_fails_on_cors_and_nothing_is_stored(live: Live, tmp_path):
    config = live.page_config("RefusedOriginError")
    live.refused.config = config
    run = await run_page(live.refused, tmp_path, query=f"customer={EMAIL}")
    report = run.report

    assert report["origin"] == live.refused.origin, report
    # The browser refuses to hand the page the fetch's result: a TypeError, no status.
    assert report["native"]["ok"] is False, report
    assert report["native"]["error"].startswith("TypeError"), report
    # The SDK's envelopes are simple requests: sent, but answered without Allow-Origin.
    assert report["envelopes"], report
    for sent in report["envelopes"]:
        assert sent["ok"] is False, report
    assert "preflight" in run.log, "chromium logged no preflight refusal:\n" + run.log[-3000:]

    await live.settle()
    native_id = config["nativeEvent"]["event_id"]
    assert await live.query(f"SELECT event_id FROM telemetry.events WHERE event_id = '{native_id}'") == []
    assert await live.query("SELECT event_id FROM telemetry.events WHERE error_type = 'RefusedOriginError'") == []
    stored = await live.all_stored_rows()
    marks = [
        (table, row)
        for table, rows in stored.items()
        for row in rows
        if "RefusedOriginError" in json.dumps(row, default=str) or native_id in json.dumps(row, default=str)
    ]
    assert not marks, f"rows from the refused origin's run were stored: {marks[:5]}"
