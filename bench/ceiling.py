"""The ceilings for this stack: aiohttp + msgspec that only decode a batch and answer 202.

Two routes take the same native batches:

- ``POST /v1/events/plain``, the plain-decoding ceiling, the limit the targets
  are measured against: the whole body decoded in one call into simple structs
  of the same shape (strings, integers, a tagged union on ``type``), with no
  pattern, bound or clock check;
- ``POST /v1/events``, the validating ceiling: the collector's own decoder for
  the route (``collector.sources.native.decode``: a valid batch at once, else
  event by event with ``schemas``), as its scrubbing workers run it.

Neither does anything else: no auth, scrubbing, spool or ClickHouse. The gap
between the two is the price of strict validation; whatever the collector does
beyond the second is the price of its other guarantees.

``POST /api/{project_id}/envelope/`` does the same for a Sentry envelope (header,
item headers, payloads decoded as plain JSON; ``200 {"id": ...}``): the plain-decoding
ceiling of the Sentry workload, which decodes the same envelopes the collector gets.
A Sentry SDK sends one event per request, so this is what that allows at best on
this stack; it also shows that the load generator can push past the collector.

Run: ``python -m bench.ceiling --port P``; prints ``ceiling listening`` when ready.
"""

from __future__ import annotations

import argparse
import datetime as dt

import msgspec
from aiohttp import web

from collector.sources import native
from collector.sources.base import BodyRejected, SourceOptions


class _Reply(msgspec.Struct):
    accepted: int
    rejected: list[int]


_encode = msgspec.json.Encoder().encode
_NO_OPTIONS = SourceOptions()


async def _post_events(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        decoded = native.decode(body, _NO_OPTIONS, dt.datetime.now(dt.timezone.utc))
    except BodyRejected:
        return web.Response(status=400)
    reply = _Reply(len(decoded.events), [index for index, _ in decoded.rejected])
    return web.Response(status=202, body=_encode(reply), content_type="application/json")


class _PlainApp(msgspec.Struct):
    name: str
    version: str
    platform: str


class _PlainOs(msgspec.Struct):
    name: str
    version: str


class _PlainError(msgspec.Struct):
    type: str
    message: str
    stack: str = ""


class _PlainBase(msgspec.Struct, tag_field="type"):
    event_id: str
    install_id: str
    session_id: str
    ts: str
    app: _PlainApp
    os: _PlainOs
    module: str
    locale: str | None = None


class _PlainAppStart(_PlainBase, tag="app_start"):
    pass


class _PlainModuleView(_PlainBase, tag="module_view", kw_only=True):
    duration_ms: int


class _PlainUsageCounts(_PlainBase, tag="usage_counts", kw_only=True):
    counts: dict[str, int]


class _PlainErrorEvent(_PlainBase, tag="error", kw_only=True):
    error: _PlainError


class _PlainBatch(msgspec.Struct):
    events: list[_PlainAppStart | _PlainModuleView | _PlainUsageCounts | _PlainErrorEvent]


_decode_plain = msgspec.json.Decoder(_PlainBatch).decode


async def _post_events_plain(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        batch = _decode_plain(body)
    except msgspec.DecodeError:
        return web.Response(status=400)
    return web.Response(status=202, body=_encode(_Reply(len(batch.events), [])), content_type="application/json")


_decode_json = msgspec.json.Decoder().decode


async def _post_envelope(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        lines = body.split(b"\n")
        header = _decode_json(lines[0])
        items = [_decode_json(line) for line in lines[1:] if line]  # item headers and payloads alike
    except (msgspec.DecodeError, IndexError):
        return web.Response(status=400)
    if not isinstance(header, dict) or not items:
        return web.Response(status=400)
    return web.Response(status=200, body=_encode({"id": header.get("event_id", "")}), content_type="application/json")


def create_app() -> web.Application:
    app = web.Application(client_max_size=1024 * 1024 + 1)
    app.router.add_post("/v1/events", _post_events)
    app.router.add_post("/v1/events/plain", _post_events_plain)
    app.router.add_post("/api/{project_id}/envelope/", _post_envelope)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(
        create_app(), host="127.0.0.1", port=args.port, access_log=None, print=lambda _: print("ceiling listening", flush=True)
    )


if __name__ == "__main__":
    main()
