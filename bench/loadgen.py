"""The load generator: its own process, request bodies built before the clock starts.

Two modes, both bounded by a body count and a duration:

- closed loop (default): ``--connections`` workers each send the next body as
  soon as their previous request is answered;
- open loop (``--rate R``): one request every ``1/R`` s on a fixed schedule,
  whatever the answers do. Latency is measured from the scheduled send time,
  so a stalled server cannot hide its queueing delay (no coordinated omission).

What a request looks like and what counts as acknowledged are options, so one
generator drives every source: ``--auth bearer`` (``Authorization: Bearer``) or
``--auth sentry`` (``X-Sentry-Auth: Sentry sentry_key=..., sentry_version=7,
sentry_client=bench/1.0``, as native Sentry SDKs send it), ``--content-type``,
and ``--ack accepted`` (the native route: sum of ``accepted`` over 202 replies)
or ``--ack one-per-200`` (Sentry: one event per envelope, acknowledged by
``200 {"id": ...}``). ``bench.workloads.PROTOCOLS`` holds each workload's choice.

The client is a bare HTTP/1.1 keep-alive pool on asyncio protocols (``_Pool``), not
aiohttp's: at 860 requests/s the aiohttp client used 0.24 of a core (this one 0.14), a tenth of
this two-core machine taken from the server it measures (see ``_Pool``).

Protocol with the parent: load the prebuilt bodies (``workloads.write_bodies``),
print ``ready``, wait for a line on stdin, run, print one JSON line with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

from urllib.parse import urlsplit

import msgspec

from bench.workloads import read_bodies

ACK_MODES = ("accepted", "one-per-200")
AUTH_STYLES = ("bearer", "sentry")


class _Ack(msgspec.Struct):
    accepted: int = 0


class Result(msgspec.Struct):
    requests: int
    statuses: dict[str, int]  # HTTP status (or "error") -> count
    acked_events: int  # sum of "accepted" over 202 replies (--ack accepted), or 200 replies (--ack one-per-200)
    elapsed_s: float
    latency_ms: dict[str, float]  # p50, p99, max
    generator_cpu_s: float  # during the window
    bodies_exhausted: bool
    generator_setup_cpu_s: float = 0.0  # loading bodies, after the caller's ``before`` (wrk only)
    # Open loop only: requests sent per second against the schedule's, and how late the p99 send was.
    target_rate: float = 0.0
    sent_per_s: float = 0.0
    send_lag_p99_ms: float = 0.0

    @property
    def acked_per_s(self) -> float:
        return self.acked_events / self.elapsed_s if self.elapsed_s else 0.0


class _Tally:
    def __init__(self, ack: str = "accepted") -> None:
        if ack not in ACK_MODES:
            raise ValueError(f"--ack must be one of {ACK_MODES}")
        self.ack = ack
        self.statuses: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.timeline: list[tuple[float, float, str]] = []  # (send time, latency, status), for --timeline
        self.send_lags: list[float] = []  # open loop: how late each request left against its schedule
        self.last_send = 0.0
        self.acked = 0


class _Reply(Exception):
    """The server's reply could not be read as HTTP/1.1 with a Content-Length (counted as an error)."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection: one request at a time, its reply read by Content-Length."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None
        self.open = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self.buffer[:head_end]).lower()
        marker = head.find(b"\r\ncontent-length:")
        if not head.startswith(b"http/1.1 ") or marker < 0:
            self.waiter.set_exception(_Reply("no status line or no Content-Length"))
            return
        value_end = head.find(b"\r\n", marker + 2)
        length = int(head[marker + len(b"\r\ncontent-length:") : value_end if value_end > 0 else None])
        end = head_end + 4 + length
        if len(self.buffer) < end:
            return
        body = bytes(self.buffer[head_end + 4 : end])
        del self.buffer[:end]
        self.waiter.set_result((int(head[9:12]), body, b"\r\nconnection: close" not in head))

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed before the reply"))

    async def exchange(self, head: bytes, body: bytes) -> tuple[int, bytes, bool]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.writelines((head, body))
        try:
            return await self.waiter
        finally:
            self.waiter = None


class _Pool:
    """At most ``size`` requests in flight, on keep-alive connections opened as needed.

    Why not aiohttp's client: per request it builds request and response objects,
    a cookie jar pass, header multidicts and a timer; with the kernel's share it
    cost 280 microseconds of CPU a request here, this pool 160 (95 of them in
    Python, the rest sending and polling). This pool writes one prebuilt head and the body, and
    reads the status and Content-Length back; the collector and ``bench.ceiling``
    answer every request with a Content-Length. A request beyond ``size`` waits
    for a free connection, and its latency still counts from its scheduled time.
    """

    def __init__(self, url: str, headers: dict[str, str], size: int) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        lines = [f"POST {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}",
                 *(f"{name}: {value}" for name, value in headers.items())]  # fmt: skip
        self.head_prefix = ("\r\n".join(lines) + "\r\nContent-Length: ").encode()
        self.idle: list[_Connection] = []
        self.slots = asyncio.Semaphore(size)

    async def post(self, body: bytes) -> tuple[int, bytes]:
        async with self.slots:
            connection = self.idle.pop() if self.idle else None
            if connection is None or not connection.open:
                _, connection = await asyncio.get_running_loop().create_connection(_Connection, self.host, self.port)
            try:
                status, reply, keep_alive = await connection.exchange(self.head_prefix + b"%d\r\n\r\n" % len(body), body)
            except BaseException:
                if connection.transport is not None:
                    connection.transport.close()
                raise
            if keep_alive and connection.open:
                self.idle.append(connection)
            elif connection.transport is not None:
                connection.transport.close()
            return status, reply

    def close(self) -> None:
        for connection in self.idle:
            if connection.transport is not None:
                connection.transport.close()
        self.idle.clear()


async def _send(pool: _Pool, body: bytes, started: float, tally: _Tally) -> None:
    tally.last_send = time.perf_counter()
    tally.send_lags.append(tally.last_send - started)
    try:
        status, reply = await pool.post(body)
    except (OSError, _Reply, ValueError):
        tally.statuses["error"] += 1
        tally.timeline.append((started, time.perf_counter() - started, "error"))
        return
    tally.latencies.append(time.perf_counter() - started)
    tally.timeline.append((started, tally.latencies[-1], str(status)))
    tally.statuses[str(status)] += 1
    if tally.ack == "accepted":
        if status == 202:
            tally.acked += msgspec.json.decode(reply, type=_Ack).accepted
    elif status == 200:  # one-per-200: a Sentry envelope of one event, acknowledged with its id
        tally.acked += 1


async def _closed_loop(pool: _Pool, bodies: list[bytes], seconds: float, connections: int, tally: _Tally):
    deadline = time.perf_counter() + seconds
    pending = iter(bodies)

    async def worker() -> None:
        for body in pending:
            now = time.perf_counter()
            if now >= deadline:
                return
            await _send(pool, body, now, tally)

    await asyncio.gather(*(worker() for _ in range(connections)))


async def _open_loop(pool: _Pool, bodies: list[bytes], seconds: float, rate: float, tally: _Tally) -> float:
    """Sends on the schedule; returns when the schedule began (for the rate it held)."""
    start = time.perf_counter()
    in_flight: set[asyncio.Task] = set()
    for index, body in enumerate(bodies):
        due = start + index / rate
        if due - start >= seconds:
            break
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(_send(pool, body, due, tally))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        _, late = await asyncio.wait(in_flight, timeout=60)  # a reply not back a minute after the last send is an error
        for task in late:
            task.cancel()
        if late:
            tally.statuses["error"] += len(late)
    return start


def request_headers(auth: str, key: str, content_type: str) -> dict[str, str]:
    if auth == "bearer":
        return {"Authorization": f"Bearer {key}", "Content-Type": content_type}
    if auth == "sentry":
        return {"X-Sentry-Auth": f"Sentry sentry_key={key}, sentry_version=7, sentry_client=bench/1.0",
                "Content-Type": content_type}  # fmt: skip
    raise ValueError(f"--auth must be one of {AUTH_STYLES}")


async def run(args: argparse.Namespace, bodies: list[bytes]) -> Result:
    pool = _Pool(args.url, request_headers(args.auth, args.key, args.content_type), args.connections)
    tally = _Tally(args.ack)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        if args.rate:
            schedule_start = await _open_loop(pool, bodies, args.seconds, args.rate, tally)
        else:
            await _closed_loop(pool, bodies, args.seconds, args.connections, tally)
    finally:
        elapsed, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        pool.close()
    if args.timeline:
        args.timeline.write_text(
            "".join(f"{sent - wall0:.4f} {latency * 1000:.2f} {status}\n" for sent, latency, status in tally.timeline)
        )
    requests = sum(tally.statuses.values())
    held = {}
    if args.rate and tally.send_lags:
        # The schedule's n-th request is due at n / rate: n + 1 sent by the last send's time is the rate held.
        held = {"target_rate": args.rate, "sent_per_s": len(tally.send_lags) / (tally.last_send - schedule_start + 1 / args.rate),
                "send_lag_p99_ms": latency_summary(tally.send_lags)["p99"]}  # fmt: skip
    return Result(
        requests=requests,
        statuses=dict(tally.statuses),
        acked_events=tally.acked,
        elapsed_s=elapsed,
        latency_ms=latency_summary(tally.latencies),
        generator_cpu_s=cpu,
        bodies_exhausted=requests >= len(bodies),
        **held,
    )


def latency_summary(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50": at(0.50), "p99": at(0.99), "max": ordered[-1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default="none")
    parser.add_argument("--auth", choices=AUTH_STYLES, default="bearer", help="how the key is sent")
    parser.add_argument("--content-type", default="application/json")
    parser.add_argument("--ack", choices=ACK_MODES, default="accepted", help="what counts as acknowledged events")
    parser.add_argument("--bodies-file", type=Path, required=True, help="from workloads.write_bodies")
    parser.add_argument("--limit", type=int, default=10**9, help="use at most this many bodies; the run stops when spent")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--timeline", type=Path, help="write 'send time (s) latency (ms) status' per request here")
    parser.add_argument("--rate", type=float, default=0.0, help="requests/s on a fixed schedule (open loop)")
    args = parser.parse_args()
    bodies = read_bodies(args.bodies_file, args.limit)
    print(f"ready {len(bodies)} bodies", flush=True)
    sys.stdin.readline()
    result = asyncio.run(run(args, bodies))
    print(msgspec.json.encode(result).decode(), flush=True)


if __name__ == "__main__":
    main()
