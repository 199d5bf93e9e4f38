"""Open a ClickHouse client from the configured URL: embedded chDB or a server over HTTP."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client


def open_client(url: str) -> tuple[Client, str]:
    """A client and the database name for ``chdb:///abs/path`` or ``http(s)://user:pass@host:port/db``."""
    parts = urlsplit(url)
    if parts.scheme == "chdb":
        path = Path(unquote(parts.path))
        if not path.is_absolute():
            raise ValueError("a chdb URL needs an absolute path: chdb:///abs/path")
        path.mkdir(parents=True, exist_ok=True)
        return clickhouse_connect.get_client(interface="chdb", path=str(path)), "telemetry"
    if parts.scheme in ("http", "https"):
        database = parts.path.strip("/") or "telemetry"
        client = clickhouse_connect.get_client(
            interface=parts.scheme,
            host=parts.hostname or "localhost",
            port=parts.port or (8443 if parts.scheme == "https" else 8123),
            username=unquote(parts.username or "default"),
            password=unquote(parts.password or ""),
            database="default",
        )
        return client, database
    raise ValueError("clickhouse.url must start with chdb://, http:// or https://")


# How much lower than the collector's own threads the embedded engine's threads run (nice 0-19).
# 10 starved storage once the workers got cheaper: a structured burst was acknowledged at 88k events/s but
# landed at 44k, and the full spool answered 503s. At 3 it lands 61k (no 503s), and p99 at 80% of that
# rate is 39 ms (2026-12-02, alternated pairs, wrk).
ENGINE_NICENESS = 3


def lower_engine_priority(niceness: int = ENGINE_NICENESS) -> int:
    """Run the embedded engine's own threads (inserts, merges) at a lower CPU priority; how many changed.

    Embedded, ClickHouse shares the collector's cores. Its insert parsing and
    background merges came in bursts of a few hundred milliseconds that took
    the cores from the scrubbing workers and the event loop, and requests
    waited (p99 172 ms at 43 000 structured events/s; 30 ms at 40 000 once niced). Rows are durable in
    the spool before the reply, so storage may lag a little; replies should not.
    Linux only (per-thread priorities through /proc); a no-op elsewhere. Raising
    niceness needs no privilege. Engine threads come and go, so callers repeat this.
    """
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return 0
    python_threads = {thread.native_id for thread in threading.enumerate()}
    changed = 0
    for task in tasks.iterdir():
        tid = int(task.name)
        if tid in python_threads:
            continue
        try:
            if os.getpriority(os.PRIO_PROCESS, tid) < niceness:
                os.setpriority(os.PRIO_PROCESS, tid, niceness)
                changed += 1
        except (ProcessLookupError, PermissionError):
            continue  # the thread ended meanwhile
    return changed
