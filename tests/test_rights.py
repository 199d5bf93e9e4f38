"""Consent revocation, export, audit and tenant isolation, on a real collector and chDB."""

from __future__ import annotations

import asyncio
import time
import uuid

import orjson

from tests.conftest import (
    ACME_ADMIN,
    ACME_INGEST,
    GLOBEX_ADMIN,
    GLOBEX_INGEST,
    INITECH_INGEST,
    LIMITED_INGEST,
    QUOTA_INGEST,
    make_event,
)

PII_MESSAGE = "Refund failed for customer Wanjiru Kamau, KRA PIN A012345678Z"


async def _send(collector, install: str, n: int = 5, key: str = ACME_INGEST) -> list[dict]:
    events = [make_event("module_view", install_id=install) for _ in range(n - 1)]
    events.append(make_event("error", install_id=install, error={"type": "RefundError", "message": PII_MESSAGE, "stack": ""}))
    response = await collector.post({"events": events}, key=key)
    assert response.status == 202
    return events


async def _count(collector, install_ids: list[str]) -> int:
    ids = ", ".join(f"'{e}'" for e in install_ids)
    return (await collector.rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({ids})"))[0][0]


async def _request(collector, method: str, path: str, key: str):
    return await collector.session.request(method, f"{collector.url}{path}", headers={"Authorization": f"Bearer {key}"})


async def _wait_completed(collector, purge_id: str, key: str = ACME_ADMIN) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = await _request(collector, "GET", f"/v1/purges/{purge_id}", key)
        receipt = await response.json()
        if receipt.get("state") == "completed":
            return receipt
        await asyncio.sleep(0.1)
    raise AssertionError(f"purge not completed: {receipt}")


async def test_purge_deletes_every_row_of_the_install_and_leaves_others_intact(collector):
    target, other = str(uuid.uuid4()), str(uuid.uuid4())
    target_events = await _send(collector, target)
    other_events = await _send(collector, other)
    target_ids = [e["event_id"] for e in target_events]
    other_ids = [e["event_id"] for e in other_events]
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({', '.join(repr(i) for i in target_ids + other_ids)})", 10) == 10

    response = await _request(collector, "DELETE", f"/v1/installs/{target}", ACME_INGEST)
    assert response.status == 202
    receipt = await response.json()
    assert receipt["state"] == "accepted" and receipt["tenant"] == "acme"
    done = await _wait_completed(collector, receipt["purge_id"], ACME_INGEST)
    assert done["rows_deleted"] == 5

    assert await _count(collector, target_ids) == 0
    assert await _count(collector, other_ids) == 5
    mutations = await collector.rows("SELECT count() FROM system.mutations WHERE database = 'telemetry' AND is_done = 0")
    assert mutations == [(0,)]


async def test_events_arriving_after_a_purge_are_dropped_and_counted(collector):
    install = str(uuid.uuid4())
    await _send(collector, install, 2)
    response = await _request(collector, "DELETE", f"/v1/installs/{install}", ACME_ADMIN)
    receipt = await response.json()
    await _wait_completed(collector, receipt["purge_id"])

    late = [make_event("app_start", install_id=install) for _ in range(3)]
    response = await collector.post({"events": late})
    assert response.status == 202
    assert await response.json() == {"accepted": 3, "rejected": [], "dropped": 3}
    await asyncio.sleep(0.6)
    assert await _count(collector, [e["event_id"] for e in late]) == 0


async def test_purge_racing_an_in_flight_batch_of_the_same_install_leaves_nothing(collector):
    install = str(uuid.uuid4())
    first = await _send(collector, install, 3)
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{first[0]['event_id']}'", 1)
    racing = [[make_event("app_start", install_id=install) for _ in range(50)] for _ in range(4)]
    posts = [collector.post({"events": batch}) for batch in racing]
    purge = _request(collector, "DELETE", f"/v1/installs/{install}", ACME_ADMIN)
    results = await asyncio.gather(*posts, purge)
    receipt = await results[-1].json()
    await _wait_completed(collector, receipt["purge_id"])
    await asyncio.sleep(0.6)  # any segment still in flight has been drained by now
    ids = [e["event_id"] for batch in racing for e in batch] + [e["event_id"] for e in first]
    assert await _count(collector, ids) == 0


async def test_cross_tenant_purge_and_export_are_404_and_change_nothing(collector):
    install = str(uuid.uuid4())
    events = await _send(collector, install, 4)
    ids = [e["event_id"] for e in events]
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({', '.join(repr(i) for i in ids)})", 4) == 4
    for key in (GLOBEX_INGEST, GLOBEX_ADMIN):
        assert (await _request(collector, "DELETE", f"/v1/installs/{install}", key)).status == 404
        assert (await _request(collector, "GET", f"/v1/installs/{install}/export", key)).status == 404
    assert await _count(collector, ids) == 4
    late = make_event(install_id=install)
    assert (await collector.post({"events": [late]})).status == 202
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{late['event_id']}'", 1) == 1


async def test_purge_receipt_is_visible_only_to_its_tenant_and_requesting_key(collector):
    install = str(uuid.uuid4())
    await _send(collector, install, 2)
    await asyncio.sleep(0.5)
    receipt = await (await _request(collector, "DELETE", f"/v1/installs/{install}", ACME_INGEST)).json()
    path = f"/v1/purges/{receipt['purge_id']}"
    assert (await _request(collector, "GET", path, ACME_ADMIN)).status == 200
    assert (await _request(collector, "GET", path, ACME_INGEST)).status == 200
    assert (await _request(collector, "GET", path, GLOBEX_ADMIN)).status == 404
    assert (await _request(collector, "GET", f"/v1/purges/{uuid.uuid4()}", ACME_ADMIN)).status == 404
    assert (await _request(collector, "GET", "/v1/purges/not-a-uuid", ACME_ADMIN)).status == 404


async def test_export_returns_exactly_the_stored_rows_scrubbed_with_identifiers_explained(collector):
    install = str(uuid.uuid4())
    events = await _send(collector, install, 6)
    ids = sorted(e["event_id"] for e in events)
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({', '.join(repr(i) for i in ids)})", 6)
    response = await _request(collector, "GET", f"/v1/installs/{install}/export", ACME_INGEST)
    assert response.status == 200
    export = orjson.loads(await response.read())
    assert export["row_count"] == 6
    assert sorted(row["event_id"] for row in export["rows"]) == ids
    assert "install_hash" in export["identifiers"]
    stored = await collector.rows(
        f"SELECT error_message FROM telemetry.events WHERE event_id IN ({', '.join(repr(i) for i in ids)}) AND type = 'error'"
    )
    assert [r["error_message"] for r in export["rows"] if r["type"] == "error"] == [stored[0][0]]
    text = orjson.dumps(export).decode()
    assert install not in text and "Wanjiru" not in text and "A012345678Z" not in text


async def test_audit_rows_record_purges_and_exports_without_raw_ids(collector):
    install = str(uuid.uuid4())
    await _send(collector, install, 2)
    await asyncio.sleep(0.5)
    assert (await _request(collector, "GET", f"/v1/installs/{install}/export", ACME_ADMIN)).status == 200
    receipt = await (await _request(collector, "DELETE", f"/v1/installs/{install}", ACME_ADMIN)).json()
    await _wait_completed(collector, receipt["purge_id"])
    rows = await collector.rows(
        f"SELECT action, outcome, subject_hash, key_id, rows FROM telemetry.audit WHERE ref = '{receipt['purge_id']}' OR (action = 'export' AND subject_hash IN (SELECT install_hash FROM telemetry.purges WHERE purge_id = '{receipt['purge_id']}'))"
    )
    actions = {(action, outcome) for action, outcome, *_ in rows}
    assert {("export", "completed"), ("purge", "accepted"), ("purge", "completed")} <= actions
    everything = str(await collector.rows("SELECT * FROM telemetry.audit"))
    assert install not in everything and ACME_ADMIN not in everything and ACME_INGEST not in everything
    ddl = await collector.sink.command("SHOW CREATE TABLE telemetry.audit")
    assert "toIntervalDay(730)" in (ddl if isinstance(ddl, str) else "".join(ddl))


async def test_do_not_track_requests_are_dropped_unless_the_app_records_consent(collector):
    for header in ({"DNT": "1"}, {"Sec-GPC": "1"}):
        event = make_event()
        response = await collector.post({"events": [event]}, **header)
        assert await response.json() == {"accepted": 1, "rejected": [], "dropped": 1}
        kept = make_event()
        response = await collector.post({"events": [kept]}, key=INITECH_INGEST, **header)
        assert await response.json() == {"accepted": 1, "rejected": []}
        await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{kept['event_id']}'", 1)
        assert await _count(collector, [event["event_id"]]) == 0


async def test_rate_limit_is_per_install_with_retry_after_not_per_address(collector):
    noisy, quiet = str(uuid.uuid4()), str(uuid.uuid4())
    response = await collector.post({"events": [make_event(install_id=noisy) for _ in range(5)]}, key=LIMITED_INGEST)
    assert response.status == 202
    response = await collector.post({"events": [make_event(install_id=noisy)]}, key=LIMITED_INGEST)
    assert response.status == 429
    assert int(response.headers["Retry-After"]) >= 1
    # Same client address, another till: not limited.
    response = await collector.post({"events": [make_event(install_id=quiet)]}, key=LIMITED_INGEST)
    assert response.status == 202


async def test_exhausted_daily_quota_is_a_distinct_status_that_says_do_not_retry(collector):
    response = await collector.post({"events": [make_event() for _ in range(10)]}, key=QUOTA_INGEST)
    assert response.status == 202
    response = await collector.post({"events": [make_event()]}, key=QUOTA_INGEST)
    assert response.status == 403
    assert "quota" in (await response.json())["error"]


async def test_rights_endpoints_reject_bad_ids_and_keys(collector):
    assert (await _request(collector, "DELETE", "/v1/installs/not-a-uuid", ACME_ADMIN)).status == 400
    assert (await _request(collector, "GET", "/v1/installs/%27%3B%20DROP/export", ACME_ADMIN)).status == 400
    assert (await _request(collector, "DELETE", f"/v1/installs/{uuid.uuid4()}", "wrong-key-0123456789abcdef")).status == 401
    assert (await _request(collector, "DELETE", f"/v1/installs/{uuid.uuid4()}", ACME_ADMIN)).status == 404
