"""Worker processes, one per core by default, so the event loop never waits on NER.

Each worker is a spawned process joined to the event loop by a socket pair: the
loop writes a request frame and reads the reply with asyncio streams, and the
worker answers its requests in order. ``ProcessPoolExecutor`` did the same job
with two helper threads in the event loop's process (one pickling calls, one
collecting results) and a GIL hand-off to each for every request; under a
structured burst they used 0.1 s of CPU a second and, contending for the GIL,
delayed the loop itself. Here the loop does the I/O and there are no threads.

A worker that dies costs the requests it held (``ScrubberUnavailable``: 503, not
stored) and is replaced; requests that find no live worker wait for the
replacement. A worker whose collector dies reads end-of-file and exits.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import multiprocessing
import os
import socket
from dataclasses import dataclass

from collector import worker
from collector.sources.base import SourceOptions
from scrubbers import TenantPolicy

log = logging.getLogger("collector")


class ScrubberUnavailable(Exception):
    """A worker died, or none came up in time; the request was not stored."""


class ScrubberFailed(Exception):
    """The worker raised while processing a request; only the exception's type crosses back."""


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, reader, writer):
        self.process = process
        self.reader: asyncio.StreamReader = reader
        self.writer: asyncio.StreamWriter = writer
        self.waiting: collections.deque[asyncio.Future[bytes]] = collections.deque()
        self.alive = True


@dataclass
class Held:
    """A body a worker has decoded and holds until ``ScrubPool.scrub`` or ``ScrubPool.discard``."""

    worker: _Worker
    token: int
    done: bool = False  # scrub was asked for: the worker has let go of the body


class ScrubPool:
    def __init__(self, id_hash_secret: bytes, workers: int = 0, start_timeout_s: float = 120.0):
        self._secret = id_hash_secret
        self.workers = workers or os.cpu_count() or 1
        self._start_timeout_s = start_timeout_s
        self._live: list[_Worker] = []
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._someone_alive = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self._tokens = 0

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._live if w.process.pid is not None]

    async def start(self) -> None:
        started = await asyncio.gather(*(self._spawn() for _ in range(self.workers)), return_exceptions=True)
        failures = [result for result in started if isinstance(result, BaseException)]
        if failures:
            await self.close()
            raise RuntimeError("a scrubbing worker did not start") from failures[0]

    async def _spawn(self) -> None:
        self._processes = [p for p in self._processes if p.exitcode is None]  # reaps the dead
        # spawn, not fork: the parent holds threads and an embedded ClickHouse engine.
        ours, theirs = socket.socketpair()
        process = multiprocessing.get_context("spawn").Process(
            target=worker.serve, args=(theirs, self._secret), name="scrub-worker", daemon=True
        )
        process.start()
        self._processes.append(process)
        theirs.close()
        reader, writer = await asyncio.open_connection(sock=ours, limit=2**16)
        one = _Worker(process, reader, writer)
        try:
            ready = await asyncio.wait_for(self._read_frame(one), self._start_timeout_s)
            if ready != worker.READY:
                raise RuntimeError("unexpected first frame from a scrubbing worker")
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, RuntimeError):
            process.kill()  # a worker that did not come up properly is not left running
            writer.close()
            raise
        self._live.append(one)
        self._someone_alive.set()
        self._background(self._read_replies(one), "scrub-replies")

    def _background(self, coroutine, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _read_frame(one: _Worker) -> bytes:
        header = await one.reader.readexactly(worker.FRAME_HEADER.size)
        (length,) = worker.FRAME_HEADER.unpack(header)
        return await one.reader.readexactly(length)

    async def _read_replies(self, one: _Worker) -> None:
        try:
            while True:
                reply = await self._read_frame(one)
                future = one.waiting.popleft()
                if not future.done():
                    future.set_result(reply)
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            self._lost(one)

    def _lost(self, one: _Worker) -> None:
        """The worker is gone (or closing): fail what it held and, unless closing, replace it."""
        if not one.alive:
            return
        one.alive = False
        self._live.remove(one)
        if not self._live:
            self._someone_alive.clear()
        while one.waiting:
            future = one.waiting.popleft()
            if not future.done():
                future.set_exception(ScrubberUnavailable())
        one.writer.close()
        if not self._closing:
            log.error("a scrubbing worker died; starting a replacement", extra={"exit_code": one.process.exitcode})
            self._background(self._replace(), "scrub-replace")

    async def _replace(self) -> None:
        while not self._closing:
            try:
                await self._spawn()
                return
            except Exception as exc:  # noqa: BLE001 - keep trying: without workers nothing is accepted
                log.error("a replacement scrubbing worker did not start", extra={"error": type(exc).__name__})
                await asyncio.sleep(1.0)

    def _least_busy(self) -> _Worker | None:
        return min(self._live, key=lambda w: len(w.waiting), default=None)

    async def decode(
        self,
        tenant: str,
        policy: TenantPolicy,
        source: str,
        options: SourceOptions,
        body: bytes,
        now: dt.datetime,
        at_once: int = worker.AT_ONCE_IF_NO_TEXT,
    ) -> tuple[Held, worker.BatchResult]:
        """The decode phase on the least busy worker; the worker holds the decoded body for ``scrub`` or ``discard``.

        ``at_once`` (``worker.AT_ONCE_*``): when the worker may scrub in this phase too (``BatchResult.scrubbed``).
        """
        one = self._least_busy()
        if one is None:
            try:
                await asyncio.wait_for(self._someone_alive.wait(), self._start_timeout_s)
            except TimeoutError:
                raise ScrubberUnavailable() from None
            one = self._least_busy()
            if one is None:
                raise ScrubberUnavailable()
        self._tokens += 1
        held = Held(one, self._tokens)
        reply = await self._call(one, worker.Decode(held.token, tenant, policy, source, options, body, now, at_once))
        return held, worker.decode_batch(reply)

    async def scrub(self, held: Held, keep_events: list[bool], keep_sessions: list[bool]) -> worker.Scrubbed:
        """The scrub phase, on the worker that decoded: only the kept events are scrubbed and encoded."""
        if not held.worker.alive:
            raise ScrubberUnavailable()
        scrubbed = worker.decode_scrubbed(await self._call(held.worker, worker.Scrub(held.token, keep_events, keep_sessions)))
        if not scrubbed.found:
            raise ScrubberUnavailable()
        return scrubbed

    def discard(self, held: Held) -> None:
        """Tell the worker to forget a decoded body; nothing waits for the answer."""
        if held.worker.alive:
            future = self._send(held.worker, worker.Discard(held.token))
            future.add_done_callback(lambda done: done.exception())  # a lost worker's error is nobody's concern

    async def _call(self, one: _Worker, request) -> memoryview:
        future = self._send(one, request)
        try:
            await one.writer.drain()
        except ConnectionError:
            self._lost(one)
        reply = await future
        if reply[:1] != worker.REPLY_OK:
            raise ScrubberFailed(reply[1:].decode(errors="replace"))
        return memoryview(reply)[1:]

    def _send(self, one: _Worker, request) -> asyncio.Future[bytes]:
        encoded = worker.encode_request(request)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        one.waiting.append(future)
        one.writer.write(worker.FRAME_HEADER.pack(len(encoded)) + encoded)
        return future

    async def close(self) -> None:
        """Close every worker's socket (each exits on end-of-file), then wait for them."""
        self._closing = True
        for one in list(self._live):
            self._lost(one)
        for task in list(self._tasks):
            task.cancel()
        loop = asyncio.get_running_loop()
        for process in self._processes:
            await loop.run_in_executor(None, process.join, 10.0)
            if process.is_alive():
                process.kill()
        self._processes.clear()
