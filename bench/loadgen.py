"""The load generator: its own process, aiohttp client, request bodies built before the clock starts.

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

import aiohttp
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


async def _send(session: aiohttp.ClientSession, url: str, body: bytes, started: float, tally: _Tally) -> None:
    tally.last_send = time.perf_counter()
    tally.send_lags.append(tally.last_send - started)
    try:
        async with session.post(url, data=body) as response:
            reply = await response.read()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
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


async def _closed_loop(session, url: str, bodies: list[bytes], seconds: float, connections: int, tally: _Tally):
    deadline = time.perf_counter() + seconds
    pending = iter(bodies)

    async def worker() -> None:
        for body in pending:
            now = time.perf_counter()
            if now >= deadline:
                return
            await _send(session, url, body, now, tally)

    await asyncio.gather(*(worker() for _ in range(connections)))


async def _open_loop(session, url: str, bodies: list[bytes], seconds: float, rate: float, tally: _Tally) -> float:
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
        task = asyncio.create_task(_send(session, url, body, due, tally))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    return start


def request_headers(auth: str, key: str, content_type: str) -> dict[str, str]:
    if auth == "bearer":
        return {"Authorization": f"Bearer {key}", "Content-Type": content_type}
    if auth == "sentry":
        return {"X-Sentry-Auth": f"Sentry sentry_key={key}, sentry_version=7, sentry_client=bench/1.0",
                "Content-Type": content_type}  # fmt: skip
    raise ValueError(f"--auth must be one of {AUTH_STYLES}")


async def run(args: argparse.Namespace, bodies: list[bytes]) -> Result:
    headers = request_headers(args.auth, args.key, args.content_type)
    connector = aiohttp.TCPConnector(limit=args.connections)
    timeout = aiohttp.ClientTimeout(total=60)
    tally = _Tally(args.ack)
    async with aiohttp.ClientSession(headers=headers, connector=connector, timeout=timeout) as session:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        if args.rate:
            schedule_start = await _open_loop(session, args.url, bodies, args.seconds, args.rate, tally)
        else:
            await _closed_loop(session, args.url, bodies, args.seconds, args.connections, tally)
        elapsed, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
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
