"""``make soak``: a steady, moderate load of workload 2 for 10 minutes; does the collector's memory stay flat?

The load is open loop (fixed schedule) at SOAK_EVENTS_PER_S, or by default half
of the templated-errors throughput in the last ``make bench`` (``bench/results.json``),
or 1 500 events/s without one. The collector's RSS (its process tree) is sampled
every 5 s. Warm-up is the first 2 minutes, or the first 20% of a shorter run
(SOAK_SECONDS); PASS if no later sample exceeds the first post-warm-up sample
by more than 10%. The section "## Soak" of ``bench/RESULTS.md`` is replaced.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import threading
import time
from pathlib import Path

from bench import procstats, report
from bench.run import OUT, collector, count_events, drain, drive, log
from bench.workloads import EVENTS_PER_BATCH, write_bodies

WORKLOAD = "templated_errors"
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
SAMPLE_EVERY_S = 5.0
MAX_GROWTH = 0.10
DEFAULT_EVENTS_PER_S = 1500.0


def soak_rate() -> tuple[float, str]:
    if "SOAK_EVENTS_PER_S" in os.environ:
        return float(os.environ["SOAK_EVENTS_PER_S"]), "SOAK_EVENTS_PER_S"
    try:
        measured = json.loads(report.RESULTS_JSON.read_text())["runs"][f"collector/{WORKLOAD}"]["acked_per_s"]
        return measured / 2, f"half of the last bench's {measured:,.0f} events/s"
    except (OSError, KeyError, ValueError):
        return DEFAULT_EVENTS_PER_S, "default"


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stopped = pid, [], threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.is_set():
            self.samples.append((time.monotonic() - started, procstats.rss_bytes(self.pid)))
            self.stopped.wait(SAMPLE_EVERY_S)


def verdict(samples: list[tuple[float, int]], warm_up_s: float) -> tuple[bool, int, int]:
    """(flat?, RSS at the end of warm-up, highest RSS after it)."""
    after = [rss for t, rss in samples if t >= warm_up_s]
    if not after:
        return False, 0, 0
    baseline, peak = after[0], max(after)
    return peak <= baseline * (1 + MAX_GROWTH), baseline, peak


def section(rate: float, why: str, warm_up_s: float, samples, flat: bool, baseline: int, peak: int, summary: dict) -> str:
    mib = 2**20
    lines = [
        report.SOAK_HEADING,
        "",
        f"Written by `make soak` on {report.machine()['date']}: {SECONDS:g} s of workload 2 (10% templated errors), "
        f"open loop at {rate:,.0f} events/s ({why}); RSS of the collector's process tree every {SAMPLE_EVERY_S:g} s; "
        f"warm-up {warm_up_s:g} s.",
        "",
        f"- Memory after warm-up: {baseline / mib:,.0f} MiB; highest later sample {peak / mib:,.0f} MiB "
        f"({(peak / baseline - 1) if baseline else float('nan'):+.1%}); limit +{MAX_GROWTH:.0%}: **{'PASS' if flat else 'FAIL'}**.",
        f"- Acknowledged {summary['acked']:,} events ({summary['acked'] / summary['elapsed']:,.0f}/s), landed in "
        f"ClickHouse after the drain {summary['landed']:,}; HTTP statuses {summary['statuses']}; latency p50 "
        f"{summary['latency']['p50']:.0f} ms, p99 {summary['latency']['p99']:.0f} ms, max {summary['latency']['max']:.0f} ms.",
        "",
        "| t (s) | RSS (MiB) |",
        "|---:|---:|",
        *(f"| {t:.0f} | {rss / mib:,.1f} |" for t, rss in samples),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    rate, why = soak_rate()
    warm_up_s = min(120.0, 0.2 * SECONDS)
    requests_per_s = rate / EVENTS_PER_BATCH
    count = math.ceil(requests_per_s * SECONDS) + 1
    log(f"soak: {SECONDS:g} s at {rate:,.0f} events/s ({why}); building {count} bodies ...")
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soak-", dir=OUT) as tmp:
        bodies = Path(tmp) / "bodies.bin"
        write_bodies(bodies, WORKLOAD, count, seed=42)
        with collector() as server:
            sampler = RssSampler(server.process.pid)
            rows_before = count_events(server)
            load = drive(server, bodies, SECONDS, rate=requests_per_s, before=sampler.start)
            sampler.stopped.set()
            sampler.join()
            landed, _ = drain(server, rows_before + load.acked_events)
    flat, baseline, peak = verdict(sampler.samples, warm_up_s)
    for t, rss in sampler.samples:
        print(f"  t={t:6.0f} s  rss={rss / 2**20:8.1f} MiB{'  (warm-up)' if t < warm_up_s else ''}")
    summary = {"acked": load.acked_events, "elapsed": load.elapsed_s, "landed": landed - rows_before,
               "statuses": load.statuses, "latency": load.latency_ms}  # fmt: skip
    text = section(rate, why, warm_up_s, sampler.samples, flat, baseline, peak, summary)
    report.write_soak_section(text)
    print(text)
    print(f"{'PASS' if flat else 'FAIL'}: memory flat after warm-up (growth ≤ {MAX_GROWTH:.0%})")


if __name__ == "__main__":
    main()
