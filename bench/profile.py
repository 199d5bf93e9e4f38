"""Where a workload's CPU goes: per-thread CPU from ``/proc`` and py-spy on every process of the collector.

Run: ``.venv/bin/python -m bench.profile [--workload structured] [--seconds 15] [--events-per-s N] [--no-py-spy]``.

A fresh collector (as ``make bench`` starts it) is driven by wrk for one closed-loop
window, or with ``--events-per-s`` by ``bench.loadgen`` on a fixed schedule (the
open loop whose latency ``make bench`` reports: where does a load it can carry go?). Meanwhile every process of its tree (the event loop's process with the
embedded ClickHouse, and each scrubbing worker) is sampled by ``py-spy record
--nonblocking`` (so sampling does not pause it; the bench extra installs
py-spy), and each thread's utime + stime is read from ``/proc/<pid>/task`` before
and after. Printed: CPU by process and thread (in cores over the window), then,
per process, the functions with the most samples on the stack (inclusive) and
at its top (self). The collapsed stacks are kept in ``bench/out/profile-*.txt``
for a flame graph.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import procstats, wrk
from bench.run import OUT, PROTOCOLS, WORKLOADS, collector, count_events, drain, drive_python, log
from bench.workloads import SENTRY_WORKLOADS, write_bodies

_TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu(pids: list[int]) -> dict[tuple[int, int], tuple[str, float]]:
    """(pid, tid) -> (thread name, CPU seconds so far)."""
    found = {}
    for pid in pids:
        tasks = Path(f"/proc/{pid}/task")
        try:
            tids = [int(t.name) for t in tasks.iterdir()]
        except OSError:
            continue
        for tid in tids:
            try:
                stat = (tasks / str(tid) / "stat").read_text()
                name = (tasks / str(tid) / "comm").read_text().strip()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            found[(pid, tid)] = (name, (int(fields[11]) + int(fields[12])) / _TICKS)
    return found


def top_functions(collapsed: Path, limit: int = 15) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """(inclusive, self, total samples) from py-spy's raw (collapsed) output."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    return inclusive.most_common(limit), own.most_common(limit), total


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--workload", choices=WORKLOADS, default="structured")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=int, default=97, help="py-spy samples per second")
    parser.add_argument("--no-py-spy", action="store_true", help="per-thread CPU only")
    parser.add_argument("--events-per-s", type=float, default=0.0, help="an open loop at this rate instead of wrk")
    args = parser.parse_args()
    spy = None if args.no_py_spy else shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    OUT.mkdir(exist_ok=True)
    bodies = OUT / f"profile-{args.workload}.bin"
    per_second = 8000 if args.workload in SENTRY_WORKLOADS else 1500
    log(f"building {int(args.seconds * per_second)} bodies for {args.workload} ...")
    write_bodies(bodies, args.workload, int(args.seconds * per_second), seed=1)
    with collector() as server:
        pids = procstats.tree_pids(server.process.pid)
        before_rows = count_events(server)
        spies = []
        if spy:
            for pid in pids:
                out = OUT / f"profile-{args.workload}-{pid}.txt"
                command = [spy, "record", "--pid", str(pid), "--rate", str(args.rate), "--duration",
                           str(int(args.seconds) + 4), "--format", "raw", "--nonblocking", "--threads",
                           "--output", str(out)]  # fmt: skip
                spies.append((pid, out, subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        cpu_before = thread_cpu(pids)
        protocol = PROTOCOLS[args.workload]
        if args.events_per_s:
            rate = args.events_per_s / protocol.events_per_body
            load = drive_python(server, bodies, args.seconds, rate=rate, limit=int(rate * args.seconds) + 1,
                                protocol=protocol)  # fmt: skip
        else:
            load = wrk.drive(server.url, protocol, server.ingest_key, bodies, args.seconds, args.connections)
        # Over the generator's own window: while it loads its bodies nothing is sent, and the collector idles.
        cpu_after, window = thread_cpu(pids), load.elapsed_s
        landed, _ = drain(server, before_rows + load.acked_events)
        for _, _, process in spies:
            process.wait(60)
    log(f"{load.acked_per_s:,.0f} events/s acked over {load.elapsed_s:.1f} s, {landed - before_rows:,} landed after "
        f"the drain, generator {load.generator_cpu_s / load.elapsed_s:.2f} cores, latency {load.latency_ms}")  # fmt: skip
    print(f"\nCPU by thread over the window ({window:.1f} s), in cores:")
    by_process: collections.Counter[int] = collections.Counter()
    rows = []
    for key, (name, after) in cpu_after.items():
        used = (after - cpu_before.get(key, (name, 0.0))[1]) / window
        by_process[key[0]] += used
        rows.append((used, key, name))
    for pid in pids:
        role = "event loop + ClickHouse" if pid == pids[0] else "scrub worker"
        print(f"  pid {pid} ({role}): {by_process[pid]:.2f}")
        for used, (p, tid), name in sorted(rows, reverse=True):
            if p == pid and used >= 0.01:
                print(f"    {name:20} tid {tid}: {used:.2f}")
    for pid, out, _ in spies:
        if not out.exists():
            print(f"\npy-spy wrote nothing for pid {pid}")
            continue
        inclusive, own, total = top_functions(out)
        print(f"\npid {pid}: {total} samples; {out}")
        print("  inclusive:")
        for frame, n in inclusive:
            print(f"    {n / total:6.1%}  {frame[:150]}")
        print("  self:")
        for frame, n in own:
            print(f"    {n / total:6.1%}  {frame[:150]}")


if __name__ == "__main__":
    main()
