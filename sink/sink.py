"""Batches scrubbed rows through the spool into ClickHouse.

A batch is a spool segment: sealed by rows, bytes or age (at most one second
while events arrive), inserted table by table with an insert deduplication
token derived from the segment's name, and deleted only once ClickHouse has
confirmed. A replay after a crash reuses the token, so ClickHouse drops the
second copy instead of storing it twice.

clickhouse-connect's chDB client is synchronous and chDB allows one engine per
process, so every ClickHouse call runs on one dedicated thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import msgspec
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError, DataError, ProgrammingError

from sink.ddl import SPOOLED_TABLES, TABLE_BY_ROW_TYPE, TENANT_RETENTION_TABLES, Table, create_statements, ttl_upgrade
from sink.idempotency import IdempotencyWindow
from sink.native import assemble
from sink.record import COLUMN_PARTS, FORMAT, JSON_LINES, SpoolRecord, decode_record, encode, encode_rows, event_keys, keep_events
from sink.spool import Segment, Spool, SpoolFull, read_segment

log = logging.getLogger(__name__)
_SPOOLED_BY_FIELD = {table.spooled: table for table in SPOOLED_TABLES}


@dataclass(frozen=True)
class SinkSettings:
    spool_dir: Path
    spool_max_bytes: int = 256 * 1024 * 1024
    segment_max_bytes: int = 8 * 1024 * 1024
    segment_max_age_s: float = 1.0
    retry_base_s: float = 0.2
    retry_cap_s: float = 30.0
    idempotency_max_ids: int = 500_000
    idempotency_window_s: float = 24 * 3600
    fsync: bool = True  # False only in benchmarks that measure what fsync costs
    cluster: str | None = None  # ClickHouse cluster name: replicated local tables behind Distributed ones
    # Test-only fault hook: called before each insert; raising makes the insert fail.
    fault: Callable[[str], None] | None = None
    observer: "InsertObserver | None" = None


class InsertObserver(Protocol):
    """Told about every insert, for metrics; the sink does not know how they are exported."""

    def insert_observed(self, seconds: float, rows: int) -> None: ...

    def insert_failed(self, permanent: bool) -> None: ...


# ClickHouse error codes that retrying cannot fix: the batch does not fit the table.
_PERMANENT_CODES = frozenset({16, 27, 36, 41, 44, 47, 53, 60, 62, 69, 70, 72, 81, 117, 349, 403})
_CODE = re.compile(r"Code: (\d+)")


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, (ProgrammingError, DataError, msgspec.DecodeError, msgspec.ValidationError)):
        return True
    if isinstance(exc, DatabaseError):
        match = _CODE.search(str(exc))
        return bool(match) and int(match.group(1)) in _PERMANENT_CODES
    return False


@dataclass
class SinkStats:
    rows_inserted: int = 0
    segments_inserted: int = 0
    insert_errors: int = 0
    segments_quarantined: int = 0
    last_insert_seconds: float = 0.0


class Sink:
    """Owns the ClickHouse client and the spool; ``submit`` returns once rows are durable."""

    def __init__(self, open_client: Callable[[], tuple[Client, str]], settings: SinkSettings):
        self._open_client = open_client
        self._settings = settings
        self._db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clickhouse")
        self._client: Client | None = None
        self.database = ""
        self._sealed: asyncio.Queue[Segment] = asyncio.Queue()
        self._spool = Spool(
            settings.spool_dir,
            max_bytes=settings.spool_max_bytes,
            segment_max_bytes=settings.segment_max_bytes,
            segment_max_age_s=settings.segment_max_age_s,
            on_sealed=self._on_sealed,
            fsync=settings.fsync,
        )
        self.idempotency = IdempotencyWindow(
            max_ids=settings.idempotency_max_ids, max_age_s=settings.idempotency_window_s
        )
        self._quarantine = settings.spool_dir / "quarantine"
        self._drainer: asyncio.Task | None = None
        self.stats = SinkStats()
        self.clickhouse_healthy = True
        self._outstanding: set[int] = set()  # sealed segments not yet stored
        # Installations whose consent was revoked: their rows are never stored again.
        self.tombstones: set[tuple[str, str]] = set()
        # Tenants being (or already) offboarded: none of their rows enters the spool or ClickHouse again.
        self.offboarded: set[str] = set()

    @property
    def spool(self) -> Spool:
        return self._spool

    async def start(self) -> None:
        """Open ClickHouse, create tables, replay what an earlier run left in the spool."""
        self._client, self.database = await self._on_db_thread(self._open_client)
        for statement in create_statements(self.database, self._settings.cluster):
            await self._on_db_thread(self._client.command, statement)
        await self._upgrade_ttls()
        await self._remember_recent_ids()
        _, tombstones = await self.query(f"SELECT tenant, install_hash FROM {self.database}.tombstones FINAL", {})
        self.tombstones.update((tenant, install_hash) for tenant, install_hash in tombstones)
        recovered = self._spool.recover()
        for segment in recovered:
            self.idempotency.remember(key for record in self._read_records(segment) for key in event_keys(record))
            self._on_sealed(segment)
        self._spool.start()
        self._drainer = asyncio.get_running_loop().create_task(self._drain(), name="sink-drain")
        if recovered:
            log.info("replaying spool segments left by an earlier run", extra={"segments": len(recovered)})
            await self._sealed.join()

    async def _upgrade_ttls(self) -> None:
        """Tables made before per-tenant retention get its TTL, without rewriting their parts now.

        ``materialize_ttl_after_modify = 0``: existing parts keep their 180-day expiry (and rows written
        before the column existed read 180 for it), so start-up costs no mutation of old data.
        """
        for table in TENANT_RETENTION_TABLES:
            name = f"{table.name}_local" if self._settings.cluster else table.name
            _, rows = await self.query(
                "SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = {name:String}",
                {},
                parameters={"db": self.database, "name": name},
            )
            if rows and "toIntervalDay(retention_days)" not in rows[0][0]:
                await self.command(ttl_upgrade(self.database, table, self._settings.cluster), {"materialize_ttl_after_modify": 0})
                log.info("table TTL upgraded to per-tenant retention", extra={"table": table.name})

    async def _remember_recent_ids(self) -> None:
        window_s = int(self._settings.idempotency_window_s)
        _, rows = await self.query(
            f"SELECT tenant, event_id FROM {self.database}.events "
            f"WHERE received_at > now64(3) - INTERVAL {window_s} SECOND "
            f"ORDER BY received_at LIMIT {self._settings.idempotency_max_ids}",
            {},
        )
        self.idempotency.remember(rows)

    def _read_records(self, segment: Segment) -> list[SpoolRecord]:
        payloads, _ = read_segment(segment.path)
        return [decode_record(p) for p in payloads]

    def _on_sealed(self, segment: Segment) -> None:
        self._outstanding.add(segment.seq)
        self._sealed.put_nowait(segment)

    def _release(self, segment: Segment) -> None:
        self._spool.release(segment)
        self._outstanding.discard(segment.seq)

    async def submit_record(
        self, tenant: str, record: bytes, install_hashes: list[str], keep: list[bool], crc: int | None = None
    ) -> int:
        """Make an encoded SpoolRecord (``sink.record``) durable; raises SpoolFull when the collector must push back.

        ``keep[i]`` False drops row i (a duplicate). Rows of an installation whose
        consent was revoked are dropped too, with no await between the check and
        the append, so a purge that has started is never followed by one of its
        rows entering the spool. The common case (nothing to drop) appends the
        worker's bytes untouched, with ``crc``, their CRC-32, if the worker computed it. Returns how many rows
        were dropped for consent.
        """
        if tenant in self.offboarded:
            return len(install_hashes)
        if all(keep) and not self._revoked(tenant, install_hashes):
            await self._spool.append(record, crc)
            return 0
        revoked = [(tenant, h) in self.tombstones for h in install_hashes]
        kept = keep_events(decode_record(record), [k and not r for k, r in zip(keep, revoked)])
        await self._spool.append(encode(kept))
        return sum(1 for k, r in zip(keep, revoked) if k and r)

    def _revoked(self, tenant: str, install_hashes: list[str]) -> bool:
        """Whether any of the rows is of an installation whose consent was revoked: each distinct one looked up once."""
        tombstones = self.tombstones
        return bool(tombstones) and any((tenant, h) in tombstones for h in set(install_hashes))

    async def flush(self, timeout_s: float) -> bool:
        """Store everything acknowledged so far; False if that took longer than ``timeout_s``."""
        marker = self._spool.request_seal()
        deadline = time.monotonic() + timeout_s
        while self._spool.last_sealed_seq < marker or any(seq <= marker for seq in self._outstanding):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def has_room_for(self, size: int) -> bool:
        return self._spool.has_room_for(size)

    async def query(
        self, sql: str, settings: dict[str, Any], parameters: dict[str, Any] | None = None
    ) -> tuple[list[str], list[tuple]]:
        assert self._client is not None
        result = await self._on_db_thread(self._client.query, sql, settings=settings, parameters=parameters)
        return list(result.column_names), list(result.result_rows)

    async def insert_now(self, rows: list[msgspec.Struct]) -> None:
        """Insert rows of one table directly (receipts, audit), bypassing the spool."""
        if not rows:
            return
        await self._on_db_thread(self._insert_rows, TABLE_BY_ROW_TYPE[type(rows[0])], rows, {})

    async def command(
        self, sql: str, settings: dict[str, Any] | None = None, parameters: dict[str, Any] | None = None
    ) -> Any:
        assert self._client is not None
        return await self._on_db_thread(self._client.command, sql, settings=settings, parameters=parameters)

    async def close(self, timeout_s: float = 30.0) -> None:
        """Seal the spool and insert everything; what does not fit in the timeout stays spooled."""
        await self._spool.close()
        try:
            await asyncio.wait_for(self._sealed.join(), timeout_s)
        except TimeoutError:
            log.warning("shutdown timed out; unsent segments stay in the spool for the next start")
        if self._drainer:
            self._drainer.cancel()
            try:
                await self._drainer
            except asyncio.CancelledError:
                pass
        if self._client is not None:
            await self._on_db_thread(self._client.close)
        self._db_thread.shutdown(wait=True)

    async def _on_db_thread(self, fn: Callable, *args, **kwargs) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db_thread, lambda: fn(*args, **kwargs))

    async def _drain(self) -> None:
        while True:
            segment = await self._sealed.get()
            try:
                await self._store(segment)
            finally:
                self._sealed.task_done()

    async def _store(self, segment: Segment) -> None:
        attempt = 0
        while True:
            try:
                started = time.perf_counter()
                rows = await self._on_db_thread(self._insert_segment, segment)
                self.stats.last_insert_seconds = time.perf_counter() - started
                if self._settings.observer:
                    self._settings.observer.insert_observed(self.stats.last_insert_seconds, rows)
                self.stats.rows_inserted += rows
                self.stats.segments_inserted += 1
                self.clickhouse_healthy = True
                self._release(segment)
                return
            except Exception as exc:  # noqa: BLE001 - every failure is either retried or quarantined
                self.stats.insert_errors += 1
                permanent = _is_permanent(exc)
                if self._settings.observer:
                    self._settings.observer.insert_failed(permanent)
                if permanent:
                    self._quarantine_segment(segment, exc)
                    return
                self.clickhouse_healthy = False
                delay = random.uniform(0, min(self._settings.retry_cap_s, self._settings.retry_base_s * 2**attempt))
                attempt += 1
                log.warning(
                    "insert failed; retrying",
                    extra={"segment": segment.name, "attempt": attempt, "error": type(exc).__name__, "retry_in_s": round(delay, 3)},
                )
                await asyncio.sleep(delay)

    def _insert_segment(self, segment: Segment) -> int:
        """Runs on the ClickHouse thread. Returns how many event rows were stored.

        Rows are already ClickHouse input: the common case joins the records' column parts into one Native
        block per table, and only a record holding an installation revoked since it was spooled is read and
        written again.
        A segment spooled by an earlier version may hold JSON lines too: each format is its own insert.
        """
        blobs: dict[tuple[str, str], list[bytes]] = {}
        rows, tombstones = 0, self.tombstones
        for record in self._read_records(segment):
            if record.tenant in self.offboarded:
                continue
            if self._revoked(record.tenant, record.install_hashes):
                record = keep_events(record, [(record.tenant, h) not in tombstones for h in record.install_hashes])
            for table in SPOOLED_TABLES:
                blobs.setdefault((table.spooled, record.row_format), []).append(getattr(record, table.spooled))
            rows += len(record.install_hashes)
        for (field, row_format), parts in blobs.items():
            table = _SPOOLED_BY_FIELD[field]
            block = b"".join(parts) if row_format == JSON_LINES else assemble(table.row_type, parts)
            if block:
                if self._settings.fault:
                    self._settings.fault(table.name)
                settings = self._insert_settings(f"{segment.name}:{table.name}" + ("" if row_format == COLUMN_PARTS else f":{row_format}"))
                self._insert_block(table, block, settings, FORMAT if row_format == COLUMN_PARTS else row_format)
        return rows

    def _insert_rows(self, table: Table, rows: list[msgspec.Struct], settings: dict[str, Any]) -> None:
        self._insert_block(table, encode_rows(table.row_type, rows), settings)

    def _insert_block(self, table: Table, block: bytes, settings: dict[str, Any], row_format: str = FORMAT) -> None:
        """Insert rows already in ClickHouse's input format (``sink.record``): Native from the workers.

        clickhouse-connect's row inserts serialise column by column in Python,
        holding the GIL for ~10 µs a row, which stalled the event loop for a
        tenth of a second per segment; the workers write the same blocks from
        a batch's few distinct values, and ClickHouse copies them in.
        """
        assert self._client is not None
        if row_format == JSON_LINES:
            # One parsing thread: parallel parsing spent ~10% more CPU on blocks this size and
            # took both cores, stalling the scrubbing workers while a segment went in.
            settings = {**settings, "date_time_input_format": "best_effort", "input_format_parallel_parsing": 0}
        self._client.raw_insert(
            f"{self.database}.{table.name}", column_names=table.columns, insert_block=block, settings=settings, fmt=row_format
        )

    def _insert_settings(self, token: str) -> dict[str, Any]:
        settings: dict[str, Any] = {"insert_deduplication_token": token}
        if self._settings.cluster:
            # Acknowledged only once every shard has the rows: a Distributed table's
            # background queue could otherwise lose them when a node dies.
            settings["distributed_foreground_insert"] = 1
        return settings

    def mutation_target(self, table: str) -> str:
        """Where an ALTER ... DELETE must run: the local tables on every node of a cluster."""
        if self._settings.cluster:
            return f"{self.database}.{table}_local ON CLUSTER {self._settings.cluster}"
        return f"{self.database}.{table}"

    def _quarantine_segment(self, segment: Segment, exc: BaseException) -> None:
        self.stats.segments_quarantined += 1
        self._quarantine.mkdir(parents=True, exist_ok=True)
        shutil.move(segment.path, self._quarantine / segment.path.name)
        self._release(segment)
        log.error(
            "segment quarantined: ClickHouse rejected it permanently",
            extra={"segment": segment.name, "error": type(exc).__name__},
        )


__all__ = ["Sink", "SinkSettings", "SinkStats", "SpoolFull", "TABLE_BY_ROW_TYPE"]
