"""What a durable 202 costs: spool appends with fsync, without, and no spool at all.

Run: ``python -m bench.spool_fsync``. Concurrent requests append one record each
(100 scrubbed events, as the collector writes them); group commit lets one fsync
serve every request that arrived meanwhile. Prints events/s for each mode.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import tempfile
import time
import uuid
from pathlib import Path


from schemas import EventRow
from sink import encode_record
from sink.spool import Spool

EVENTS_PER_RECORD = 100
CONCURRENCY = int(os.environ.get("BENCH_SPOOL_CONCURRENCY", "32"))
SECONDS = float(os.environ.get("BENCH_SPOOL_SECONDS", "5"))


def _record() -> bytes:
    now = dt.datetime.now(dt.timezone.utc)
    rows = [
        EventRow(
            tenant="demo", event_id=uuid.uuid4(), received_at=now, ts=now, type="usage_counts",
            install_hash="a" * 32, session_hash="b" * 32, app_name="omnix-pos", app_version="4.2.10",
            app_platform="windows", os_name="Windows", os_version="10.0.19045", module="sales",
            counts={"branches": 3, "users": 12, "products": 420, "sales_count": 97},
        )  # fmt: skip
        for _ in range(EVENTS_PER_RECORD)
    ]
    return encode_record("demo", rows, [])


async def _run(mode: str, record: bytes) -> float:
    directory = Path(tempfile.mkdtemp(prefix=f"spool-{mode}-"))
    sealed = []
    spool = Spool(
        directory, max_bytes=1 << 40, segment_max_bytes=8 << 20, segment_max_age_s=1.0,
        on_sealed=lambda s: (sealed.append(s), spool.release(s)), fsync=(mode == "fsync"),
    )  # fmt: skip
    spool.recover()
    spool.start()
    appended = 0
    deadline = time.perf_counter() + SECONDS

    async def client() -> None:
        nonlocal appended
        while time.perf_counter() < deadline:
            if mode == "memory":
                await asyncio.sleep(0)  # acknowledge at once: nothing written
            else:
                await spool.append(record)
            appended += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    await spool.close()
    return appended * EVENTS_PER_RECORD / elapsed


def main() -> None:
    record = _record()
    results = {mode: asyncio.run(_run(mode, record)) for mode in ("fsync", "write_only", "memory")}
    results["record_bytes"] = len(record)
    results["fsync_vs_write_only"] = results["fsync"] / results["write_only"]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
