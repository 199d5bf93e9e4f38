"""The closed-loop generator: ``wrk`` (C, Debian's package) sending the prebuilt bodies through ``wrk_bodies.lua``.

The Python generator (``bench.loadgen``) capped the ceiling it measured: with the
same server it reached about 169k events/s where wrk reached 231k. wrk formats
every request once before its clock starts and sends them from C, so it needs a
fraction of a core for what the servers here can answer; each figure reports the
share of a core it used (its own utime + stime, from ``wait4``).

wrk cannot hold a fixed rate, so the open-loop runs stay with ``bench.loadgen``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import msgspec

from bench.loadgen import Result, request_headers
from bench.workloads import Protocol

SCRIPT = Path(__file__).with_name("wrk_bodies.lua")
MARKER = "wrk-result "


class _WrkReport(msgspec.Struct):
    requests: int
    statuses: dict[str, int]
    acked_events: int
    duration_us: int
    p50_us: int
    p99_us: int
    max_us: int
    wraps: int
    loading_cpu_s: float  # reading and formatting the bodies, before wrk's clock starts


def drive(url: str, protocol: Protocol, key: str, bodies: Path, seconds: float, connections: int,
          threads: int = 1) -> Result:  # fmt: skip
    """One closed-loop window of ``seconds`` against ``url`` (scheme, host and port; the path is the protocol's)."""
    headers = request_headers(protocol.auth, key, protocol.content_type)
    command = [
        "wrk", "--threads", str(threads), "--connections", str(max(connections, threads)),
        "--duration", f"{max(1, round(seconds))}s", "--timeout", "60s", "--script", str(SCRIPT), url,
        "--", str(bodies), protocol.path, protocol.ack, str(threads),
        *(f"{name}: {value}" for name, value in headers.items()),
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        # wait4, not Popen.wait: the child's own CPU time (utime + stime) comes with its exit status.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise RuntimeError(f"wrk exited with {process.returncode}: {stderr.strip()[:500]}")
    line = next((line for line in stdout.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result line: {stdout.strip()[:500]}")
    report = msgspec.json.decode(line[len(MARKER) :], type=_WrkReport)
    elapsed = report.duration_us / 1e6
    return Result(
        requests=report.requests,
        statuses=report.statuses,
        acked_events=report.acked_events,
        elapsed_s=elapsed,
        latency_ms={"p50": report.p50_us / 1000, "p99": report.p99_us / 1000, "max": report.max_us / 1000},
        generator_cpu_s=max(0.0, usage.ru_utime + usage.ru_stime - report.loading_cpu_s),
        bodies_exhausted=report.wraps > 0,
        generator_setup_cpu_s=report.loading_cpu_s,
    )
