"""POST /v1/events: the contract apps rely on, against a real collector and real chDB."""

from __future__ import annotations

import datetime as dt
import gzip
import uuid

import orjson
import pytest

from tests.conftest import ACME_ADMIN, ACME_INGEST, GLOBEX_INGEST, make_event

HOSTILE = "Wanjiru_Kamau_A012345678Z"


async def test_valid_batch_is_accepted_and_lands_with_free_text_scrubbed(collector):
    install = str(uuid.uuid4())
    events = [
        make_event("app_start", install_id=install),
        make_event("module_view", install_id=install, module="pharmacy"),
        make_event("usage_counts", install_id=install),
        make_event(
            "error",
            install_id=install,
            error={
                "type": "SqliteException",
                "message": "Sale failed for customer Wanjiru Kamau, phone 0712 345 678, PIN A012345678Z",
                "stack": "   at Omnix.Sales.SaleForm.Save() in SaleForm.cs:line 214",
            },
        ),
    ]
    response = await collector.post({"events": events})
    assert response.status == 202
    assert await response.json() == {"accepted": 4, "rejected": []}

    ids = ", ".join(f"'{e['event_id']}'" for e in events)
    count = await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({ids})", 4)
    assert count == 4
    (message, stack), = await collector.rows(
        f"SELECT error_message, error_stack FROM telemetry.events WHERE event_id = '{events[3]['event_id']}'"
    )
    assert message == "Sale failed for customer <PERSON>, phone <PHONE>, PIN <KRA_PIN>"
    assert stack == "   at Omnix.Sales.SaleForm.Save() in SaleForm.cs:line 214"


async def test_install_and_session_ids_are_stored_only_as_keyed_hashes(collector):
    event = make_event("app_start")
    assert (await collector.post({"events": [event]})).status == 202
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1)
    (row,) = await collector.rows(f"SELECT * FROM telemetry.events WHERE event_id = '{event['event_id']}'")
    flat = " ".join(str(v) for v in row)
    assert event["install_id"] not in flat and event["session_id"] not in flat
    assert event["install_id"].replace("-", "") not in flat


async def test_unknown_module_app_and_count_keys_are_never_stored_as_sent(collector):
    event = make_event(
        "usage_counts",
        module="secret_project",
        app={"name": "Unlisted App", "version": "1.0", "platform": "web"},
        counts={"branches": 2, "wanjiru_sales": 7},
    )
    assert (await collector.post({"events": [event]})).status == 202
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1)
    ((module, app_name, counts),) = await collector.rows(
        f"SELECT module, app_name, counts FROM telemetry.events WHERE event_id = '{event['event_id']}'"
    )
    assert (module, app_name, counts) == ("other", "other", {"branches": 2})


async def test_tenant_deny_terms_are_replaced_in_free_text(collector):
    event = make_event("error", error={"type": "IOException", "message": "sync of project falcon failed", "stack": ""})
    assert (await collector.post({"events": [event]})).status == 202
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1)
    ((message,),) = await collector.rows(f"SELECT error_message FROM telemetry.events WHERE event_id = '{event['event_id']}'")
    assert message == "sync of <REDACTED> failed"


def _future_ts():
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=25)).isoformat()


def _old_ts():
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=181)).isoformat()


BAD_EVENTS = {
    "wrong_type": lambda: make_event("module_view", duration_ms=HOSTILE),
    "unknown_field": lambda: {**make_event(), HOSTILE: 1},
    "unknown_nested_field": lambda: make_event(app={"name": "omnix-pos", "version": "1.0", "platform": "web", HOSTILE: 1}),
    "oversize_message": lambda: make_event("error", error={"type": "E", "message": HOSTILE * 1000, "stack": ""}),
    "oversize_stack": lambda: make_event("error", error={"type": "E", "message": "m", "stack": HOSTILE * 5000}),
    "bad_uuid": lambda: make_event(event_id=HOSTILE),
    "bad_install_id": lambda: make_event(install_id=HOSTILE),
    "future_ts": lambda: make_event(ts=_future_ts()),
    "too_old_ts": lambda: make_event(ts=_old_ts()),
    "naive_ts": lambda: make_event(ts="2026-11-24T08:00:00"),
    "wrong_platform": lambda: make_event(app={"name": "omnix-pos", "version": "1.0", "platform": HOSTILE}),
    "unknown_event_type": lambda: make_event(type_="app_start", type=HOSTILE),
    "bad_version": lambda: make_event(app={"name": "omnix-pos", "version": "Wanjiru Kamau", "platform": "web"}),
    "negative_count": lambda: make_event("usage_counts", counts={"branches": -1}),
    "bad_count_key": lambda: make_event("usage_counts", counts={HOSTILE + " x": 1}),
    "too_many_count_keys": lambda: make_event("usage_counts", counts={f"k{i}": 1 for i in range(65)}),
    "bad_locale": lambda: make_event(locale=HOSTILE),
    "missing_field": lambda: {k: v for k, v in make_event().items() if k != "module"},
    "module_view_without_duration": lambda: {k: v for k, v in make_event("module_view").items() if k != "duration_ms"},
    "event_not_object": lambda: HOSTILE,
    "error_type_with_spaces": lambda: make_event("error", error={"type": "Wanjiru Kamau", "message": "m", "stack": ""}),
    "kra_pin_as_version": lambda: make_event(app={"name": "omnix-pos", "version": "A012345678Z", "platform": "web"}),
    "kra_pin_in_version_tag": lambda: make_event(os={"name": "Windows", "version": "10.0-A012345678Z"}),
    "kra_pin_as_module": lambda: make_event(module="A012345678Z"),
    "phone_as_os_name": lambda: make_event(os={"name": "0712 345 678", "version": "10.0"}),
    "kra_pin_as_count_key": lambda: make_event("usage_counts", counts={"a012345678z": 1}),
}


@pytest.mark.parametrize("case", ["kra_pin_as_module", "phone_as_os_name", "kra_pin_as_count_key"])
async def test_an_identifier_in_a_structured_field_is_rejected_naming_the_field(collector, case):
    # Between valid events: the batch leaves the fast path, and only the one event is rejected.
    response = await collector.post({"events": [make_event(), BAD_EVENTS[case](), make_event()]})
    body = await response.json()
    assert body["accepted"] == 2
    (rejection,) = body["rejected"]
    assert rejection["index"] == 1
    assert "holds an identifier" in rejection["reason"]
    assert rejection["reason"].split(":")[0] in ("module", "os.name", "counts")


@pytest.mark.parametrize("case", sorted(BAD_EVENTS))
async def test_each_schema_rule_rejects_the_event_without_echoing_its_value(collector, case):
    good = make_event()
    response = await collector.post({"events": [good, BAD_EVENTS[case]()]})
    assert response.status == 202
    body = await response.json()
    assert body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [1]
    reason = body["rejected"][0]["reason"]
    assert reason
    assert "Wanjiru" not in reason and "A012345678Z" not in reason and "Kamau" not in reason


async def test_valid_events_of_a_mixed_batch_are_kept(collector):
    good = [make_event() for _ in range(3)]
    response = await collector.post({"events": [good[0], {"bad": 1}, good[1], good[2]]})
    assert (await response.json())["accepted"] == 3
    ids = ", ".join(f"'{e['event_id']}'" for e in good)
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({ids})", 3) == 3


async def test_gzip_body_is_accepted(collector):
    event = make_event()
    body = gzip.compress(orjson.dumps({"events": [event]}))
    response = await collector.post(body, **{"Content-Encoding": "gzip"})
    assert response.status == 202
    assert (await response.json())["accepted"] == 1


@pytest.mark.parametrize(
    "body",
    [b"\x1f\x8b\x08\x00garbage", gzip.compress(b'{"events": []}')[:-12], b"not gzip at all"],
    ids=["corrupt", "truncated", "plain_bytes"],
)
async def test_bad_gzip_is_400(collector, body):
    response = await collector.post(body, **{"Content-Encoding": "gzip"})
    assert response.status == 400


async def test_gzip_bomb_is_413_without_inflating_it(collector):
    bomb = gzip.compress(b'{"events": [' + b" " * (50 * 1024 * 1024) + b"]}")
    assert len(bomb) < 1024 * 1024
    response = await collector.post(bomb, **{"Content-Encoding": "gzip"})
    assert response.status == 413


async def test_unsupported_content_encoding_is_415(collector):
    response = await collector.post(b"{}", **{"Content-Encoding": "compress"})
    assert response.status == 415


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[]", b'{"events": {}}', b'{"events": [], "extra": 1}', b'"events"', b"\xff\xfe"],
    ids=["malformed", "empty", "array", "events_not_list", "extra_key", "string", "binary"],
)
async def test_body_that_is_not_the_envelope_is_400(collector, body):
    response = await collector.post(body)
    assert response.status == 400
    assert "error" in await response.json()


async def test_envelope_error_does_not_echo_unknown_keys(collector):
    response = await collector.post({"events": [], HOSTILE: 1})
    assert response.status == 400
    assert HOSTILE not in await response.text()


async def test_empty_batch_is_400(collector):
    response = await collector.post({"events": []})
    assert response.status == 400


async def test_500_events_are_accepted_and_501_are_413(collector):
    response = await collector.post({"events": [make_event() for _ in range(500)]})
    assert response.status == 202
    assert (await response.json())["accepted"] == 500
    response = await collector.post({"events": [make_event() for _ in range(501)]})
    assert response.status == 413


async def test_body_over_one_mib_is_413(collector):
    response = await collector.post(b'{"events": ["' + b"x" * (1024 * 1024) + b'"]}')
    assert response.status == 413


@pytest.mark.parametrize("content_type", ["application/xml", "application/x-www-form-urlencoded", None])
async def test_wrong_content_type_is_415(collector, content_type):
    headers = {"Authorization": f"Bearer {ACME_INGEST}"}
    if content_type:
        headers["Content-Type"] = content_type
    response = await collector.session.post(f"{collector.url}/v1/events", data=b'{"events": []}', headers=headers)
    assert response.status == 415


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer wrong-key-0123456789abcdef", f"Basic {ACME_INGEST}", f"Bearer {ACME_ADMIN}"],
    ids=["missing", "empty", "no_key", "blank_key", "unknown", "wrong_scheme", "admin_key_cannot_ingest"],
)
async def test_authentication_failures_are_401(collector, authorization):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = await collector.session.post(
        f"{collector.url}/v1/events", data=orjson.dumps({"events": [make_event()]}), headers=headers
    )
    assert response.status == 401
    assert ACME_INGEST not in await response.text()


async def test_server_keeps_serving_after_hostile_requests(collector):
    for body in (b"\x00" * 1000, b"{" * 100_000, b'{"events": [' + b"[" * 10_000 + b"]}"):
        response = await collector.post(body)
        assert response.status in (400, 413)
    health = await collector.session.get(f"{collector.url}/healthz")
    assert health.status == 200
    response = await collector.post({"events": [make_event()]})
    assert response.status == 202


async def test_events_are_stored_under_the_tenant_of_the_key(collector):
    event = make_event(app={"name": "inventory-web", "version": "2.0.1", "platform": "web"}, module="inventory")
    assert (await collector.post({"events": [event]}, key=GLOBEX_INGEST)).status == 202
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1)
    ((tenant, app_name),) = await collector.rows(
        f"SELECT tenant, app_name FROM telemetry.events WHERE event_id = '{event['event_id']}'"
    )
    assert (tenant, app_name) == ("globex", "inventory-web")


async def test_scrub_report_counts_removed_entities_without_values(collector):
    event = make_event("error", error={"type": "E", "message": "till no 654321 rejected for KRA PIN P051234567M", "stack": ""})
    assert (await collector.post({"events": [event]})).status == 202
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1)
    rows = await collector.rows(
        "SELECT entity, sum(count) FROM telemetry.scrub_report WHERE tenant = 'acme' AND field = 'error_message' GROUP BY entity"
    )
    entities = dict(rows)
    assert entities.get("MPESA_TILL", 0) >= 1 and entities.get("KRA_PIN", 0) >= 1
    flat = str(await collector.rows("SELECT * FROM telemetry.scrub_report"))
    assert "654321" not in flat and "P051234567M" not in flat


async def test_a_dead_scrubbing_worker_costs_one_503_and_the_pool_recovers(collector):
    import os
    import signal

    from collector.resources import SCRUB_POOL

    pool = collector.app[SCRUB_POOL]
    for pid in pool.pids:  # a fault we cannot cause through the API: a worker dies
        os.kill(pid, signal.SIGKILL)
    statuses = []
    for _ in range(3):
        response = await collector.post({"events": [make_event()]})
        statuses.append(response.status)
        if response.status == 202:
            break
    assert statuses[-1] == 202
    assert set(statuses) <= {202, 503}


@pytest.mark.parametrize(
    "body",
    [b'{"events":[],"\xff":1}', b'{"events":[{"event_id":"\xff\xfe"}]}', b'{"events":["\xc3"]}'],
    ids=["envelope-key", "event-value", "truncated-sequence"],
)
async def test_a_string_that_is_not_utf8_is_a_400_that_does_not_quote_it(collector, body):
    response = await collector.post(body)
    assert response.status in (202, 400)
    text = await response.text()
    assert "\\xff" not in text and "xff" not in text and "\\xc3" not in text
    if response.status == 202:  # the envelope was fine: the event itself is rejected, with a reason
        assert (await response.json())["rejected"][0]["reason"]
    assert (await collector.session.get(f"{collector.url}/healthz")).status == 200
