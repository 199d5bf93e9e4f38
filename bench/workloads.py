"""The request mixes the benchmark sends, built before any timed window.

Every native batch holds 100 events from one till (one install, one session), as
an SDK flushing its queue would send it. Event ids are unique across a run: a
random per-run prefix plus a counter, so building them costs no ``uuid4`` call.

- ``structured``: app_start, module_view and usage_counts only;
- ``templated_errors``: 10% error events whose messages come from 200
  templates that differ between events only in their numbers;
- ``unique_errors``: 10% error events whose every message is new, in words as
  well as numbers, so no cache keyed on digit-masked text can hit;
- ``sentry_errors``: Sentry envelopes to ``POST /api/1/envelope/``, one error
  event each (as Sentry SDKs send them), from the same 200 templates, shaped as
  the .NET SDK sends them, with the parts the collector drops (breadcrumbs,
  ``extra``, ``request``, ``server_name``) included so their parsing is paid.

``PROTOCOLS`` says how each workload is sent and acknowledged (``loadgen``'s
``--auth``, ``--content-type`` and ``--ack``); ``CEILING_BODIES`` which bodies
drive the ceiling for it.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec

WORKLOADS = ("structured", "templated_errors", "unique_errors", "sentry_errors")
SENTRY_WORKLOADS = frozenset({"sentry_errors"})
EVENTS_PER_BATCH = 100
SENTRY_PROJECT = "1"  # mapped to omnix-pos, in the demo tenant and in the bench's config


@dataclass(frozen=True)
class Protocol:
    """How a workload's bodies are sent and how the reply acknowledges events."""

    path: str  # URL path on the server
    auth: str  # "bearer" (Authorization: Bearer) or "sentry" (X-Sentry-Auth, as native Sentry SDKs send it)
    content_type: str
    ack: str  # "accepted": sum of "accepted" over 202 replies; "one-per-200": one event per 200 reply
    events_per_body: int


NATIVE = Protocol("/v1/events", "bearer", "application/json", "accepted", EVENTS_PER_BATCH)
PLAIN = Protocol("/v1/events/plain", "bearer", "application/json", "accepted", EVENTS_PER_BATCH)  # bench.ceiling only
SENTRY = Protocol(f"/api/{SENTRY_PROJECT}/envelope/", "sentry", "application/x-sentry-envelope", "one-per-200", 1)
PROTOCOLS = {w: SENTRY if w in SENTRY_WORKLOADS else NATIVE for w in WORKLOADS}
# The ceiling is plain decoding of native 100-event batches for every workload; for Sentry envelopes
# it is W2's (same templates), so the share says what one event per request costs.
CEILING_BODIES = {w: "templated_errors" if w in SENTRY_WORKLOADS else w for w in WORKLOADS}
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
        if workload not in WORKLOADS or workload in SENTRY_WORKLOADS:
            raise ValueError(f"not a native workload: {workload!r}; one of {sorted(set(WORKLOADS) - SENTRY_WORKLOADS)}")
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


# Frames a .NET till's SQLite failure shows, oldest call first; the last few are library code.
_APP_FRAMES = (
    ("Omnix.Pos.Program", "Main", "Program.cs"),
    ("Omnix.Pos.UI.MainWindow", "OnModuleSelected", "MainWindow.cs"),
    ("Omnix.Pos.Sales.SaleForm", "CompleteSale", "SaleForm.cs"),
    ("Omnix.Pos.Data.SaleRepository", "SaveAsync", "SaleRepository.cs"),
)
_LIBRARY_FRAMES = (
    ("Microsoft.Data.Sqlite.SqliteDataReader", "NextResult", "SqliteDataReader.cs"),
    ("Microsoft.Data.Sqlite.SqliteException", "ThrowExceptionForRC", "SqliteException.cs"),
)
_BREADCRUMBS = (
    ("navigation", "Opened {module} module"),
    ("ui.click", "Clicked 'Complete sale' on till {till}"),
    ("http", "POST https://sync.omnix.example/api/v2/batches returned 200 in {ms} ms"),
    ("query", "SELECT * FROM sales WHERE till_id = {till} AND synced = 0"),
    ("default", "Cashier Jane Wanjiru (+254 712 345 678) signed in"),
)
_SENTRY_SDK = {"name": "sentry.dotnet", "version": "5.0.0"}
_SENTRY_CONTEXTS = {
    "os": {"name": "Windows", "version": "10.0.19045"},
    "runtime": {"name": ".NET", "version": "8.0.1"},
    "device": {"family": "Desktop"},
}


class EnvelopeBuilder:
    """Sentry envelopes, one error event each, from ``error_templates``; event ids never repeat."""

    def __init__(self, seed: int, installs: int = 5000):
        self._rng = random.Random(seed)
        self._templates = error_templates()
        # One code path per template, as one error raised at one place always shows the same stack:
        # 200 distinct stacks, as workload 2 has 200 distinct messages.
        self._stacks = [self._frames(self._rng) for _ in self._templates]
        self._id_prefix = f"{self._rng.getrandbits(80):020x}"
        self._next_id = 0
        # user.id is the install id: 5 000 of them keep each under the per-install rate limit.
        self._installs = [str(uuid.UUID(int=self._rng.getrandbits(128), version=4)) for _ in range(installs)]
        now = dt.datetime.now(dt.timezone.utc)
        self._sent_at = now.isoformat(timespec="milliseconds")
        # At most 40 minutes old when built, as for the native workloads.
        self._timestamps = [
            (now - dt.timedelta(seconds=self._rng.uniform(0, 2400))).isoformat(timespec="microseconds")
            for _ in range(4096)
        ]
        self._envelopes = 0

    def _event_id(self) -> str:
        self._next_id += 1
        return f"{self._id_prefix}{self._next_id:012x}"

    def _frames(self, rng: random.Random) -> list[dict]:
        """3-6 frames, oldest call first: some of the app's, then (mostly) the SQLite library's."""
        app = _APP_FRAMES[-rng.randint(1, len(_APP_FRAMES)) :]
        library = _LIBRARY_FRAMES[-rng.randint(1, len(_LIBRARY_FRAMES)) :] if len(app) < 4 or rng.random() < 0.5 else ()
        frames = [
            {"function": function, "module": module, "filename": filename, "lineno": rng.randint(10, 2000), "in_app": True}
            for module, function, filename in app
        ]
        frames += [
            {"function": function, "module": module, "filename": filename, "lineno": rng.randint(10, 900), "in_app": False}
            for module, function, filename in library
        ]
        while len(frames) < 3:
            frames.insert(0, {"function": "ThreadStart", "module": "System.Threading.Thread", "filename": "Thread.cs",
                              "lineno": rng.randint(10, 400), "in_app": False})  # fmt: skip
        return frames

    def event(self, event_id: str) -> dict:
        rng = self._rng
        install = self._installs[self._envelopes % len(self._installs)]
        module = rng.choice(MODULES)
        till = rng.randint(1, 64)
        timestamp = rng.choice(self._timestamps)
        template = rng.randrange(len(self._templates))
        return {
            "event_id": event_id,
            "timestamp": timestamp,
            "platform": "csharp",
            "level": "error",
            "logger": "Omnix.Pos.Sales",
            "release": "omnix-pos@4.2.10",
            "environment": "production",
            "server_name": f"TILL-{till:02d}",
            "sdk": {**_SENTRY_SDK, "packages": [{"name": "nuget:Sentry", "version": "5.0.0"}]},
            "contexts": _SENTRY_CONTEXTS,
            "user": {"id": install},
            "tags": {"module": module},
            "exception": {"values": [{
                "type": "SqliteException",
                "value": templated_message(rng, self._templates[template]),
                "module": "Microsoft.Data.Sqlite",
                "mechanism": {"type": "AppDomain.UnhandledException", "handled": False},
                "stacktrace": {"frames": self._stacks[template]},
            }]},  # fmt: skip
            # Dropped by the collector, read by its JSON parser all the same:
            "breadcrumbs": [
                {"timestamp": timestamp, "category": category, "level": "info",
                 "message": message.format(module=module, till=till, ms=rng.randint(20, 900))}
                for category, message in _BREADCRUMBS
            ],  # fmt: skip
            "extra": {"till": till, "branch": f"Branch {rng.randint(1, 40)}", "cashier": "Jane Wanjiru",
                      "queue_depth": rng.randint(0, 500)},  # fmt: skip
            "request": {
                "url": f"https://pos.omnix.example/till/{till}/sale?customer=jane%40example.com",
                "method": "POST",
                "headers": {"User-Agent": "OmnixPos/4.2.10 (Windows NT 10.0)", "Cookie": "session=2f1c9a0b7d"},
            },
        }

    def body(self) -> bytes:
        event_id = self._event_id()
        payload = msgspec.json.encode(self.event(event_id))
        self._envelopes += 1
        header = msgspec.json.encode({"event_id": event_id, "sent_at": self._sent_at, "sdk": _SENTRY_SDK})
        item = msgspec.json.encode({"type": "event", "length": len(payload)})
        return b"\n".join((header, item, payload)) + b"\n"


_LENGTH = struct.Struct("<I")


def write_bodies(path: Path, workload: str, count: int, seed: int) -> None:
    """Build ``count`` bodies once, so that every run of a workload loads them instead of building them."""
    builder = EnvelopeBuilder(seed) if workload in SENTRY_WORKLOADS else BatchBuilder(workload, seed)
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
