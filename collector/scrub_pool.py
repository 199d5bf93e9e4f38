"""Worker processes, one per core by default, so the event loop never waits on NER."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from collector import worker
from scrubbers import TenantPolicy

log = logging.getLogger("collector")


class ScrubberUnavailable(Exception):
    """A worker died; the request was not stored and the pool is being replaced."""


def _warm_up_one() -> bool:
    time.sleep(0.2)  # long enough that each warm-up lands on a different worker
    return worker.warm_up()


class ScrubPool:
    def __init__(self, id_hash_secret: bytes, workers: int = 0):
        self._secret = id_hash_secret
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent holds threads and an embedded ClickHouse engine.
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker.init_worker,
            initargs=(self._secret,),
        )

    async def start(self) -> None:
        self._pool = self._new_pool()
        loop = asyncio.get_running_loop()
        ready = await asyncio.gather(*(loop.run_in_executor(self._pool, _warm_up_one) for _ in range(self.workers)))
        if not all(ready):
            raise RuntimeError("a scrubbing worker did not start")

    async def process(self, tenant: str, policy: TenantPolicy, body: bytes, now: dt.datetime) -> worker.BatchResult:
        assert self._pool is not None
        pool = self._pool
        try:
            encoded = await asyncio.get_running_loop().run_in_executor(
                pool, worker.process_body, tenant, policy, body, now
            )
        except BrokenProcessPool:
            log.error("a scrubbing worker died; replacing the pool")
            if self._pool is pool:
                self._pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            raise ScrubberUnavailable() from None
        return worker.decode_result(encoded)

    async def close(self) -> None:
        if self._pool is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._pool.shutdown, True)
