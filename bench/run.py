"""``make bench``: the collector under burst load, against the ceiling of its own stack.

For each workload (``bench.workloads``), and each repeat (a pair, measured one after the other):

1. the two ceilings (``bench.ceiling``): plain decoding (what aiohttp + msgspec
   reach on this machine, the limit the targets are measured against) and the
   collector's validating decoders, both on native 100-event batches: for
   ``sentry_errors`` those of ``templated_errors`` (``CEILING_BODIES``; the same
   runs are reused when that workload ran in the same repeat), printed for scale.
   For ``sentry_errors`` the ceiling's envelope route is driven with the same
   envelopes as the collector ("envelope ceiling": one event per request at best),
   and that is the plain-decoding ceiling its target is measured against;
2. a fresh collector (fresh data directory, embedded ClickHouse, spool on),
   started as ``make run`` starts it, driven the same way (``PROTOCOLS``: the
   native route, or ``POST /api/1/envelope/`` with ``X-Sentry-Auth``);
   ClickHouse is counted before the window, after it, and after the spool has
   drained.

Closed loops are driven by wrk (``bench.wrk``), which is not the limit: each
row prints its CPU share, and each ceiling's own CPU (one process: 1.0 cores is
saturated). Then open-loop runs of structured events at 80% of three rates (see
``measure_open_loops``): latency under a steady load the collector can carry;
and plain Presidio against our scrubber on the same texts. Medians over repeats go to ``bench/RESULTS.md``,
``bench/results.json`` and ``bench/throughput.png``.

Environment: BENCH_SECONDS (20) per window, BENCH_REPEATS (3), BENCH_CONNECTIONS
(32), BENCH_MAX_RPS (1500: bodies built = seconds × this), BENCH_TEXTS (500),
BENCH_QUIET_WAIT_S (15: longest wait for other load to settle before a window), BENCH_DEMO_LIMITS=1 to keep the demo tenant's rate limit (see ``_bench_config``),
BENCH_SENTRY_MAX_RPS (8000: Sentry envelopes built = seconds × this; one event each), BENCH_WRK_THREADS (1).

BENCH_WORKLOADS (comma-separated, e.g. ``sentry_errors``; default all) restricts the
closed-loop workloads, for a quick check of one. Such a partial run skips the
scrubber comparison, skips the open loops unless ``structured`` is among them, and
writes ``bench/out/RESULTS.partial.md`` and ``bench/out/results.partial.json``,
leaving ``bench/RESULTS.md``, ``bench/results.json`` and the plot alone.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import msgspec

from bench import procstats, report, wrk
from bench.loadgen import Result
from bench.workloads import (
    CEILING_BODIES, EVENTS_PER_BATCH, NATIVE, PLAIN, PROTOCOLS, SENTRY_PROJECT, SENTRY_WORKLOADS, WORKLOADS, Protocol,
    write_bodies,
)  # fmt: skip

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = sys.executable

SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
MAX_RPS = float(os.environ.get("BENCH_MAX_RPS", "1500"))
TEXTS = int(os.environ.get("BENCH_TEXTS", "500"))
DEMO_LIMITS = os.environ.get("BENCH_DEMO_LIMITS") == "1"
QUIET_WAIT_S = float(os.environ.get("BENCH_QUIET_WAIT_S", "15"))
SENTRY_MAX_RPS = float(os.environ.get("BENCH_SENTRY_MAX_RPS", "8000"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))
SELECTED = tuple(w.strip() for w in os.environ.get("BENCH_WORKLOADS", "").split(",") if w.strip()) or WORKLOADS
if unknown := set(SELECTED) - set(WORKLOADS):
    raise SystemExit(f"BENCH_WORKLOADS: unknown workload(s) {sorted(unknown)}; one of {', '.join(WORKLOADS)}")
SELECTED = tuple(w for w in WORKLOADS if w in SELECTED)  # the usual order
PARTIAL = SELECTED != WORKLOADS
QUIET_CORES = 0.5
OPEN_LOOP_SHARE = 0.8
DRAIN_TIMEOUT_S = 120.0


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    ingest_key: str = "none"
    operator_key: str = ""


@dataclass
class Run:
    """One window against one server, with what ClickHouse and /proc said around it."""

    target: str  # "collector", "plain_ceiling", "validating_ceiling" or "envelope_ceiling"
    workload: str
    load: Result
    landed_in_window: int = 0
    landed_after_drain: int = 0
    drain_s: float = 0.0
    cpu_s: float = 0.0  # server tree, from just before the window to the end of the drain
    peak_rss_bytes: int = 0
    other_cpu_cores: float = 0.0  # what processes outside the benchmark used meanwhile (interference)

    @property
    def acked_per_s(self) -> float:
        return self.load.acked_per_s

    def summary(self) -> dict:
        load = self.load
        return {
            "target": self.target,
            "workload": self.workload,
            "acked_per_s": load.acked_per_s,
            "landed_per_s": self.landed_in_window / load.elapsed_s if load.elapsed_s else 0.0,
            "acked_events": load.acked_events,
            "landed_after_drain": self.landed_after_drain,
            "drain_s": self.drain_s,
            **{f"{k}_ms": v for k, v in load.latency_ms.items()},
            "peak_rss_mib": self.peak_rss_bytes / 2**20,
            "cpu_s_per_100k": self.cpu_s / load.acked_events * 1e5 if load.acked_events else float("nan"),
            "statuses": load.statuses,
            "elapsed_s": load.elapsed_s,
            "generator_cpu_share": load.generator_cpu_s / load.elapsed_s if load.elapsed_s else 0.0,
            # Ceilings only (one process, so 1.0 is saturated): a collector's CPU runs on through the drain.
            "server_cores": self.cpu_s / load.elapsed_s if load.elapsed_s and self.target != "collector" else float("nan"),
            "bodies_exhausted": load.bodies_exhausted,
            "other_cpu_cores": self.other_cpu_cores,
            "target_rate": load.target_rate,  # open loop: requests/s scheduled, sent, and the p99 send's lateness
            "sent_per_s": load.sent_per_s,
            "send_lag_p99_ms": load.send_lag_p99_ms,
        }


# --- servers under test -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_line(path: Path, process: subprocess.Popen, marker: str, timeout_s: float = 180.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if marker in text:
            return text
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before printing {marker!r}")
        time.sleep(0.1)
    raise TimeoutError(f"no {marker!r} within {timeout_s} s")


def _stop(process: subprocess.Popen, timeout_s: float = 60.0) -> None:
    """SIGTERM (the collector flushes what it accepted), SIGKILL after ``timeout_s``; no child outlives it."""
    children = {pid: procstats.start_ticks(pid) for pid in procstats.tree_pids(process.pid)[1:]}
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    # A killed parent leaves its worker processes behind, adopted by init: give them a moment, then end them.
    deadline = time.monotonic() + 5.0
    while True:
        alive = [pid for pid, started in children.items() if started and procstats.start_ticks(pid) == started]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)


def _bench_config(directory: Path) -> tuple[Path, dict[str, str]]:
    """The demo tenant (same allowlists) with its per-tenant rate limit out of the way.

    The demo tenant allows 5 000 events/s (burst 50 000): run as-is, a structured
    burst measures the limiter's 429s, not the collector. The limiter still runs
    and the per-install limit (20/s, burst 5 000) is kept; the generator spreads
    batches over 5 000 installs to stay within it, as thousands of tills would.
    Sentry project 1 is omnix-pos, as in the demo tenant, and the ``module`` tag is
    kept (scrubbed) as the demo tenant keeps it.
    """
    from collector.config import DEMO_APPS, DEMO_COUNT_KEYS, DEMO_MODULES

    keys = {name: f"{name[:1]}k_{secrets.token_urlsafe(24)}" for name in ("ingest", "admin", "operator")}
    path = directory / "bench.toml"
    path.write_text(
        f"operator_keys = [{json.dumps(keys['operator'])}]\n\n[tenants.demo]\n"
        f"ingest_keys = [{json.dumps(keys['ingest'])}]\nadmin_keys = [{json.dumps(keys['admin'])}]\n"
        f"apps = {json.dumps(DEMO_APPS)}\nmodules = {json.dumps(DEMO_MODULES)}\n"
        f"count_keys = {json.dumps(DEMO_COUNT_KEYS)}\n"
        f'attribute_keys = ["module"]\nsentry_projects = {{ "{SENTRY_PROJECT}" = "omnix-pos" }}\n'
        "rate_limit_events_per_s = 1e12\nrate_limit_burst = 1000000000000\n"
    )
    return path, keys


@contextmanager
def collector(demo_limits: bool = DEMO_LIMITS) -> Iterator[Server]:
    """A fresh collector in a fresh data directory, as ``make run`` starts it."""
    with tempfile.TemporaryDirectory(prefix="bench-collector-") as tmp:
        data_dir, port = Path(tmp), free_port()
        command = [PYTHON, "-m", "collector", "serve", "--data-dir", str(data_dir), "--port", str(port)]
        keys = {}
        if not demo_limits:
            config, keys = _bench_config(data_dir)
            command[4:4] = ["--config", str(config)]
        stdout = data_dir / "stdout.txt"
        with stdout.open("wb") as out, (data_dir / "stderr.jsonl").open("wb") as err:
            process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        try:
            text = _wait_for_line(stdout, process, "operator key" if demo_limits else "collector listening")
            if demo_limits:
                keys = _printed_keys(text)
            yield Server(process, f"http://127.0.0.1:{port}", keys["ingest"], keys["operator"])
        finally:
            _stop(process)


def _printed_keys(stdout: str) -> dict[str, str]:
    keys = {}
    for line in stdout.splitlines():
        if line.startswith("demo tenant ingest key:"):
            keys["ingest"] = line.split(":", 1)[1].split()[0]
        elif line.startswith("operator key:"):
            keys["operator"] = line.split(":", 1)[1].split()[0]
    return keys


@contextmanager
def ceiling() -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="bench-ceiling-") as tmp:
        port, stdout = free_port(), Path(tmp) / "stdout.txt"
        with stdout.open("wb") as out:
            process = subprocess.Popen(
                [PYTHON, "-m", "bench.ceiling", "--port", str(port)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            _wait_for_line(stdout, process, "ceiling listening")
            yield Server(process, f"http://127.0.0.1:{port}")
        finally:
            _stop(process)


def count_events(server: Server) -> int:
    request = urllib.request.Request(
        f"{server.url}/v1/admin/query",
        data=json.dumps({"sql": "SELECT count() FROM telemetry.events"}).encode(),
        headers={"Authorization": f"Bearer {server.operator_key}", "Content-Type": "application/json",
                 "X-Access-Reason": "make bench: counting landed events"},  # fmt: skip
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(json.loads(response.read())["rows"][0][0])


def drain(server: Server, expected: int, timeout_s: float = DRAIN_TIMEOUT_S) -> tuple[int, float]:
    """Poll until ClickHouse holds ``expected`` rows (or stops growing for 10 s); (rows, seconds)."""
    started = changed_at = time.monotonic()
    last = count_events(server)
    while last < expected and time.monotonic() - started < timeout_s and time.monotonic() - changed_at < 10:
        time.sleep(0.25)
        current = count_events(server)
        if current != last:
            last, changed_at = current, time.monotonic()
    return last, time.monotonic() - started


# --- load ---------------------------------------------------------------------------------------


def drive(server: Server, bodies: Path, seconds: float, rate: float = 0.0, before: Callable[[], None] | None = None,
          limit: int | None = None, timeline: Path | None = None, protocol: Protocol = NATIVE) -> Result:  # fmt: skip
    """One window of load: wrk for a closed loop, ``bench.loadgen`` for a fixed rate (wrk cannot hold one).

    ``before`` runs just before the window: for wrk, before it loads its bodies (no
    request is sent while it does; that CPU is not counted as the generator's).
    """
    if not rate:
        if before:
            before()
        return wrk.drive(server.url, protocol, server.ingest_key, bodies, seconds, CONNECTIONS, WRK_THREADS)
    return drive_python(server, bodies, seconds, rate, before, limit, timeline, protocol)


def drive_python(server: Server, bodies: Path, seconds: float, rate: float = 0.0, before: Callable[[], None] | None = None,
                 limit: int | None = None, timeline: Path | None = None, protocol: Protocol = NATIVE) -> Result:  # fmt: skip
    """Run the Python load generator in its own process; ``before`` runs once its bodies are loaded."""
    command = [
        PYTHON, "-m", "bench.loadgen", "--url", f"{server.url}{protocol.path}", "--key", server.ingest_key,
        "--auth", protocol.auth, "--content-type", protocol.content_type, "--ack", protocol.ack,
        "--bodies-file", str(bodies), "--seconds", str(seconds), "--connections", str(CONNECTIONS),
    ]  # fmt: skip
    if rate:
        command += ["--rate", str(rate)]
    if limit:
        command += ["--limit", str(limit)]
    if timeline:
        command += ["--timeline", str(timeline)]
    generator = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if not generator.stdout.readline().startswith("ready"):
            raise RuntimeError("load generator failed before it was ready")
        if before:
            before()
        generator.stdin.write("go\n")
        generator.stdin.flush()
        line = generator.stdout.readline()
        generator.wait(30)
        return msgspec.json.decode(line, type=Result)
    finally:
        if generator.poll() is None:
            generator.kill()
            generator.wait()


def wait_for_quiet(server_pid: int, max_wait_s: float = QUIET_WAIT_S) -> None:
    """Wait, a bounded time, until processes outside the benchmark use under half a core.

    Other work on a 2-core machine (a test suite, a build) skews every figure; the
    "other load" column says how much of it remained during each window.
    """
    deadline = time.monotonic() + max_wait_s
    while True:
        busy, server = procstats.system_busy_seconds(), procstats.cpu_seconds(server_pid)
        time.sleep(1.0)
        others = procstats.system_busy_seconds() - busy - (procstats.cpu_seconds(server_pid) - server)
        if others < QUIET_CORES:
            return
        if time.monotonic() >= deadline:
            log(f"the machine is busy ({others:.1f} cores used outside the benchmark); measuring anyway")
            return


class _Marks:
    """CPU counters taken just before a window; ``close`` turns them into the run's CPU figures."""

    def __init__(self, pid: int):
        self.pid = pid

    def open(self) -> None:
        # The previous run's data directory was just deleted. On a filesystem mounted
        # with `discard` (this machine's root is), the next journal commit pays for
        # trimming it: the collector's first fsyncs took 300-400 ms each. Commit now.
        os.sync()
        wait_for_quiet(self.pid)
        self.server_cpu = procstats.cpu_seconds(self.pid)
        self.busy = procstats.system_busy_seconds()
        self.wall = time.monotonic()

    def close(self, run: Run) -> Run:
        run.cpu_s = procstats.cpu_seconds(self.pid) - self.server_cpu
        others = (procstats.system_busy_seconds() - self.busy - run.cpu_s - run.load.generator_cpu_s
                  - run.load.generator_setup_cpu_s)
        run.other_cpu_cores = max(0.0, others) / (time.monotonic() - self.wall)
        run.peak_rss_bytes = procstats.peak_rss_bytes(self.pid)
        return run


def measure_ceiling(workload: str, bodies: Path, protocol: Protocol, target: str) -> Run:
    with ceiling() as server:
        marks = _Marks(server.process.pid)
        load = drive(server, bodies, SECONDS, before=marks.open, protocol=protocol)
        return marks.close(Run(target, workload, load))


def measure_collector(workload: str, bodies: Path, rate: float = 0.0, limit: int | None = None) -> Run:
    with collector() as server:
        marks, rows = _Marks(server.process.pid), {}

        def before() -> None:
            rows["before"] = count_events(server)
            marks.open()

        load = drive(server, bodies, SECONDS, rate=rate, before=before, limit=limit, protocol=PROTOCOLS[workload])
        in_window = count_events(server) - rows["before"]
        after_drain, drain_s = drain(server, rows["before"] + load.acked_events)
        run = Run("collector", workload, load, landed_in_window=in_window,
                  landed_after_drain=after_drain - rows["before"], drain_s=drain_s)  # fmt: skip
        return marks.close(run)


def measure_open_loops(runs: dict[tuple[str, str], list[Run]], bodies: Path) -> dict[str, dict]:
    """Structured events on a fixed schedule at 80% of three rates, each repeated; medians.

    "sustained" (the verdict): 80% of what reached ClickHouse during the closed-loop
    windows. The acknowledged rate can run ahead of storage for a while (the spool
    absorbs it) but not for long, so 80% of it would measure an overload. The other
    two bases are reported beside it.
    """
    structured = median_summary(runs[("collector", "structured")])
    ceiling = median_summary(runs[("plain_ceiling", "structured")])["acked_per_s"]
    bases = {
        "sustained": ("80% of the structured rate sustained end to end (landed in ClickHouse)", structured["landed_per_s"]),
        "acknowledged": ("80% of the structured rate acknowledged (closed loop)", structured["acked_per_s"]),
        "target": ("80% of the target rate (20% of the plain-decoding ceiling)", 0.2 * ceiling),
    }
    results = {}
    for key, (label, base) in bases.items():
        rate = OPEN_LOOP_SHARE * base / EVENTS_PER_BATCH
        log(f"open loop ({key}): structured at {rate:.1f} requests/s = {label}")
        repeats = [measure_collector("structured", bodies, rate=rate, limit=int(rate * SECONDS) + 1) for _ in range(REPEATS)]
        for run in repeats:
            log(f"  {run.acked_per_s:9.0f} events/s acked, p50 {run.load.latency_ms['p50']:.1f} ms, "
                f"p99 {run.load.latency_ms['p99']:.1f} ms, statuses {run.load.statuses}")  # fmt: skip
        results[key] = {**median_summary(repeats), "label": label, "target_rate_per_s": rate * EVENTS_PER_BATCH}
    return results


def scrubber_comparison() -> dict:
    output = subprocess.run(
        [PYTHON, "-m", "bench.presidio_baseline", "--texts", str(TEXTS)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=900,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- the whole benchmark ------------------------------------------------------------------------


_SUMMED = ("acked_events", "landed_after_drain")  # totals over the repeats: is anything acknowledged missing?


def median_summary(runs: list[Run]) -> dict:
    """Each metric's median over the repeats; event counts and HTTP statuses are summed."""
    summaries = [run.summary() for run in runs]
    merged = dict(summaries[0])
    for key, value in merged.items():
        if isinstance(value, bool):
            merged[key] = any(s[key] for s in summaries)
        elif key in _SUMMED:
            merged[key] = sum(s[key] for s in summaries)
        elif isinstance(value, (int, float)):
            merged[key] = statistics.median(s[key] for s in summaries)
    statuses: dict[str, int] = {}
    for s in summaries:
        for status, n in s["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    merged["statuses"] = statuses
    merged["repeats"] = len(runs)
    merged["acked_per_s_all"] = [s["acked_per_s"] for s in summaries]  # in repeat order: the pairs of a ratio
    merged["landed_per_s_all"] = [s["landed_per_s"] for s in summaries]
    return merged


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


CEILINGS = (("plain_ceiling", PLAIN), ("validating_ceiling", NATIVE))  # both decode native 100-event batches


def _measure_repeat(repeat: int, bodies: dict[str, Path], runs: dict[tuple[str, str], list[Run]]) -> None:
    """One pair per workload, alternated: its two ceilings, then the collector, on the same bodies."""

    def record(target: str, workload: str, run: Run) -> None:
        runs.setdefault((target, workload), []).append(run)
        share = f", generator {run.load.generator_cpu_s / run.load.elapsed_s:.0%} of a core" if run.load.elapsed_s else ""
        log(f"repeat {repeat} {target:18} {workload:16} {run.acked_per_s:9.0f} events/s acked, "
            f"p99 {run.load.latency_ms['p99']:.0f} ms, statuses {run.load.statuses}{share}")  # fmt: skip

    measured: dict[tuple[str, str], Run] = {}  # this repeat's ceiling runs, by target and the bodies that drove them
    for workload in SELECTED:
        source = CEILING_BODIES[workload]
        for target, protocol in CEILINGS:
            if (target, source) in measured:  # the same ceiling: reuse the window, do not measure it twice
                run = measured[(target, source)]
                runs.setdefault((target, workload), []).append(Run(**{**run.__dict__, "workload": workload}))
                log(f"repeat {repeat} {target:18} {workload:16} = the {target} of {source}")
            else:
                measured[(target, source)] = run = measure_ceiling(workload, bodies[source], protocol, target)
                record(target, workload, run)
        if workload in SENTRY_WORKLOADS:
            record("envelope_ceiling", workload,
                   measure_ceiling(workload, bodies[workload], PROTOCOLS[workload], "envelope_ceiling"))  # fmt: skip
        record("collector", workload, measure_collector(workload, bodies[workload]))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    started = time.monotonic()
    log(f"{SECONDS:g} s per window, {REPEATS} repeat(s), {CONNECTIONS} connections"
        + (f"; workloads {', '.join(SELECTED)} only (partial run)" if PARTIAL else ""))  # fmt: skip
    scrubbing = {}
    if not PARTIAL:
        log("plain Presidio vs our scrubber, one core ...")
        scrubbing = scrubber_comparison()
    runs: dict[tuple[str, str], list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-bodies-", dir=OUT) as tmp:
        needed = [w for w in WORKLOADS if w in SELECTED or w in {CEILING_BODIES[s] for s in SELECTED}]
        bodies = {w: Path(tmp) / f"{w}.bin" for w in needed}
        for seed, workload in enumerate(WORKLOADS, start=1):  # seeds as in a full run, whatever is selected
            if workload not in needed:
                continue
            per_body = PROTOCOLS[workload].events_per_body
            count = int(SECONDS * (SENTRY_MAX_RPS if workload in SENTRY_WORKLOADS else MAX_RPS))
            log(f"building {count} bodies × {per_body} event(s) for {workload} ...")
            write_bodies(bodies[workload], workload, count, seed)
        for repeat in range(1, REPEATS + 1):
            _measure_repeat(repeat, bodies, runs)
        open_loops = measure_open_loops(runs, bodies["structured"]) if "structured" in SELECTED else {}
    results = {
        "machine": report.machine(),
        "settings": {"seconds": SECONDS, "repeats": REPEATS, "connections": CONNECTIONS, "wrk_threads": WRK_THREADS,
                     "tenant_rate_limit": "demo default" if DEMO_LIMITS else "lifted",
                     "workloads": list(SELECTED)},  # fmt: skip
        "runs": {f"{t}/{w}": median_summary(rs) for (t, w), rs in runs.items()},
        "open_loops": open_loops,
        "scrubbing": scrubbing,
    }
    results["targets"] = report.evaluate(results)
    results["wall_s"] = time.monotonic() - started
    report.publish(results, partial=PARTIAL)
    log(f"done in {results['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
