"""Browsers: preflights answered only for listed origins, each request held to its own tenant's list, beacons."""

from __future__ import annotations

import orjson

from tests.conftest import ACME_INGEST, make_event

LISTED = "https://shop.example"  # acme's
OTHER_TENANTS = "https://inventory.example"  # globex's: listed, but not for acme's key


async def _preflight(collector, origin: str, headers: str = "authorization, content-type"):
    return await collector.session.options(
        f"{collector.url}/v1/events",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers},
    )


async def _stored(collector, event_id: str) -> int:
    return (await collector.rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event_id}'"))[0][0]


async def test_a_preflight_is_answered_only_for_a_listed_origin_and_listed_headers(collector):
    allowed = await _preflight(collector, LISTED)
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == LISTED
    assert allowed.headers["Access-Control-Allow-Methods"] == "POST"
    assert set(allowed.headers["Access-Control-Allow-Headers"].split(", ")) == {"authorization", "content-type"}
    assert allowed.headers["Vary"] == "Origin"

    refused = await _preflight(collector, "https://evil.example")
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers
    assert "evil" not in await refused.text()
    odd_header = await _preflight(collector, LISTED, "authorization, x-forwarded-for")
    assert odd_header.status == 403 and "x-forwarded-for" not in await odd_header.text()


async def test_a_request_from_a_listed_origin_is_stored_and_readable_by_the_page(collector):
    event = make_event()
    response = await collector.post({"events": [event]}, Origin=LISTED)
    assert response.status == 202
    assert response.headers["Access-Control-Allow-Origin"] == LISTED
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1) == 1


async def test_an_origin_not_on_the_keys_tenant_list_is_refused_and_nothing_is_stored(collector):
    for origin in (OTHER_TENANTS, "https://evil.example", "null"):
        event = make_event()
        response = await collector.post({"events": [event]}, Origin=origin)
        assert response.status == 403
        assert origin not in await response.text()
        sentry = await collector.session.post(
            f"{collector.url}/api/17/envelope/?sentry_key={ACME_INGEST}",
            data=b'{}\n{"type":"event"}\n{"event_id":"' + event["event_id"].replace("-", "").encode() + b'"}',
            headers={"Content-Type": "text/plain", "Origin": origin},
        )
        assert sentry.status == 403
        await collector.sink.flush(10)
        assert await _stored(collector, event["event_id"]) == 0


async def test_a_beacon_sends_text_plain_with_the_key_in_the_query_and_needs_no_preflight(collector):
    event = make_event("module_view")
    response = await collector.session.post(
        f"{collector.url}/v1/events?key={ACME_INGEST}",
        data=orjson.dumps({"events": [event]}),
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": LISTED},
    )
    assert response.status == 202
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1) == 1
    wrong_key = await collector.session.post(
        f"{collector.url}/v1/events?key=ik_not_a_key_0123456789", data=orjson.dumps({"events": [make_event()]}),
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert wrong_key.status == 401
