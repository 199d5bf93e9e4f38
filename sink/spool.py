"""A write-ahead spool of scrubbed rows: the collector's 202 means "on disk".

Records are appended to the active segment and fsynced before the append
returns. One fsync serves every request that arrived while the previous one
ran (group commit), so its cost is paid per group, not per request. A segment
is sealed by size or age and handed to the sink, which deletes it only after
ClickHouse confirmed its insert. Only scrubbed rows reach this file: raw input
never touches the disk.

Frame: little-endian u32 payload length, u32 CRC32 of the payload, payload.
A crash can leave a torn last frame; recovery keeps every intact frame before it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_HEADER = struct.Struct("<II")
_SUFFIX = ".wal"


class SpoolFull(Exception):
    """The spool reached its size cap; the caller should answer 503 and let the client retry."""


@dataclass
class Segment:
    path: Path
    bytes: int = 0
    records: int = 0
    opened_at: float = field(default_factory=time.monotonic)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def seq(self) -> int:
        return int(self.path.stem)


def frame(payload: bytes) -> bytes:
    return frame_header(payload) + payload


def frame_header(payload: bytes, crc: int | None = None) -> bytes:
    """``crc``: the payload's CRC-32 if its producer already computed it (a scrubbing worker does)."""
    return _HEADER.pack(len(payload), zlib.crc32(payload) if crc is None else crc)


def read_segment(path: Path) -> tuple[list[bytes], int]:
    """The intact payloads of a segment and the byte offset where intact data ends."""
    data = path.read_bytes()
    payloads: list[bytes] = []
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        end = offset + _HEADER.size + length
        if end > len(data):
            break
        payload = data[offset + _HEADER.size : end]
        if zlib.crc32(payload) != crc:
            break
        payloads.append(payload)
        offset = end
    return payloads, offset


def _create_segment_file(path: Path) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    # The new name must survive a crash too, not only the bytes written to it.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return fd


class Spool:
    """Durable, group-committed append log split into segments."""

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int,
        segment_max_bytes: int,
        segment_max_age_s: float,
        on_sealed: Callable[[Segment], None],
        fsync: bool = True,
    ):
        self.directory = directory
        self._max_bytes = max_bytes
        self._segment_max_bytes = segment_max_bytes
        self._segment_max_age_s = segment_max_age_s
        self._on_sealed = on_sealed
        self._fsync = fsync
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spool-io")
        self._pending: list[tuple[bytes, bytes, asyncio.Future[None]]] = []  # frame header, payload, waiter
        self._pending_bytes = 0
        self._wake = asyncio.Event()
        self._active: Segment | None = None
        self._active_fd: int | None = None
        self._next_seq = 0
        self._bytes = 0
        self._segments = 0
        self._closing = False
        self._seal_requested = False
        self.last_sealed_seq = -1  # sequence number of the newest sealed segment
        self._writer: asyncio.Task | None = None
        self.commits = 0  # fsync groups written: fewer than appends when group commit works

    @property
    def bytes(self) -> int:
        return self._bytes

    @property
    def segments(self) -> int:
        return self._segments

    @property
    def fill_ratio(self) -> float:
        return (self._bytes + self._pending_bytes) / self._max_bytes

    def has_room_for(self, size: int) -> bool:
        return self._bytes + self._pending_bytes + size <= self._max_bytes

    def recover(self) -> list[Segment]:
        """Segments left by an earlier run, torn tails cut off; call before ``start``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        recovered: list[Segment] = []
        for path in sorted(self.directory.glob(f"*{_SUFFIX}")):
            self._next_seq = max(self._next_seq, int(path.stem) + 1)
            payloads, intact_end = read_segment(path)
            size = path.stat().st_size
            if intact_end < size:
                log.warning(
                    "spool segment had a torn or corrupt tail; intact records kept",
                    extra={"segment": path.name, "records_kept": len(payloads), "bytes_cut": size - intact_end},
                )
                os.truncate(path, intact_end)
            if not payloads:
                path.unlink()
                continue
            recovered.append(Segment(path, bytes=intact_end, records=len(payloads)))
            self.last_sealed_seq = max(self.last_sealed_seq, int(path.stem))
            self._bytes += intact_end
            self._segments += 1
        return recovered

    def start(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(self._run(), name="spool-writer")

    async def append(self, payload: bytes, crc: int | None = None) -> None:
        """Return once ``payload`` is on disk; raise SpoolFull if the cap would be passed.

        ``crc``, the payload's CRC-32 when the caller has it: the event loop then neither checksums nor copies
        the payload (header and payload are joined once, with the rest of the group, for the write).
        """
        if self._closing:
            raise SpoolFull("spool is closing")
        header = frame_header(payload, crc)
        size = len(header) + len(payload)
        if not self.has_room_for(size):
            raise SpoolFull("spool is full")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((header, payload, future))
        self._pending_bytes += size
        self._wake.set()
        await future

    def release(self, segment: Segment) -> None:
        """The sink stored this segment: remove it."""
        segment.path.unlink(missing_ok=True)
        self._bytes -= segment.bytes
        self._segments -= 1

    def request_seal(self) -> int:
        """Seal the active segment soon; returns the sequence number to wait for."""
        self._seal_requested = True
        self._wake.set()
        return self._next_seq - 1

    async def close(self) -> None:
        """Write what is pending, seal the active segment and stop."""
        self._closing = True
        self._wake.set()
        if self._writer:
            await self._writer
        self._io.shutdown(wait=True)

    async def _run(self) -> None:
        while True:
            timeout = None
            if self._active is not None:
                timeout = max(0.0, self._active.opened_at + self._segment_max_age_s - time.monotonic())
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass
            self._wake.clear()
            if self._pending:
                group, self._pending = self._pending, []
                self._pending_bytes -= sum(len(h) + len(p) for h, p, _ in group)
                await self._commit(group)
            active = self._active
            seal_requested, self._seal_requested = self._seal_requested, False
            if active is not None and (
                self._closing
                or seal_requested
                or active.bytes >= self._segment_max_bytes
                or time.monotonic() - active.opened_at >= self._segment_max_age_s
            ):
                await self._seal()
            if self._closing and not self._pending:
                return

    async def _commit(self, group: list[tuple[bytes, bytes, asyncio.Future[None]]]) -> None:
        data = b"".join(part for header, payload, _ in group for part in (header, payload))
        loop = asyncio.get_running_loop()
        try:
            if self._active is None:
                path = self.directory / f"{self._next_seq:020d}{_SUFFIX}"
                self._next_seq += 1
                self._active_fd = await loop.run_in_executor(self._io, _create_segment_file, path)
                self._active = Segment(path)
                self._segments += 1
            await loop.run_in_executor(self._io, self._write_and_sync, data)
        except OSError as exc:
            log.error("spool write failed; the requests in this group were not acknowledged", extra={"error": type(exc).__name__})
            for _, _, future in group:
                if not future.done():
                    future.set_exception(SpoolFull("spool write failed"))
            if self._active is not None:
                await self._seal()  # a torn frame may end this segment; recovery cuts it
            return
        assert self._active is not None
        self._active.bytes += len(data)
        self._active.records += len(group)
        self._bytes += len(data)
        self.commits += 1
        for _, _, future in group:
            if not future.done():
                future.set_result(None)

    def _write_and_sync(self, data: bytes) -> None:
        assert self._active_fd is not None
        view = memoryview(data)
        while view:
            written = os.write(self._active_fd, view)
            view = view[written:]
        if self._fsync:
            os.fsync(self._active_fd)

    async def _seal(self) -> None:
        segment, fd = self._active, self._active_fd
        self._active, self._active_fd = None, None
        if fd is not None:
            await asyncio.get_running_loop().run_in_executor(self._io, os.close, fd)
        if segment is None:
            return
        self.last_sealed_seq = max(self.last_sealed_seq, segment.seq)
        if segment.records == 0:
            segment.path.unlink(missing_ok=True)
            self._segments -= 1
            return
        self._on_sealed(segment)
