"""CPU time and memory of a process and its descendants, read from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


def tree_pids(pid: int) -> list[int]:
    """``pid`` and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, ()))
    return found


def start_ticks(pid: int) -> int | None:
    """When ``pid`` started (clock ticks after boot): tells a process from a later one given the same id."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields and fields[0] != "Z" else None  # a zombie has already ended


def cpu_seconds(pid: int) -> float:
    """utime + stime of the tree, including children it has already reaped (cutime + cstime)."""
    total = 0
    for member in tree_pids(pid):
        fields = _stat_fields(member)
        if fields:  # fields[0] is the state: field 3 of /proc/<pid>/stat
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / _TICKS


def peak_rss_bytes(pid: int) -> int:
    """Sum of VmHWM over the tree: each process's own peak, so an upper bound of the tree's peak."""
    return sum(_status_kib(member, "VmHWM") for member in tree_pids(pid)) * 1024


def rss_bytes(pid: int) -> int:
    return sum(_status_kib(member, "VmRSS") for member in tree_pids(pid)) * 1024


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def system_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    fields = [int(v) for v in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / _TICKS
