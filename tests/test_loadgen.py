"""The open-loop load generator (``bench.loadgen``) against real aiohttp servers on free ports.

``make bench`` trusts it for every latency figure: it must hold its schedule,
count what the replies acknowledge, survive connections the server closes, and
charge queueing to the request that waited (latency from the scheduled send).
"""

from __future__ import annotations

import argparse
import asyncio
import socket

import pytest
from aiohttp import web

from bench import loadgen


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _serve(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/v1/events", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/v1/events"


def _args(url: str, *, rate: float, seconds: float, connections: int = 8) -> argparse.Namespace:
    return argparse.Namespace(url=url, key="k", auth="bearer", content_type="application/json", ack="accepted",
                              seconds=seconds, connections=connections, rate=rate, timeline=None)  # fmt: skip


async def test_open_loop_holds_its_rate_and_counts_what_replies_accept():
    seen: list[tuple[bytes, str]] = []

    async def accept(request: web.Request) -> web.Response:
        seen.append((await request.read(), request.headers["Authorization"]))
        return web.json_response({"accepted": 3}, status=202)

    runner, url = await _serve(accept)
    try:
        bodies = [b'{"n": %d}' % i for i in range(100)]
        result = await loadgen.run(_args(url, rate=200, seconds=0.5), bodies)
    finally:
        await runner.cleanup()
    assert result.statuses == {"202": 100}
    assert result.acked_events == 300
    assert sorted(body for body, _ in seen) == sorted(bodies)  # every body sent once, whole
    assert {auth for _, auth in seen} == {"Bearer k"}
    # Loose bounds, so a busy test machine does not fail it; a generator that did not pace would send 100 at once.
    assert result.sent_per_s == pytest.approx(200, rel=0.1)
    assert result.send_lag_p99_ms < 50
    assert result.elapsed_s >= 0.49


async def test_connections_the_server_closes_are_replaced_and_lost_replies_are_errors():
    calls = 0

    async def flaky(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        await request.read()
        if calls % 5 == 0:  # drop the connection without a reply
            request.transport.close()
            raise asyncio.CancelledError
        response = web.json_response({"accepted": 1}, status=202)
        if calls % 3 == 0:
            response.force_close()  # replies with Connection: close
        return response

    runner, url = await _serve(flaky)
    try:
        # Far more requests than connections: each reply's connection is taken at once by one that waited.
        result = await loadgen.run(_args(url, rate=5000, seconds=0.2, connections=2), [b"{}"] * 60)
    finally:
        await runner.cleanup()
    assert sum(result.statuses.values()) == 60
    assert result.statuses["error"] == 12
    assert result.acked_events == result.statuses["202"] == 48


async def test_latency_counts_from_the_schedule_so_queueing_is_not_hidden():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.json_response({"accepted": 1}, status=202)

    runner, url = await _serve(slow)
    try:
        # One connection, a request due every 10 ms, each answered in 50 ms: the queue grows all the way.
        result = await loadgen.run(_args(url, rate=100, seconds=0.2, connections=1), [b"{}"] * 20)
    finally:
        await runner.cleanup()
    assert result.statuses == {"202": 20}
    # The last request was due at 190 ms and answered at about 20 x 50 = 1000 ms.
    assert result.latency_ms["max"] > 700
    assert result.latency_ms["p50"] > 200
