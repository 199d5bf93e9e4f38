"""What the app owns between start and shutdown, opened and closed side by side."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from clickhouse_connect.driver.exceptions import ProgrammingError

from collector.config import Config
from collector.metrics import Metrics
from collector.pressure import MemoryGauge
from collector.scrub_pool import ScrubPool
from scrubbers import IdHasher
from sink import Sink, SinkSettings, open_client
from sink.clickhouse import lower_engine_priority

log = logging.getLogger("collector")

CONFIG = web.AppKey("config", Config)
SINK = web.AppKey("sink", Sink)
HASHER = web.AppKey("hasher", IdHasher)
SCRUB_POOL = web.AppKey("scrub_pool", ScrubPool)
MEMORY = web.AppKey("memory", MemoryGauge)
METRICS = web.AppKey("metrics", Metrics)
BACKGROUND = web.AppKey("background", set)
# Coroutines run once resources are open (resuming purges); registered by create_app.
STARTED = web.AppKey("started", list)


def fault_hook(config: Config):
    """The test suite's way to make ClickHouse inserts fail in a collector process."""
    fault_file = config.insert_fault_file
    if fault_file is None:
        return None

    def fail_while_file_exists(table: str) -> None:
        if not fault_file.exists():
            return
        if fault_file.read_text().startswith("permanent"):
            raise ProgrammingError("injected permanent insert fault")
        raise ConnectionError("injected insert fault")

    return fail_while_file_exists


async def open_resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    scrub_pool = ScrubPool(config.id_hash_secret, config.scrub.workers)
    await scrub_pool.start()
    app[SCRUB_POOL] = scrub_pool
    app[HASHER] = IdHasher(config.id_hash_secret)
    metrics = app[METRICS]
    sink = Sink(
        lambda: open_client(config.clickhouse_url),
        SinkSettings(
            spool_dir=config.spool_dir,
            spool_max_bytes=config.spool.max_bytes,
            segment_max_bytes=config.spool.segment_max_bytes,
            segment_max_age_s=config.spool.flush_interval_s,
            idempotency_max_ids=config.spool.idempotency_max_ids,
            idempotency_window_s=config.spool.idempotency_window_s,
            fault=fault_hook(config),
            observer=metrics,
            cluster=config.clickhouse_cluster,
        ),
    )
    await sink.start()
    metrics.watch_sink(sink)
    app[SINK] = sink
    app[BACKGROUND] = set()
    if config.clickhouse_url.startswith("chdb:"):
        spawn(app, _keep_engine_below_requests())
    for hook in app[STARTED]:
        await hook(app)
    log.info("collector ready", extra={"tenants": len(config.tenants)})
    yield
    background = app[BACKGROUND]
    for task in background:
        task.cancel()  # an unfinished purge resumes at the next start (its receipt says so)
    await asyncio.gather(*background, return_exceptions=True)
    await sink.close(timeout_s=config.spool.shutdown_timeout_s)
    await scrub_pool.close()
    log.info("collector stopped", extra={"rows_inserted": sink.stats.rows_inserted})


async def _keep_engine_below_requests(every_s: float = 2.0) -> None:
    """The embedded engine's threads yield the cores to request handling (see lower_engine_priority)."""
    while True:
        lower_engine_priority()
        await asyncio.sleep(every_s)


def spawn(app: web.Application, coro) -> asyncio.Task:
    """Run ``coro`` in the background, owned by the app so shutdown can stop it."""
    task = asyncio.get_running_loop().create_task(coro)
    app[BACKGROUND].add(task)
    task.add_done_callback(app[BACKGROUND].discard)
    return task
