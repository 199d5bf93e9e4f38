"""The three request mixes the benchmark sends, built before any timed window.

Every batch holds 100 events from one till (one install, one session), as an
SDK flushing its queue would send it. Event ids are unique across a run: a
random per-run prefix plus a counter, so building them costs no ``uuid4`` call.

- ``structured``: app_start, module_view and usage_counts only;
- ``templated_errors``: 10% error events whose messages come from 200
  templates that differ between events only in their numbers;
- ``unique_errors``: 10% error events whose every message is new, in words as
  well as numbers, so no cache keyed on digit-masked text can hit.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec

WORKLOADS = ("structured", "templated_errors", "unique_errors")
EVENTS_PER_BATCH = 100
ERROR_SHARE = 0.10
MODULES = ("sales", "pharmacy", "hr", "banking", "inventory", "reports", "settings")
COUNT_KEYS = ("branches", "users", "products", "sales_count")
_APP = {"name": "omnix-pos", "version": "4.2.10", "platform": "windows"}
_OS = {"name": "Windows", "version": "10.0.19045"}

# Sentence shapes × source files = 200 templates; only numbers vary inside one.
_SHAPES = (
    "Sale {n} failed: SQLITE_BUSY after {ms}ms at {file}:line {l}",
    "STK push for till {t} timed out after {s}s in {file}",
    "Receipt {n} could not be printed: printer offline on port {p} ({file}:line {l})",
    "Stock level for item {n} went negative ({a}) after sync at {file}:line {l}",
    "Payment of KES {a}.00 for order {n} was declined with code {c} in {file}",
    "Database lock held for {ms}ms by batch {n} at {file}:line {l}",
    "Sync of {n} rows to branch {b} failed after {r} retries in {file}",
    "Till {t} drawer total {a} does not match expected {a2} at {file}:line {l}",
    "Invoice {n} total mismatch: {a} vs {a2} at {file}:line {l}",
    "Connection to host port {p} refused after {s}s, attempt {r} in {file}",
    "Disk write of {n} bytes failed with errno {c} at {file}:line {l}",
    "Shift {n} closed with {r} unsynced sales on till {t} in {file}",
    "Barcode scan returned {n} digits, expected {r} at {file}:line {l}",
    "Backup {n} took {s}s, over the {r}s budget in {file}",
    "Queue depth {n} exceeded limit {a} after {ms}ms in {file}:line {l}",
    "Price list version {n} rejected: {r} items without tax code at {file}:line {l}",
    "Refund {n} of {a}.00 blocked: sale older than {r} days in {file}",
    "Report {n} timed out after {s}s scanning {a} rows at {file}:line {l}",
    "HTTP {c} from sync endpoint after {ms}ms, batch {n} in {file}",
    "Prescription {n} dosage field overflow ({a}) at {file}:line {l}",
    "Payroll run {n} stopped at record {a} of {a2} in {file}:line {l}",
    "Loyalty points update {n} lost {r} points in {file}:line {l}",
    "Cash-up for till {t} off by {a} after {r} sales in {file}",
    "Thread pool exhausted: {r} of {r} workers busy for {ms}ms at {file}:line {l}",
    "Migration step {n} failed at table {r} after {s}s in {file}",
)
_FILES = (
    "SaleForm.cs", "MpesaClient.cs", "StockService.cs", "ReceiptPrinter.cs",
    "SyncWorker.cs", "PayrollJob.cs", "PharmacyForm.cs", "ReportRunner.cs",
)  # fmt: skip

# Several hundred technical words; a unique message draws 7–13 of them.
_VOCABULARY = """
abort access accumulator acknowledge adapter address aggregate alignment allocate allocator
anchor append archive argument array assembly assert async atomic attribute audit backend
backoff backlog bandwidth barrier baseline batch binary binding bitmap block boolean bootstrap
bounds branch breakpoint broker buffer build bundle bytecode cache callback canonical capacity
cascade cast catalog certificate channel charset checkpoint checksum chunk cipher circuit class
cleanup client clock cluster codec collation collection column commit compaction compile
component compression concurrency condition config connection consistency constraint consumer
container context contract controller cookie coordinator copy core counter cursor daemon
dashboard database datagram deadline deadlock debounce decimal decode decoder default delegate
delete delimiter dependency deploy deprecated descriptor deserialize device dictionary digest
directory dirty dispatch display document domain driver dump duplicate dynamic element
embedded emitter empty encoder encoding encrypt endpoint engine entity entry enum environment
epoch error escape evaluate event eviction exception executor expiry export expression
extension failover fallback fault feature fetch field fifo filesystem filter firmware flag
flush folder font footer fork format fragment frame framework function garbage gateway
generator getter global gradient graph grid guard handle handler handshake hash header heap
heartbeat helper hierarchy histogram hook host hotfix identifier idle image immutable import
index inflate initializer inline input insert instance integer interface interrupt interval
invariant invoke iterator journal kernel keyboard keystore label lambda latency layer layout
lease ledger library lifecycle limit linker listener literal loader locale lock logger lookup
loop mapper marshal master matrix memory merge message metadata method metric middleware
migration mirror module monitor mutex namespace network node nonce normalize notification null
object offset operand operator optimizer option overflow package padding page pagination
parameter parent parser partition patch payload peer pending permission persist pipeline
pixel platform plugin pointer policy poll pool port prefetch prefix primary printer priority
procedure process profile promise property protocol provider proxy publisher query queue quota
race random range reader rebase receiver record recursion redirect reducer refactor reference
refresh region register registry regression release relay remote render replica report
repository request reserve resolver resource response restore result retry revision rollback
root rotate router routine runtime sandbox scalar scanner schema scheduler scope script
segment selector semaphore sequence serializer server service session setter shard shell
signal signature singleton slice snapshot socket sorter source span spinlock stack statement
stream string struct subscriber suffix supervisor switch symbol sync syntax table tablet task
template tenant terminal thread threshold throttle timeout timer token topic trace transaction
transform trigger tuple type unicode union unit update upstream validator value variable
vector vendor version viewport volume watchdog webhook widget window worker wrapper write
""".split()


def error_templates() -> list[str]:
    """The 200 message templates of ``templated_errors``; placeholders are numbers only."""
    return [shape.replace("{file}", file) for shape in _SHAPES for file in _FILES]


def templated_message(rng: random.Random, template: str) -> str:
    def num(lo: int, hi: int) -> str:
        return str(rng.randint(lo, hi))

    return template.format(
        n=num(1000, 999_999), ms=num(5, 30_000), l=num(10, 2000), t=num(1, 64), s=num(1, 120),
        p=num(1024, 65_000), a=num(1, 250_000), a2=num(1, 250_000), c=num(1, 599), b=num(1, 40), r=num(1, 12),
    )  # fmt: skip


def unique_message(rng: random.Random) -> str:
    words = rng.choices(_VOCABULARY, k=rng.randint(7, 13))
    words[0] = words[0].capitalize()
    cut = rng.randint(2, len(words) - 2)
    return f"{' '.join(words[:cut])}: {' '.join(words[cut:])} (ref {rng.getrandbits(48):012x})"


def error_messages(workload: str, count: int, seed: int) -> list[str]:
    """``count`` error messages as ``workload`` would send them (for the Presidio comparison)."""
    rng = random.Random(seed)
    if workload == "unique_errors":
        return [unique_message(rng) for _ in range(count)]
    templates = error_templates()
    return [templated_message(rng, rng.choice(templates)) for _ in range(count)]


class BatchBuilder:
    """Builds request bodies for one workload; ids never repeat within one builder."""

    def __init__(self, workload: str, seed: int, installs: int = 5000):
        if workload not in WORKLOADS:
            raise ValueError(f"unknown workload {workload!r}; one of {WORKLOADS}")
        self._rng = random.Random(seed)
        self._message = self._message_maker(workload)
        self._id_prefix = str(uuid.UUID(int=self._rng.getrandbits(128)))[:23]
        self._next_id = 0
        # Thousands of tills, each a few batches: realistic, and under the per-install rate limit.
        self._installs = [str(uuid.UUID(int=self._rng.getrandbits(128), version=4)) for _ in range(installs)]
        # At most 40 minutes old when built, so still within the hour at the end of a 15-minute bench.
        now = dt.datetime.now(dt.timezone.utc)
        self._timestamps = [
            (now - dt.timedelta(seconds=self._rng.uniform(0, 2400))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            for _ in range(4096)
        ]
        self._batches = 0

    def _message_maker(self, workload: str) -> Callable[[], str] | None:
        if workload == "structured":
            return None
        if workload == "unique_errors":
            return lambda: unique_message(self._rng)
        templates = error_templates()
        return lambda: templated_message(self._rng, self._rng.choice(templates))

    def _event_id(self) -> str:
        self._next_id += 1
        return f"{self._id_prefix}-{self._next_id:012x}"

    def _event(self, install: str, session: str) -> dict:
        rng = self._rng
        event = {
            "event_id": self._event_id(),
            "install_id": install,
            "session_id": session,
            "ts": rng.choice(self._timestamps),
            "app": _APP,
            "os": _OS,
            "module": rng.choice(MODULES),
            "locale": "en-KE",
        }
        roll = rng.random()
        if self._message is not None and roll < ERROR_SHARE:
            event["type"] = "error"
            event["error"] = {"type": "SqliteException", "message": self._message(), "stack": ""}
        elif roll < 0.3:
            event["type"] = "app_start"
        elif roll < 0.8:
            event["type"] = "module_view"
            event["duration_ms"] = rng.randint(50, 600_000)
        else:
            event["type"] = "usage_counts"
            event["counts"] = {key: rng.randint(0, 5000) for key in COUNT_KEYS}
        return event

    def body(self) -> bytes:
        install = self._installs[self._batches % len(self._installs)]
        session = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        self._batches += 1
        return msgspec.json.encode({"events": [self._event(install, session) for _ in range(EVENTS_PER_BATCH)]})

    def bodies(self, count: int) -> list[bytes]:
        return [self.body() for _ in range(count)]


_LENGTH = struct.Struct("<I")


def write_bodies(path: Path, workload: str, count: int, seed: int) -> None:
    """Build ``count`` bodies once, so that every run of a workload loads them instead of building them."""
    builder = BatchBuilder(workload, seed)
    with path.open("wb") as out:
        for _ in range(count):
            body = builder.body()
            out.write(_LENGTH.pack(len(body)))
            out.write(body)


def read_bodies(path: Path, limit: int) -> list[bytes]:
    return list(_iter_bodies(path.read_bytes(), limit))


def _iter_bodies(data: bytes, limit: int) -> Iterator[bytes]:
    offset = 0
    while offset < len(data) and limit > 0:
        (size,) = _LENGTH.unpack_from(data, offset)
        offset += _LENGTH.size
        yield data[offset : offset + size]
        offset += size
        limit -= 1
