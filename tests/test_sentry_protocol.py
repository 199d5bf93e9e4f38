"""The Sentry wire protocol, with envelopes written by hand, against the shared in-process collector.

The real sentry-sdk tests are elsewhere; this file pins the protocol itself: the
three ways to pass a key, content types and encodings, envelope framing (with
and without ``length``, blank lines, bad lengths, too many items, too large),
the store endpoint, what of an event is stored and what never is, sessions into
release health, idempotency, rate limits, validation replies, purges, and a
seeded mutation fuzz that must never get a 5xx.

Tests keep apart by fresh event ids, fresh install uuids, unique exception types
(``Marker<hex>Error``) and unique releases. The ``quota`` tenant is left alone:
tests/test_rights.py spends its whole daily quota of 10 and would break if this
file spent any of it, so the quota path of the Sentry reply is not tested here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import random
import re
import time
import uuid
import zlib
from dataclasses import dataclass

import brotli
import orjson
import pytest

from tests.conftest import ACME_ADMIN, ACME_INGEST, GLOBEX_INGEST, LIMITED_INGEST

ENVELOPE_CT = "application/x-sentry-envelope"
ACME_PROJECT = "17"
GLOBEX_PROJECT = "42"
LIMITED_PROJECT = "5"
MIB = 1024 * 1024


# ---- building envelopes by hand ----------------------------------------------------------------


def word() -> str:
    """A marker that survives the fail-closed scrubber (random letters would become ``<UNKNOWN>``).

    A test puts one in a field that is kept and scrubbed, and checks it is stored, so a marker that is
    absent from a row was not stored at all, not merely scrubbed away.
    """
    return f"leak_{random.SystemRandom().randrange(10**9, 10**10)}"


def digits() -> str:
    """For ``Marker<digits>Error``: hex letters next to ``Marker`` would read as an unknown word and be scrubbed."""
    return str(random.SystemRandom().randrange(10**9, 10**10))


def fresh_hex() -> str:
    return uuid.uuid4().hex


def unique_release() -> str:
    return f"9.{random.SystemRandom().randrange(10**6)}.{random.SystemRandom().randrange(10**6)}"


def item(item_type, payload, *, length: bool = True, **header) -> bytes:
    """One envelope item: its header line, then its payload (a dict is JSON-encoded)."""
    data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    head = {"type": item_type, **header}
    if length:
        head["length"] = len(data)
    return orjson.dumps(head) + b"\n" + data


def envelope(*items: bytes, header: dict | None = None, trailing_newline: bool = True) -> bytes:
    head = {"sent_at": dt.datetime.now(dt.timezone.utc).isoformat()} if header is None else header
    body = orjson.dumps(head) + b"\n" + b"\n".join(items)
    return body + b"\n" if trailing_newline else body


def sentry_event(marker: str | None = None, *, event_id: str | None = None, user_id: str | None = None, **overrides) -> dict:
    """A small valid Sentry error event whose exception type carries ``marker``."""
    marker = marker or digits()
    event = {
        "event_id": event_id or fresh_hex(),
        "timestamp": time.time(),
        "platform": "python",
        "level": "error",
        "release": "omnix-pos@4.2.10",
        "environment": "production",
        "exception": {
            "values": [
                {
                    "type": f"Marker{marker}Error",
                    "value": "the till lost its connection",
                    "stacktrace": {
                        "frames": [
                            {"function": "checkout", "module": "pos.sales", "filename": "pos/sales.py", "lineno": 42, "in_app": True}
                        ]
                    },
                }
            ]
        },
        "sdk": {"name": "sentry.python", "version": "2.75.0"},
    }
    if user_id is not None:
        event["user"] = {"id": user_id}
    event.update(overrides)
    return event


def event_envelope(event: dict, **kw) -> bytes:
    return envelope(item("event", event), header={"event_id": event["event_id"]}, **kw)


# ---- talking to the collector ------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return orjson.loads(self.body)


async def send(
    collector,
    body: bytes,
    *,
    project: str = ACME_PROJECT,
    key: str = ACME_INGEST,
    auth: str = "x-sentry-auth",
    content_type: str | None = ENVELOPE_CT,
    encoding: str | None = None,
    endpoint: str = "envelope",
    headers: dict | None = None,
) -> Reply:
    url = f"{collector.url}/api/{project}/{endpoint}/"
    sent = dict(headers or {})
    if auth == "x-sentry-auth":
        sent["X-Sentry-Auth"] = f"Sentry sentry_key={key}, sentry_version=7, sentry_client=handmade/1.0"
    elif auth == "query":
        url += f"?sentry_key={key}&sentry_version=7"
    elif auth == "bearer":
        sent["Authorization"] = f"Bearer {key}"
    skip = []
    if content_type is None:
        skip.append("Content-Type")
    else:
        sent["Content-Type"] = content_type
    if encoding:
        sent["Content-Encoding"] = encoding
    async with collector.session.post(url, data=body, headers=sent, skip_auto_headers=skip) as response:
        return Reply(response.status, dict(response.headers), await response.read())


def _uuid_sql(event_id: str) -> str:
    return str(uuid.UUID(event_id))


async def rows_of(collector, event_id: str) -> list[dict]:
    """Whole stored rows (every column) of one event id."""
    rows = await collector.rows(
        f"SELECT formatRow('JSONEachRow', *) FROM telemetry.events WHERE event_id = '{_uuid_sql(event_id)}'"
    )
    return [orjson.loads(r[0]) for r in rows]


async def wait_stored(collector, event_id: str, expected: int = 1) -> list[dict]:
    count = await collector.wait_for_rows(
        f"SELECT count() FROM telemetry.events WHERE event_id = '{_uuid_sql(event_id)}'", expected
    )
    assert count == expected, f"expected {expected} stored rows, found {count}"
    return await rows_of(collector, event_id)


async def settle(collector) -> None:
    """Send a fresh valid event and wait until it is stored: whatever was spooled before it has landed."""
    event = sentry_event()
    reply = await send(collector, event_envelope(event))
    assert reply.status == 200, reply
    await wait_stored(collector, event["event_id"])


async def assert_nothing_stored(collector, *needles: str) -> None:
    """After ``settle``, no row of ``telemetry.events`` anywhere holds any of ``needles``."""
    await settle(collector)
    for needle in needles:
        count = (
            await collector.rows(
                f"SELECT count() FROM telemetry.events WHERE position(formatRow('JSONEachRow', *), '{needle}') > 0"
            )
        )[0][0]
        assert count == 0, f"{needle!r} was stored"


async def ignored_counts(collector, tenant: str = "acme") -> dict[str, float]:
    async with collector.session.get(f"{collector.url}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    counts: dict[str, float] = {}
    for match in re.finditer(r"^telemetry_items_ignored_total\{([^}]*)\} (\S+)$", text, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if labels.get("tenant") == tenant and labels.get("source") == "sentry":
            counts[labels["type"]] = float(match.group(2))
    return counts


def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after) if after.get(k, 0) != before.get(k, 0)}


async def health(collector, release: str, tenant: str = "acme") -> dict[str, int]:
    rows = await collector.rows(
        f"SELECT status, sum(sessions) FROM telemetry.release_health "
        f"WHERE tenant = '{tenant}' AND release = '{release}' GROUP BY status"
    )
    return {status: int(n) for status, n in rows}


async def wait_health(collector, release: str, expected: dict[str, int], timeout_s: float = 15) -> dict[str, int]:
    deadline = time.monotonic() + timeout_s
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:
        seen = await health(collector, release)
        if seen == expected:
            return seen
        await asyncio.sleep(0.1)
    return seen


def session_update(release: str, *, init: bool, status: str, errors: int = 0, environment: str = "production", **extra) -> dict:
    return {
        "sid": str(uuid.uuid4()),
        "did": str(uuid.uuid4()),
        "init": init,
        "started": dt.datetime.now(dt.timezone.utc).isoformat(),
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(),
        "status": status,
        "errors": errors,
        "duration": 12.5,
        "attrs": {"release": f"omnix-pos@{release}", "environment": environment},
        **extra,
    }


# ---- keys, projects, content types, encodings ---------------------------------------------------


@pytest.mark.parametrize("auth", ["x-sentry-auth", "query", "bearer"])
async def test_each_auth_form_is_accepted_and_stores_the_event(collector, auth):
    event = sentry_event()
    reply = await send(collector, event_envelope(event), auth=auth)
    assert reply.status == 200, reply
    assert reply.json() == {"id": event["event_id"]}
    (row,) = await wait_stored(collector, event["event_id"])
    assert row["tenant"] == "acme" and row["source"] == "sentry" and row["type"] == "error"
    assert row["app_name"] == "omnix-pos"


async def test_x_sentry_auth_without_the_sentry_prefix_and_with_extra_parameters(collector):
    event = sentry_event()
    headers = {"X-Sentry-Auth": f"sentry_version=7,sentry_client=raw/0.1,sentry_key={ACME_INGEST},sentry_secret=unused"}
    reply = await send(collector, event_envelope(event), auth="none", headers=headers)
    assert reply.status == 200, reply
    await wait_stored(collector, event["event_id"])


async def test_refused_keys_and_projects_store_nothing(collector):
    marker = digits()
    cases = [
        ({"auth": "x-sentry-auth", "key": "ik_acme_wrong_0000000000000000"}, 401),
        ({"auth": "query", "key": "ik_acme_wrong_0000000000000000"}, 401),
        ({"auth": "bearer", "key": "ik_acme_wrong_0000000000000000"}, 401),
        ({"auth": "none"}, 401),
        ({"key": ACME_ADMIN}, 401),  # an admin key is not an ingest key
        ({"project": GLOBEX_PROJECT}, 403),  # acme's key, globex's project
        ({"project": "999"}, 403),
        ({"project": ACME_PROJECT, "key": GLOBEX_INGEST}, 403),  # globex's key, acme's project
    ]
    ids = []
    for kwargs, status in cases:
        event = sentry_event(marker)
        ids.append(event["event_id"])
        reply = await send(collector, event_envelope(event), **kwargs)
        assert reply.status == status, (kwargs, reply)
        assert marker.encode() not in reply.body
    await assert_nothing_stored(collector, f"Marker{marker}Error")
    for event_id in ids:
        assert await rows_of(collector, event_id) == []


@pytest.mark.parametrize(
    "content_type",
    [ENVELOPE_CT, "application/json", "text/plain", "text/plain;charset=UTF-8", "text/plain; charset=utf-8", "application/octet-stream", None],
)
async def test_accepted_content_types(collector, content_type):
    event = sentry_event()
    reply = await send(collector, event_envelope(event), content_type=content_type)
    assert reply.status == 200, reply
    await wait_stored(collector, event["event_id"])


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x", "text/html", "application/x-www-form-urlencoded"])
async def test_other_content_types_are_415_and_store_nothing(collector, content_type):
    marker = digits()
    event = sentry_event(marker)
    reply = await send(collector, event_envelope(event), content_type=content_type)
    assert reply.status == 415, reply
    await assert_nothing_stored(collector, f"Marker{marker}Error")


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    "encoding, compress",
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("br", brotli.compress),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "x-gzip", "GZIP", "deflate-zlib", "deflate-raw", "br", "identity"],
)
async def test_content_encodings(collector, encoding, compress):
    event = sentry_event()
    reply = await send(collector, compress(event_envelope(event)), encoding=encoding)
    assert reply.status == 200, reply
    await wait_stored(collector, event["event_id"])


async def test_unknown_or_corrupt_encodings_are_refused(collector):
    marker = digits()
    body = event_envelope(sentry_event(marker))
    assert (await send(collector, body, encoding="zstd")).status == 415
    assert (await send(collector, body, encoding="gzip")).status == 400  # not gzip at all
    assert (await send(collector, gzip.compress(body)[:-12], encoding="gzip")).status == 400  # truncated
    assert (await send(collector, brotli.compress(body)[:-3], encoding="br")).status == 400
    await assert_nothing_stored(collector, f"Marker{marker}Error")


# ---- envelope framing --------------------------------------------------------------------------


@pytest.mark.parametrize("with_length", [True, False], ids=["length", "no-length"])
@pytest.mark.parametrize("trailing_newline", [True, False], ids=["newline", "no-newline"])
async def test_framing_with_and_without_length_and_trailing_newline(collector, with_length, trailing_newline):
    event = sentry_event()
    body = envelope(
        item("attachment", b"plain text\x00 with a nul, no newline", length=True, filename="a.txt"),
        item("event", event, length=with_length),
        header={"event_id": event["event_id"]},
        trailing_newline=trailing_newline,
    )
    reply = await send(collector, body)
    assert reply.status == 200, reply
    assert reply.json() == {"id": event["event_id"]}
    await wait_stored(collector, event["event_id"])


async def test_blank_lines_between_items_and_an_event_id_only_in_the_envelope_header(collector):
    event = sentry_event()
    event_id = event.pop("event_id")
    body = orjson.dumps({"event_id": event_id}) + b"\n\n" + item("client_report", {"discarded_events": []}) + b"\n\n\n" + item("event", event, length=False) + b"\n"
    reply = await send(collector, body)
    assert reply.status == 200, reply
    assert reply.json() == {"id": event_id}
    await wait_stored(collector, event_id)


async def test_an_envelope_of_many_item_types(collector):
    release = unique_release()
    marker = word()
    event = sentry_event()
    before = await ignored_counts(collector)
    body = envelope(
        item("event", event),
        item("session", session_update(release, init=True, status="ok")),
        item("attachment", f"log line with {marker}".encode(), filename="app.log", attachment_type="event.attachment"),
        item("transaction", {"event_id": fresh_hex(), "type": "transaction", "transaction": f"/customers/{marker}", "spans": []}),
        item("client_report", {"timestamp": time.time(), "discarded_events": [{"reason": "queue_overflow", "category": "error", "quantity": 1}]}),
        item(f"brand_new_{marker}", {"what": marker}),
        item("replay_recording", b"\x00\x01binary" + marker.encode(), length=True),
        header={"event_id": event["event_id"], "sdk": {"name": "sentry.python", "version": "2.75.0"}},
    )
    reply = await send(collector, body)
    assert reply.status == 200, reply
    assert reply.json() == {"id": event["event_id"]}
    await wait_stored(collector, event["event_id"])
    assert await wait_health(collector, release, {"started": 1}) == {"started": 1}
    assert delta(before, await ignored_counts(collector)) == {
        "attachment": 1,
        "transaction": 1,
        "client_report": 1,
        "other": 1,  # the unknown type is a payload value: never a label
        "replay_recording": 1,
    }
    await assert_nothing_stored(collector, marker)
    async with collector.session.get(f"{collector.url}/metrics") as response:
        assert marker not in await response.text()


@pytest.mark.parametrize(
    "item_type",
    ["transaction", "span", "profile", "replay_event", "replay_recording", "attachment", "check_in",
     "feedback", "user_report", "statsd", "log", "client_report"],
)  # fmt: skip
async def test_each_ignored_item_type_is_acknowledged_and_counted(collector, item_type):
    marker = word()
    before = await ignored_counts(collector)
    payload = {"event_id": fresh_hex(), "message": marker, "name": marker, "email": f"{marker}@example.com"}
    reply = await send(collector, envelope(item(item_type, payload), item(item_type, payload, length=False)))
    assert reply.status == 200, reply
    assert reply.json() == {}
    assert delta(before, await ignored_counts(collector)) == {item_type: 2}
    await assert_nothing_stored(collector, marker)


async def test_an_item_type_that_is_not_a_string_is_an_unknown_type_not_a_server_error(collector):
    before = await ignored_counts(collector)
    body = envelope(item(["event"], {"x": 1}), item({"nested": "event"}, {"x": 1}), item(7, {"x": 1}), item(None, b""))
    reply = await send(collector, body)
    assert reply.status == 200, reply
    assert delta(before, await ignored_counts(collector)) == {"other": 4}


async def test_exactly_100_items_are_accepted_and_101_are_413(collector):
    before = await ignored_counts(collector)
    hundred = envelope(*[item("client_report", {"discarded_events": []}) for _ in range(100)])
    reply = await send(collector, hundred)
    assert reply.status == 200, reply
    assert delta(before, await ignored_counts(collector)) == {"client_report": 100}

    marker = digits()
    event = sentry_event(marker)
    too_many = envelope(item("event", event), *[item("client_report", {"discarded_events": []}) for _ in range(100)])
    reply = await send(collector, too_many)
    assert reply.status == 413, reply
    await assert_nothing_stored(collector, f"Marker{marker}Error")


@pytest.mark.parametrize(
    "name, length",
    [("longer", 10_000), ("huge", 10**18), ("over-int64", 2**64 + 1), ("negative", -1), ("string", "12"),
     ("float", 12.0), ("bool", True), ("list", [1]), ("null-is-no-length", None)],
)  # fmt: skip
async def test_bad_length_fields_are_400_and_store_nothing(collector, name, length):
    marker = digits()
    event = sentry_event(marker)
    payload = orjson.dumps(event)
    if name == "null-is-no-length":  # a null length is no length: the payload runs to the newline
        body = orjson.dumps({}) + b"\n" + orjson.dumps({"type": "event", "length": None}) + b"\n" + payload + b"\n"
        reply = await send(collector, body)
        assert reply.status == 200, reply
        await wait_stored(collector, event["event_id"])
        return
    raw_length = str(length).encode() if isinstance(length, int) and not isinstance(length, bool) else orjson.dumps(length)
    body = b'{}\n{"type":"event","length":' + raw_length + b"}\n" + payload + b"\n"
    reply = await send(collector, body)
    assert reply.status == 400, reply
    assert marker.encode() not in reply.body
    await assert_nothing_stored(collector, f"Marker{marker}Error")


async def test_a_length_shorter_than_the_payload_is_400(collector):
    marker = digits()
    payload = orjson.dumps(sentry_event(marker))
    body = orjson.dumps({}) + b"\n" + orjson.dumps({"type": "event", "length": 20}) + b"\n" + payload + b"\n"
    reply = await send(collector, body)
    assert reply.status == 400, reply
    assert marker.encode() not in reply.body
    await assert_nothing_stored(collector, f"Marker{marker}Error")


@pytest.mark.parametrize(
    "body",
    [
        b"not json\n" + item("event", {"event_id": "0" * 32}),
        b'["a list"]\n',
        b"",
        b"\n",
        b"{}\n" + b"{not an item header\n{}\n",
        b"{}\n" + b'"a string header"\n{}\n',
        b"{}\n" + item("event", b"{malformed json"),
        b"{}\n" + item("event", b"[1, 2, 3]"),
        b"{}\n" + item("session", b"{malformed"),
        b"{}\n" + item("sessions", b'"not an object"'),
        b"{}\n" + item("event", b"[" * 100_000 + b"]" * 100_000),
    ],
    ids=["header-not-json", "header-a-list", "empty", "only-newline", "item-header-not-json", "item-header-a-string",
         "event-malformed", "event-a-list", "session-malformed", "sessions-a-string", "deeply-nested"],
)  # fmt: skip
async def test_malformed_envelopes_are_400(collector, body):
    reply = await send(collector, body)
    assert reply.status == 400, reply
    assert "error" in reply.json()


@pytest.mark.parametrize(
    "where",
    ["event-value", "event-key", "envelope-header", "item-header", "session", "store"],
)
async def test_invalid_utf8_inside_a_json_string_is_400_not_a_server_error(collector, where):
    marker = digits()
    event = sentry_event(marker)
    bad = b"\xff\xfe"
    payload = orjson.dumps(event)
    if where == "event-value":
        payload = payload.replace(b"the till lost", b"the till " + bad + b" lost")
    elif where == "event-key":
        payload = payload.replace(b'"platform"', b'"plat' + bad + b'form"')
    endpoint, content_type = "envelope", ENVELOPE_CT
    if where == "store":
        body, endpoint, content_type = payload.replace(b"the till lost", b"the till \xc3 lost"), "store", "application/json"
    elif where == "envelope-header":
        body = b'{"event_id":"' + event["event_id"].encode() + b'","dsn":"' + bad + b'"}\n' + item("event", payload)
    elif where == "item-header":
        body = b'{}\n{"type":"event","filename":"' + bad + b'","length":' + str(len(payload)).encode() + b"}\n" + payload
    elif where == "session":
        body = envelope(item("event", payload), item("session", b'{"init":true,"status":"ok","attrs":{"release":"\xe2\x82"}}'))
    else:
        body = envelope(item("event", payload))
    reply = await send(collector, body, endpoint=endpoint, content_type=content_type)
    assert reply.status == 400, reply
    await assert_nothing_stored(collector, f"Marker{marker}Error")


async def test_body_over_1_mib_is_413(collector):
    marker = digits()
    event = sentry_event(marker)
    attachment = item("attachment", b"x" * (MIB + 1))
    body = envelope(item("event", event), attachment)
    assert (await send(collector, body)).status == 413
    # The same, gzip-compressed to a few kilobytes: the limit is after decompression.
    assert len(gzip.compress(body)) < 64 * 1024
    assert (await send(collector, gzip.compress(body), encoding="gzip")).status == 413
    # Exactly at the limit after decompression is fine.
    small = envelope(item("event", event))
    filler = item("attachment", b"y" * (MIB - len(small) - 40))
    exact = small + filler
    exact = exact + b"\n" * (MIB - len(exact))
    assert len(exact) == MIB
    reply = await send(collector, gzip.compress(exact), encoding="gzip")
    assert reply.status == 200, reply
    await wait_stored(collector, event["event_id"])


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_decompression_bombs_are_413(collector, encoding):
    marker = digits()
    head = envelope(item("event", sentry_event(marker)))
    bomb = head + orjson.dumps({"type": "attachment", "length": 200 * MIB}) + b"\n" + b"\0" * (200 * MIB)
    compressed = {"gzip": gzip.compress, "deflate": zlib.compress, "br": lambda d: brotli.compress(d, quality=1)}[encoding](bomb)
    assert len(compressed) < MIB
    started = time.monotonic()
    reply = await send(collector, compressed, encoding=encoding)
    assert reply.status == 413, reply
    assert time.monotonic() - started < 10
    await assert_nothing_stored(collector, f"Marker{marker}Error")


# ---- the store endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "text/plain;charset=UTF-8"])
async def test_store_endpoint_takes_a_bare_event(collector, content_type):
    marker = digits()
    event = sentry_event(marker, tags={"branch": "store-17"})
    reply = await send(collector, orjson.dumps(event), endpoint="store", content_type=content_type)
    assert reply.status == 200, reply
    assert reply.json() == {"id": event["event_id"]}
    (row,) = await wait_stored(collector, event["event_id"])
    assert row["source"] == "sentry" and row["error_type"] == f"Marker{marker}Error"
    assert row["attributes"] == {"branch": "store-17"}


async def test_store_endpoint_refuses_an_envelope_and_a_non_object(collector):
    event = sentry_event()
    assert (await send(collector, event_envelope(event), endpoint="store")).status == 400
    assert (await send(collector, b"[1]", endpoint="store", content_type="application/json")).status == 400
    assert (await send(collector, b"", endpoint="store", content_type="application/json")).status == 400
    # The store route is under the same key and project checks.
    assert (await send(collector, orjson.dumps(event), endpoint="store", project=GLOBEX_PROJECT)).status == 403


# ---- what is stored, and what never is ---------------------------------------------------------


async def test_allowed_fields_are_stored_and_forbidden_fields_never_are(collector):
    m = {name: word() for name in (
        "user_email", "user_name", "user_username", "user_ip", "user_geo", "user_data", "user_id",
        "req_url", "req_header", "req_cookie", "req_data", "req_query", "req_env", "req_method",
        "server_name", "frame_var", "frame_var_key", "context_line", "pre_context", "post_context", "abs_path",
        "crumb_message", "crumb_data", "crumb_category", "extra", "extra_key", "module_name", "module_version",
        "ctx_app", "ctx_custom", "ctx_culture", "device_name", "os_hostname", "tag_secret", "tag_key",
        "transaction", "culprit", "fingerprint", "dist", "thread_name", "logentry_param", "logentry_formatted",
    )}  # fmt: skip
    kept = word()  # the same form as every marker above, in a field that is kept: markers survive scrubbing
    marker = digits()
    event = {
        "event_id": fresh_hex(),
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(),
        "platform": "python",
        "level": "warning",
        "logger": "pos.sales",
        "release": "omnix-pos@4.2.10+512",
        "dist": m["dist"],
        "environment": "staging",
        "server_name": m["server_name"],
        "transaction": m["transaction"],
        "culprit": m["culprit"],
        "fingerprint": [m["fingerprint"]],
        "user": {
            "id": m["user_id"],  # not a UUID: not even its hash is kept
            "email": f"{m['user_email']}@example.com",
            "name": m["user_name"],
            "username": m["user_username"],
            "ip_address": "203.0.113.77",
            "geo": {"city": m["user_geo"], "country_code": "KE"},
            "data": {"note": m["user_data"]},
        },
        "request": {
            "url": f"https://shop.example/{m['req_url']}?q=1",
            "method": m["req_method"],
            "headers": {"X-Custom": m["req_header"], "User-Agent": "Mozilla/5.0"},
            "cookies": f"session={m['req_cookie']}",
            "data": {"field": m["req_data"]},
            "query_string": f"token={m['req_query']}",
            "env": {"REMOTE_ADDR": "203.0.113.78", "HOME": m["req_env"]},
        },
        "exception": {
            "values": [
                {
                    "type": "ConnectionError",
                    "value": "socket closed",
                    "stacktrace": {"frames": [{"function": "connect", "module": "pos.net", "filename": "pos/net.py", "lineno": 7}]},
                },
                {
                    "type": f"Marker{marker}Error",
                    "value": f"checkout failed {kept}",
                    "module": "pos.sales",
                    "mechanism": {"type": "generic", "handled": False, "data": {"x": m["extra"] + "mech"}},
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "checkout",
                                "module": "pos.sales",
                                "filename": "pos/sales.py",
                                "abs_path": f"/home/{m['abs_path']}/pos/sales.py",
                                "lineno": 42,
                                "colno": 7,
                                "in_app": True,
                                "context_line": f"    charge({m['context_line']})",
                                "pre_context": [f"# {m['pre_context']}"],
                                "post_context": [f"# {m['post_context']}"],
                                "vars": {"customer": m["frame_var"], m["frame_var_key"]: 1},
                            }
                        ]
                    },
                },
            ]
        },
        "threads": {"values": [{"id": 1, "name": m["thread_name"], "crashed": True}]},
        "logentry": {"message": "Checkout %s", "params": [m["logentry_param"]], "formatted": m["logentry_formatted"]},
        "breadcrumbs": {"values": [{"category": m["crumb_category"], "message": m["crumb_message"], "data": {"d": m["crumb_data"]}}]},
        "extra": {m["extra_key"]: m["extra"]},
        "modules": {m["module_name"]: m["module_version"]},
        "tags": {"branch": "store-17", "module": "sales", "feature.flag": "new-checkout", "secret": m["tag_secret"], m["tag_key"]: "v1"},
        "contexts": {
            "os": {"name": "Windows", "version": "10.0.19045", "kernel_version": m["os_hostname"]},
            "device": {"family": "Desktop", "model": "SM-A515F", "name": m["device_name"], "arch": "x86_64"},
            "runtime": {"name": "CPython", "version": "3.11.7"},
            "browser": {"name": "Chrome", "version": "120.0.6099"},
            "app": {"app_name": m["ctx_app"], "device_app_hash": m["ctx_app"]},
            "culture": {"locale": "en-KE", "timezone": m["ctx_culture"]},
            "custom": {"anything": m["ctx_custom"]},
        },
        "sdk": {"name": "sentry.python", "version": "2.75.0", "integrations": ["aiohttp"]},
    }
    reply = await send(collector, event_envelope(event))
    assert reply.status == 200, reply
    (row,) = await wait_stored(collector, event["event_id"])

    assert row["source"] == "sentry" and row["type"] == "error"
    assert row["error_type"] == f"Marker{marker}Error"
    assert kept in row["error_message"] and row["error_message"].startswith("checkout failed")
    assert "ConnectionError: socket closed" in row["error_stack"]
    assert "pos.net.connect (pos/net.py:7)" in row["error_stack"]
    assert "pos.sales.checkout (pos/sales.py:42:7) [app]" in row["error_stack"]
    assert row["error_stack"].index("ConnectionError") < row["error_stack"].index(f"Marker{marker}Error")
    assert row["error_level"] == "warning"
    assert row["environment"] == "staging"
    assert (row["sdk_name"], row["sdk_version"]) == ("sentry.python", "2.75.0")
    assert (row["device_family"], row["device_model"]) == ("Desktop", "SM-A515F")
    assert (row["runtime_name"], row["runtime_version"]) == ("CPython", "3.11.7")
    assert (row["browser_name"], row["browser_version"]) == ("Chrome", "120.0.6099")
    assert (row["app_name"], row["app_version"], row["app_platform"]) == ("omnix-pos", "4.2.10+512", "windows")
    assert (row["os_name"], row["os_version"]) == ("Windows", "10.0.19045")
    assert row["module"] == "sales"
    assert row["attributes"] == {"branch": "store-17", "module": "sales", "feature.flag": "new-checkout"}
    assert row["install_hash"] == row["session_hash"] == ""  # a user.id that is not a UUID links nothing
    stored_ts = dt.datetime.fromisoformat(row["ts"]).replace(tzinfo=dt.timezone.utc)
    assert abs(stored_ts - dt.datetime.fromisoformat(event["timestamp"])) < dt.timedelta(seconds=1)

    whole = orjson.dumps(row).decode()
    leaked = [name for name, value in m.items() if value in whole]
    assert leaked == [], f"forbidden fields stored: {leaked}"
    for needle in ("203.0.113.77", "203.0.113.78", "example.com", "Mozilla", "x86_64", "en-KE"):
        assert needle not in whole, needle
    # The forbidden markers are nowhere else in the events table either.
    await assert_nothing_stored(collector, *m.values())


@pytest.mark.parametrize(
    "level, release, stored_level, stored_version",
    [
        ("fatal", "omnix-pos@5.0.1", "fatal", "5.0.1"),
        ("critical", "5.0.2-rc1", "fatal", "5.0.2-rc1"),
        ("warn", "omnix-pos@abcdef1234", "warning", "unknown"),  # a commit hash is not a version
        ("log", "jane.doe@example.com", "info", "unknown"),  # nor is an address
        ("nonsense", None, "", "unknown"),
    ],
)
async def test_levels_and_releases_are_mapped(collector, level, release, stored_level, stored_version):
    event = sentry_event(level=level, release=release)
    assert (await send(collector, event_envelope(event))).status == 200
    (row,) = await wait_stored(collector, event["event_id"])
    assert (row["error_level"], row["app_version"]) == (stored_level, stored_version)
    assert "jane.doe" not in orjson.dumps(row).decode()


async def test_long_exception_chains_and_stacks_keep_their_newest_end(collector):
    marker = digits()
    frames = [{"function": f"f{i}", "filename": "a.py", "lineno": i} for i in range(100)]  # short: under the stack cap
    chain = [{"type": f"Chain{i}Marker{marker}Error", "value": "failed", "stacktrace": {"frames": frames}} for i in range(10)]
    event = sentry_event(exception={"values": chain})
    assert (await send(collector, event_envelope(event))).status == 200
    (row,) = await wait_stored(collector, event["event_id"])
    stack = row["error_stack"]
    assert row["error_type"] == f"Chain9Marker{marker}Error"  # the last value is the exception raised
    assert f"Chain0Marker{marker}Error" not in stack and f"Chain1Marker{marker}Error" not in stack  # at most 8
    assert f"Chain2Marker{marker}Error" in stack and f"Chain9Marker{marker}Error" in stack
    assert "  at f99 (a.py:99)" in stack and "  at f36 (a.py:36)" in stack and "  at f35 (" not in stack  # 64 frames each
    assert len(stack) <= 16384


async def test_tags_are_kept_only_when_the_tenant_lists_their_key(collector):
    secret = word()
    event = sentry_event(
        tags=[["branch", "store-9"], ["feature.flag", 7], ["color", secret], ["module", "pharmacy"], ["Branch", secret], ["bad", None]]
    )
    reply = await send(collector, event_envelope(event))
    assert reply.status == 200, reply
    (row,) = await wait_stored(collector, event["event_id"])
    assert row["attributes"] == {"branch": "store-9", "feature.flag": "7", "module": "pharmacy"}
    assert row["module"] == "pharmacy"
    assert secret not in orjson.dumps(row).decode()

    unlisted_module = sentry_event(tags={"module": "casino"})
    assert (await send(collector, event_envelope(unlisted_module))).status == 200
    (row,) = await wait_stored(collector, unlisted_module["event_id"])
    assert row["module"] == "other"  # a module the tenant does not list


async def test_tag_values_are_scrubbed(collector):
    event = sentry_event(tags={"branch": "call jane.doe@example.com or +254 712 345 678"})
    assert (await send(collector, event_envelope(event))).status == 200
    (row,) = await wait_stored(collector, event["event_id"])
    value = row["attributes"]["branch"]
    assert "jane.doe" not in value and "712 345 678" not in value and "example.com" not in value


async def test_exception_values_and_stacks_are_scrubbed(collector):
    marker = digits()
    event = sentry_event(marker)
    event["exception"]["values"][0]["value"] = "Refund failed for jane.doe@example.com, phone +254 712 345 678"
    event["exception"]["values"][0]["stacktrace"]["frames"][0]["filename"] = "https://shop.example/static/app.js?user=jane.doe@example.com"
    assert (await send(collector, event_envelope(event))).status == 200
    (row,) = await wait_stored(collector, event["event_id"])
    whole = orjson.dumps(row).decode()
    assert "Refund failed for" in row["error_message"]
    assert "jane.doe" not in whole and "712 345 678" not in whole and "shop.example" not in whole
    assert "/static/app.js" in row["error_stack"]


async def test_a_message_event_keeps_its_template_never_its_params(collector):
    param, formatted = word(), word()
    event = sentry_event()
    del event["exception"]
    event["level"] = "info"
    event["logentry"] = {"message": "Till %s closed with %d sales", "params": [param, 12], "formatted": f"Till {param} closed {formatted}"}
    reply = await send(collector, event_envelope(event))
    assert reply.status == 200, reply
    (row,) = await wait_stored(collector, event["event_id"])
    assert row["error_type"] == "Message"
    assert row["error_message"] == "Till %s closed with %d sales"
    assert row["error_level"] == "info"
    whole = orjson.dumps(row).decode()
    assert param not in whole and formatted not in whole

    # The older form: a top-level ``message`` string.
    old = sentry_event()
    del old["exception"]
    old["message"] = "Till closed early"
    assert (await send(collector, event_envelope(old))).status == 200
    (row,) = await wait_stored(collector, old["event_id"])
    assert (row["error_type"], row["error_message"]) == ("Message", "Till closed early")


async def test_a_uuid_user_id_is_stored_only_as_its_keyed_hash(collector):
    install = uuid.uuid4()
    event = sentry_event(user_id=str(install))
    assert (await send(collector, event_envelope(event))).status == 200
    (row,) = await wait_stored(collector, event["event_id"])
    assert row["install_hash"] and row["install_hash"] not in (str(install), install.hex)
    whole = orjson.dumps(row).decode().lower()
    assert str(install) not in whole and install.hex not in whole
    # Same install, second event: the same hash links them.
    second = sentry_event(user_id=install.hex)
    assert (await send(collector, event_envelope(second))).status == 200
    (row2,) = await wait_stored(collector, second["event_id"])
    assert row2["install_hash"] == row["install_hash"]


# ---- idempotency -------------------------------------------------------------------------------


async def test_the_same_envelope_twice_is_stored_once(collector):
    event = sentry_event()
    body = event_envelope(event)
    first = await send(collector, body)
    second = await send(collector, gzip.compress(body), encoding="gzip")
    assert first.status == second.status == 200
    assert first.json() == second.json() == {"id": event["event_id"]}
    await wait_stored(collector, event["event_id"])
    # By the store endpoint too, and with the id's dashed form: the event id is the key.
    dashed = dict(event, event_id=str(uuid.UUID(event["event_id"])))
    third = await send(collector, orjson.dumps(dashed), endpoint="store", content_type="application/json")
    assert third.status == 200 and third.json() == {"id": event["event_id"]}
    await settle(collector)
    assert len(await rows_of(collector, event["event_id"])) == 1


async def test_two_items_with_the_same_event_id_in_one_envelope_are_stored_once(collector):
    event = sentry_event()
    reply = await send(collector, envelope(item("event", event), item("event", event, length=False)))
    assert reply.status == 200 and reply.json() == {"id": event["event_id"]}
    await wait_stored(collector, event["event_id"])
    await settle(collector)
    assert len(await rows_of(collector, event["event_id"])) == 1


# ---- sessions ----------------------------------------------------------------------------------


async def test_session_updates_count_started_and_outcomes(collector):
    release = unique_release()
    init = session_update(release, init=True, status="ok")
    ended = dict(init, init=False, status="exited", errors=2, duration=60.0)
    crashed_init = session_update(release, init=True, status="crashed")
    clean = session_update(release, init=True, status="exited")
    for body in (
        envelope(item("session", init)),
        envelope(item("session", ended, length=False)),
        envelope(item("session", crashed_init), item("session", clean)),
    ):
        reply = await send(collector, body)
        assert reply.status == 200, reply
        assert reply.json() == {}
    expected = {"started": 3, "errored": 1, "crashed": 1, "exited": 1}
    assert await wait_health(collector, release, expected) == expected
    (row,) = await collector.rows(
        f"SELECT app_name, environment FROM telemetry.release_health WHERE tenant = 'acme' AND release = '{release}' LIMIT 1"
    )
    assert row == ("omnix-pos", "production")


async def test_session_aggregates_count_each_outcome(collector):
    release = unique_release()
    started = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0).isoformat()
    aggregates = {
        "aggregates": [
            {"started": started, "did": str(uuid.uuid4()), "exited": 3, "errored": 1, "crashed": 2},
            {"started": started, "abnormal": 1, "exited": 0},
            {"started": started, "exited": -4, "errored": True},  # nonsense counts are not counts
        ],
        "attrs": {"release": f"omnix-pos@{release}", "environment": "production"},
    }
    reply = await send(collector, envelope(item("sessions", aggregates)))
    assert reply.status == 200, reply
    expected = {"started": 7, "exited": 3, "errored": 1, "crashed": 2, "abnormal": 1}
    assert await wait_health(collector, release, expected) == expected


async def test_the_same_session_envelope_twice_is_counted_once(collector):
    release = unique_release()
    body = envelope(item("session", session_update(release, init=True, status="exited", errors=1)))
    for _ in range(2):
        reply = await send(collector, body)
        assert reply.status == 200, reply
    expected = {"started": 1, "errored": 1}
    assert await wait_health(collector, release, expected) == expected
    await settle(collector)
    await asyncio.sleep(0.5)
    assert await health(collector, release) == expected


async def test_a_session_environment_that_is_not_an_environment_word_is_other(collector):
    release = unique_release()
    marker = word()
    body = envelope(item("session", session_update(release, init=True, status="ok", environment=f"{marker}-laptop", did=marker)))
    assert (await send(collector, body)).status == 200
    assert await wait_health(collector, release, {"started": 1}) == {"started": 1}
    rows = await collector.rows(f"SELECT formatRow('JSONEachRow', *) FROM telemetry.release_health WHERE release = '{release}'")
    assert rows and all(marker not in r[0] for r in rows)
    assert {orjson.loads(r[0])["environment"] for r in rows} == {"other"}


async def test_sessions_with_implausible_start_dates_stay_within_the_events_time_window(collector):
    """A session's ``started`` is the client's clock, like an event's timestamp: a till whose clock is wrong
    must not put sessions on days no event could be on (events: at most 180 days old, 24 hours ahead)."""
    release = unique_release()
    odd = [
        session_update(release, init=True, status="ok", started="0001-01-01T00:00:00+00:00"),
        session_update(release, init=True, status="ok", started="9999-12-31T23:59:59+00:00"),
        session_update(release, init=True, status="ok", started=10**10),  # the year 2286
        session_update(release, init=True, status="ok", started=-10**11),  # out of range for Python
    ]
    plain = session_update(release, init=True, status="crashed")
    reply = await send(collector, envelope(*[item("session", s) for s in odd], item("session", plain)))
    assert reply.status in (200, 400), reply
    await settle(collector)  # later events still reach storage
    if reply.status == 200:
        await wait_health(collector, release, {"started": 5, "crashed": 1}, timeout_s=3)
        today = dt.datetime.now(dt.timezone.utc).date()
        days = {
            day
            for (day,) in await collector.rows(
                f"SELECT DISTINCT day FROM telemetry.release_health WHERE tenant = 'acme' AND release = '{release}'"
            )
        }
        assert today in days
        assert all(today - dt.timedelta(days=180) <= day <= today + dt.timedelta(days=1) for day in days), sorted(days)


# ---- rate limits and validation ----------------------------------------------------------------


async def test_rate_limited_installs_get_429_with_sentry_rate_limit_headers(collector):
    install = str(uuid.uuid4())  # fresh: its own bucket of 5
    stored = []
    for _ in range(5):
        event = sentry_event(user_id=install)
        reply = await send(collector, event_envelope(event), project=LIMITED_PROJECT, key=LIMITED_INGEST)
        assert reply.status == 200, reply
        stored.append(event["event_id"])
    marker = digits()
    refused = sentry_event(marker, user_id=install)
    reply = await send(collector, event_envelope(refused), project=LIMITED_PROJECT, key=LIMITED_INGEST)
    assert reply.status == 429, reply
    retry_after = reply.headers["Retry-After"]
    assert retry_after.isdigit() and int(retry_after) >= 1
    limits = reply.headers["X-Sentry-Rate-Limits"]
    # Sentry's format: retry_after:categories:scope[:reason_code], several limits comma-separated.
    for limit in limits.split(","):
        match = re.fullmatch(r"(\d+):([a-z_;]*):(organization|project|key)(?::([a-z_]+))?", limit.strip())
        assert match, limits
        assert int(match.group(1)) >= 1
    assert limits.split(":", 1)[0] == retry_after
    for event_id in stored:
        await wait_stored(collector, event_id)
    await settle(collector)
    assert await rows_of(collector, refused["event_id"]) == []
    # Another install of the same tenant is not limited.
    other = sentry_event(user_id=str(uuid.uuid4()))
    assert (await send(collector, event_envelope(other), project=LIMITED_PROJECT, key=LIMITED_INGEST)).status == 200


async def test_an_envelope_whose_only_event_is_invalid_is_400_without_echoing(collector):
    marker = word()
    old = sentry_event(marker, timestamp=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)).isoformat())
    old["exception"]["values"][0]["value"] = f"failed {marker}"
    reply = await send(collector, event_envelope(old))
    assert reply.status == 400, reply
    assert "ts" in reply.json()["error"] and "180 days" in reply.json()["error"]
    assert marker.encode() not in reply.body and old["event_id"].encode() not in reply.body

    future = sentry_event(marker, timestamp=time.time() + 3 * 86400)
    reply = await send(collector, event_envelope(future))
    assert reply.status == 400 and marker.encode() not in reply.body

    no_id = sentry_event(marker)
    no_id["event_id"] = f"not-an-id-{marker}"
    reply = await send(collector, envelope(item("event", no_id)))
    assert reply.status == 400 and marker.encode() not in reply.body
    await assert_nothing_stored(collector, marker)
    assert await rows_of(collector, old["event_id"]) == [] and await rows_of(collector, future["event_id"]) == []


async def test_an_invalid_event_next_to_a_valid_one_keeps_the_valid_one(collector):
    marker = word()
    bad = sentry_event(marker, timestamp=time.time() - 200 * 86400)
    bad["exception"]["values"][0]["value"] = f"failed {marker}"
    good = sentry_event()
    reply = await send(collector, envelope(item("event", bad), item("event", good)))
    assert reply.status == 200, reply
    assert reply.json() == {"id": good["event_id"]}
    await wait_stored(collector, good["event_id"])
    await assert_nothing_stored(collector, marker)


# ---- browsers ----------------------------------------------------------------------------------


async def test_a_browser_origin_is_held_to_the_tenants_list(collector):
    event = sentry_event(platform="javascript")
    listed = await send(collector, event_envelope(event), auth="query", content_type="text/plain;charset=UTF-8", headers={"Origin": "https://shop.example"})
    assert listed.status == 200, listed
    assert listed.headers.get("Access-Control-Allow-Origin") == "https://shop.example"
    assert "X-Sentry-Rate-Limits" in listed.headers.get("Access-Control-Expose-Headers", "")
    await wait_stored(collector, event["event_id"])

    marker = digits()
    foreign = sentry_event(marker)
    refused = await send(collector, event_envelope(foreign), auth="query", content_type="text/plain", headers={"Origin": "https://evil.example"})
    assert refused.status == 403
    assert "Access-Control-Allow-Origin" not in refused.headers
    await assert_nothing_stored(collector, f"Marker{marker}Error")


# ---- rights ------------------------------------------------------------------------------------


async def test_purging_an_install_removes_its_sentry_rows(collector):
    install, other = str(uuid.uuid4()), str(uuid.uuid4())
    mine = [sentry_event(user_id=install) for _ in range(3)]
    theirs = sentry_event(user_id=other)
    reply = await send(collector, envelope(*[item("event", e) for e in mine]))
    assert reply.status == 200, reply
    assert (await send(collector, orjson.dumps(theirs), endpoint="store", content_type="application/json")).status == 200
    for event in [*mine, theirs]:
        await wait_stored(collector, event["event_id"])

    async with collector.session.delete(f"{collector.url}/v1/installs/{install}", headers={"Authorization": f"Bearer {ACME_ADMIN}"}) as response:
        assert response.status == 202
        receipt = await response.json()
    deadline = time.monotonic() + 30
    while True:
        async with collector.session.get(f"{collector.url}/v1/purges/{receipt['purge_id']}", headers={"Authorization": f"Bearer {ACME_ADMIN}"}) as response:
            state = await response.json()
        if state.get("state") == "completed":
            break
        assert time.monotonic() < deadline, state
        await asyncio.sleep(0.1)
    assert state["rows_deleted"] == 3
    for event in mine:
        assert await rows_of(collector, event["event_id"]) == []
    assert len(await rows_of(collector, theirs["event_id"])) == 1

    # A late event of the purged install is acknowledged and dropped.
    late = sentry_event(user_id=install)
    assert (await send(collector, event_envelope(late))).status == 200
    await settle(collector)
    assert await rows_of(collector, late["event_id"]) == []


# ---- fuzz --------------------------------------------------------------------------------------


def mutations(base: bytes, rng: random.Random, count: int):
    lengths = [m.span(1) for m in re.finditer(rb'"length":(\d+)', base)]
    newlines = [i for i, b in enumerate(base) if b == 0x0A]
    for n in range(count):
        kind = n % 8
        body = bytearray(base)
        if kind == 0:  # bit flips
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(body))
                body[i] ^= 1 << rng.randrange(8)
        elif kind == 1:  # truncation
            body = body[: rng.randrange(len(body))]
        elif kind == 2:  # duplicated newline
            i = rng.choice(newlines)
            body[i:i] = b"\n" * rng.randint(1, 3)
        elif kind == 3:  # removed newline
            i = rng.choice(newlines)
            del body[i]
        elif kind == 4:  # a length changed by a little
            start, end = rng.choice(lengths)
            value = int(base[start:end]) + rng.randint(-40, 40)
            body[start:end] = str(value).encode()
        elif kind == 5:  # a huge, negative or odd length
            start, end = rng.choice(lengths)
            value = rng.choice([b"99999999999999999999", b"9223372036854775807", b"18446744073709551616", b"-1", b"-99999",
                                b"1e3", b"0", b"1.5", b'"7"', b"null", b"true", b"[]", b"{}"])  # fmt: skip
            body[start:end] = value
        elif kind == 6:  # random bytes spliced in
            i = rng.randrange(len(body))
            body[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:  # a chunk duplicated or removed
            i, j = sorted(rng.randrange(len(body)) for _ in range(2))
            if rng.random() < 0.5:
                body[j:j] = body[i:j]
            else:
                del body[i:j]
        yield bytes(body)


def fuzz_base() -> bytes:
    """A valid envelope of two events, both session forms and a binary attachment; fixed but for the clock."""
    now = int(time.time())  # ten digits: the envelope's length, and so each mutation, does not vary by run
    started = dt.datetime.fromtimestamp(now - 60, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    release = "9.4321.4321"
    first = sentry_event("4321432143", event_id="4321" * 8, user_id="43214321-4321-4321-4321-432143214321", timestamp=now, tags={"branch": "fuzz"})
    first["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"] = {"k": "v"}
    second = sentry_event("4321432144", event_id="1234" * 8, timestamp=now)
    session = {"sid": "5" * 32, "did": "fuzz", "init": True, "started": started, "status": "exited", "errors": 1,
               "attrs": {"release": f"omnix-pos@{release}", "environment": "production"}}  # fmt: skip
    aggregates = {"aggregates": [{"started": started, "exited": 2, "crashed": 1}], "attrs": {"release": f"x@{release}"}}
    return envelope(
        item("event", first),
        item("session", session),
        item("attachment", b"binary\x00\xff\nwith newlines\n", filename="a.bin"),
        item("sessions", aggregates),
        item("event", second, length=False),
        header={"event_id": first["event_id"], "dsn": "https://key@host/17", "sent_at": started},
    )


async def test_seeded_mutation_fuzz_never_gets_a_server_error(collector):
    rng = random.Random(4321)
    base = fuzz_base()
    assert (await send(collector, base)).status == 200
    statuses: dict[int, int] = {}
    failures = []
    for n, body in enumerate(mutations(base, rng, 300)):
        encoding = None
        if n % 10 == 9:
            body, encoding = gzip.compress(body), "gzip"
        reply = await send(collector, body, encoding=encoding)
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        if reply.status >= 500:
            failures.append((n, reply.status, body[:200]))
    async with collector.session.get(f"{collector.url}/healthz") as response:
        assert response.status == 200
    assert failures == [], f"5xx replies for {len(failures)} mutations, first: {failures[:3]}"
    assert set(statuses) <= {200, 400, 413}, statuses
    assert statuses.get(200, 0) > 0 and statuses.get(400, 0) > 0
    await settle(collector)  # and the collector still stores
