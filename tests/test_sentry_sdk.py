"""The real sentry-sdk, unmodified, pointed at a live collector by its DSN alone.

The app (tests/clients/sentry_app.py) runs as its own process and is as careless
as apps are: default PII on, a user with an email, customer tags, contexts,
extras, breadcrumbs, and local variables holding a national id. What is stored
is the allowlist of ``collector.sources.sentry``, scrubbed; nothing else.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
import uuid
from urllib.parse import urlsplit

import orjson

from collector.resources import HASHER
from tests.conftest import ACME_ADMIN, ACME_INGEST, ROOT

# Everything personal the app puts anywhere in its events; none of it may be stored in any form.
PERSONAL = (
    "jane.doe", "example.com", "wkamau", "41.90.64.12", "wanjiku", "Achieng", "Odhiambo", "A012345678Z",
    "Amoxicillin", "174379", "0712345678", "27845112", "1,250",
)  # fmt: skip


async def _run_app(collector, install_id: str, marker: str, release: str) -> list[str]:
    port = urlsplit(collector.url).port
    dsn = f"http://{ACME_INGEST}@127.0.0.1:{port}/17"
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "tests" / "clients" / "sentry_app.py"), dsn, install_id, marker, release,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode().split()


async def _sent(collector) -> tuple[str, str, str, str]:
    install_id, marker = str(uuid.uuid4()), f"Batch{random.randrange(16**8):08x}"
    release_version = f"4.{random.randrange(1000)}.{random.randrange(1000)}+512"
    event_ids = await _run_app(collector, install_id, marker, f"omnix-pos@{release_version}")
    install_hash = collector.app[HASHER]("acme", "install_id", uuid.UUID(install_id))
    count = await collector.wait_for_rows(
        f"SELECT count() FROM telemetry.events WHERE tenant = 'acme' AND install_hash = '{install_hash}'", 2
    )
    assert count == 2, "the exception and the message are both stored"
    return install_id, install_hash, release_version, event_ids[0]


async def test_an_unmodified_sentry_sdk_stores_only_the_allowlist_scrubbed(collector):
    _, install_hash, release_version, event_id = await _sent(collector)
    rows = await collector.rows(
        "SELECT formatRow('JSONEachRow', *) FROM telemetry.events "
        f"WHERE tenant = 'acme' AND install_hash = '{install_hash}' ORDER BY error_type"
    )
    for (line,) in rows:
        for value in PERSONAL:
            assert value.lower() not in line.lower(), f"{value!r} was stored"
    message_row, error_row = (orjson.loads(line) for (line,) in rows)

    assert error_row["event_id"].replace("-", "") == event_id
    assert error_row["source"] == "sentry" and error_row["type"] == "error"
    assert error_row["error_type"] == "RuntimeError" and error_row["error_level"] == "error"
    assert "payment of" in error_row["error_message"] and "failed for" in error_row["error_message"]
    stack = error_row["error_stack"]
    # The chain, cause first, with frames: function, module, file and line, marked in_app.
    assert stack.index("ConnectionError") < stack.index("RuntimeError")
    assert "charge (" in stack and "sentry_app.py:" in stack and "[app]" in stack
    assert "national_id" not in stack and "customer_name =" not in stack  # no frame vars, no source lines
    # The cause's value is in the stack; the raised exception's own value is error_message, not repeated there.
    assert "STK push" in stack and "payment of" not in stack
    assert error_row["app_name"] == "omnix-pos" and error_row["app_version"] == release_version
    assert error_row["environment"] == "production"
    assert error_row["sdk_name"].startswith("sentry.python") and error_row["runtime_name"] == "CPython"
    assert error_row["module"] == "pharmacy"  # the module tag, on the tenant's allowlist
    assert error_row["attributes"] == {"branch": "Westlands", "module": "pharmacy"}  # the customer tag is not listed
    assert error_row["session_hash"] == ""  # a Sentry event names no session

    assert message_row["error_type"] == "Message" and message_row["error_level"] == "info"
    assert message_row["error_message"].endswith("till %s went offline")  # the template, never params


async def test_the_sdk_session_is_counted_in_release_health_without_its_ids(collector):
    _, _, release_version, _ = await _sent(collector)
    deadline = time.monotonic() + 15
    counts: dict[str, int] = {}
    while time.monotonic() < deadline and counts.get("errored") != 1:
        rows = await collector.rows(
            "SELECT status, sum(sessions) FROM telemetry.release_health "
            f"WHERE tenant = 'acme' AND release = '{release_version}' GROUP BY status"
        )
        counts = dict(rows)
        await asyncio.sleep(0.1)
    # One session began, and it ended after an error was captured in it.
    assert counts == {"started": 1, "errored": 1}
    (environment,), = await collector.rows(
        f"SELECT DISTINCT environment FROM telemetry.release_health WHERE release = '{release_version}'"
    )
    assert environment == "production"


async def test_a_purge_by_install_id_removes_rows_the_sdk_sent(collector):
    install_id, install_hash, _, _ = await _sent(collector)
    response = await collector.session.delete(
        f"{collector.url}/v1/installs/{install_id}", headers={"Authorization": f"Bearer {ACME_ADMIN}"}
    )
    assert response.status == 202
    status_url = (await response.json())["status_url"]
    deadline = time.monotonic() + 30
    state = ""
    while time.monotonic() < deadline and state != "completed":
        reply = await collector.session.get(f"{collector.url}{status_url}", headers={"Authorization": f"Bearer {ACME_ADMIN}"})
        receipt = await reply.json()
        state = receipt["state"]
        await asyncio.sleep(0.1)
    assert state == "completed" and receipt["rows_deleted"] == 2
    (remaining,), = await collector.rows(f"SELECT count() FROM telemetry.events WHERE install_hash = '{install_hash}'")
    assert remaining == 0
