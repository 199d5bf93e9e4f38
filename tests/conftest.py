"""One real collector for the test session: aiohttp on a free port, real Presidio, real chDB.

chDB holds one engine path per process, so the in-process collector is shared
by the whole session; tests keep apart by tenant and install id. Tests that
restart or kill a collector run it as a subprocess with its own data directory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from collector import create_app, load_config
from collector.resources import SINK
from sink import Sink

ROOT = Path(__file__).resolve().parent.parent

ACME_INGEST = "ik_acme_0123456789abcdef0123"
ACME_ADMIN = "ak_acme_0123456789abcdef0123"
GLOBEX_INGEST = "ik_globex_0123456789abcdef01"
GLOBEX_ADMIN = "ak_globex_0123456789abcdef01"
INITECH_INGEST = "ik_initech_0123456789abcdef"
LIMITED_INGEST = "ik_limited_0123456789abcdef"
QUOTA_INGEST = "ik_quota_0123456789abcdef01"
FRUGAL_INGEST = "ik_frugal_0123456789abcdef"
DEPARTING_INGEST = "ik_departing_0123456789abcd"
DEPARTING_ADMIN = "ak_departing_0123456789abcd"
OPERATOR = "ok_operator_0123456789abcdef"

CONFIG_TOML = f"""
operator_keys = ["{OPERATOR}"]

[spool]
flush_interval_s = 0.2

[scrub]
workers = 1

[tenants.acme]
ingest_keys = ["{ACME_INGEST}"]
admin_keys = ["{ACME_ADMIN}"]
apps = ["omnix-pos"]
modules = ["sales", "pharmacy", "hr", "banking"]
count_keys = ["branches", "users", "products", "sales_count"]
deny_terms = ["Project Falcon"]
attribute_keys = ["branch", "module", "feature.flag"]
sentry_projects = {{ "17" = "omnix-pos" }}
cors_origins = ["https://shop.example"]

[tenants.globex]
ingest_keys = ["{GLOBEX_INGEST}"]
admin_keys = ["{GLOBEX_ADMIN}"]
apps = ["inventory-web"]
modules = ["inventory"]
count_keys = ["products"]
sentry_projects = {{ "42" = "inventory-web" }}
cors_origins = ["https://inventory.example"]

[tenants.initech]
ingest_keys = ["{INITECH_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
app_records_consent = true

[tenants.limited]
ingest_keys = ["{LIMITED_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
install_rate_limit_events_per_s = 0.1
install_rate_limit_burst = 5
sentry_projects = {{ "5" = "omnix-pos" }}

# Only tests/test_scrub_only_what_is_kept.py sends to this tenant: it counts the tenant's scrub report.
[tenants.frugal]
ingest_keys = ["{FRUGAL_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
install_rate_limit_events_per_s = 0.01
install_rate_limit_burst = 3

# Only tests/test_offboarding.py sends to this tenant: it is offboarded during the session.
[tenants.departing]
ingest_keys = ["{DEPARTING_INGEST}"]
admin_keys = ["{DEPARTING_ADMIN}"]
apps = ["omnix-pos"]
modules = ["sales"]
sentry_projects = {{ "77" = "omnix-pos" }}

[tenants.quota]
ingest_keys = ["{QUOTA_INGEST}"]
apps = ["omnix-pos"]
modules = ["sales"]
daily_event_quota = 10
sentry_projects = {{ "6" = "omnix-pos" }}
"""


def make_event(type_: str = "app_start", **overrides) -> dict:
    """A valid event of ``type_``; overrides replace top-level fields."""
    event = {
        "event_id": str(uuid.uuid4()),
        "install_id": str(uuid.uuid4()),
        "session_id": str(uuid.uuid4()),
        "ts": dt.datetime.now(dt.timezone.utc).isoformat(),
        "type": type_,
        "app": {"name": "omnix-pos", "version": "4.2.10", "platform": "windows"},
        "os": {"name": "Windows", "version": "10.0.19045"},
        "module": "sales",
    }
    if type_ == "module_view":
        event["duration_ms"] = 1500
    elif type_ == "usage_counts":
        event["counts"] = {"branches": 3, "users": 12, "products": 420, "sales_count": 97}
    elif type_ == "error":
        event["error"] = {"type": "SqliteException", "message": "database is locked", "stack": ""}
    event.update(overrides)
    return event


@dataclass
class Collector:
    url: str
    app: web.Application
    session: aiohttp.ClientSession

    @property
    def sink(self) -> Sink:
        return self.app[SINK]

    async def post(self, body, key: str = ACME_INGEST, **headers) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", **headers}
        if isinstance(body, (dict, list)):
            import orjson

            body = orjson.dumps(body)
        return await self.session.post(f"{self.url}/v1/events", data=body, headers=headers)

    async def rows(self, sql: str) -> list[tuple]:
        _, rows = await self.sink.query(sql, {})
        return rows

    async def wait_for_rows(self, sql: str, expected: int, timeout_s: float = 15) -> int:
        """Poll ``sql`` (a single count) until it reaches ``expected``; return the last count."""
        deadline = time.monotonic() + timeout_s
        count = -1
        while time.monotonic() < deadline:
            count = (await self.rows(sql))[0][0]
            if count >= expected:
                return count
            await asyncio.sleep(0.1)
        return count


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest_asyncio.fixture(scope="session")
async def collector(tmp_path_factory) -> Collector:
    data_dir = tmp_path_factory.mktemp("collector")
    config_file = data_dir / "collector.toml"
    config_file.write_text(CONFIG_TOML)
    config = load_config(config_file, data_dir)
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, auto_decompress=False, handle_signals=False)
    await runner.setup()
    sock = _bound_socket()
    site = web.SockSite(runner, sock)
    await site.start()
    port = sock.getsockname()[1]
    async with aiohttp.ClientSession() as session:
        yield Collector(f"http://127.0.0.1:{port}", app, session)
    await runner.cleanup()


def free_port() -> int:
    with _bound_socket() as sock:
        return sock.getsockname()[1]


@dataclass
class CollectorProcess:
    """A collector in its own process (its own chDB engine), for restart and kill tests."""

    data_dir: Path
    port: int
    config_file: Path | None = None
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    out_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 90) -> None:
        args = [sys.executable, "-m", "collector", "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)]
        if self.config_file:
            args += ["--config", str(self.config_file)]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # stdout is the console banner (it prints the demo keys); stderr is the JSON log.
        self.log_path = self.data_dir / "collector.log"
        self.out_path = self.data_dir / "collector.out"
        with open(self.log_path, "ab") as log, open(self.out_path, "ab") as out:
            self.process = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=log)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"collector exited with {self.process.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("collector did not start in time")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 60) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout_s)

    def query(self, sql: str) -> list[list]:
        """Rows from the stored data, through the CLI (the running collector, or the directory)."""
        import orjson

        args = [sys.executable, "-m", "collector", "query", sql, "--reason", "test suite: checking stored rows",
                "--data-dir", str(self.data_dir), "--port", str(self.port)]  # fmt: skip
        if self.config_file:
            args += ["--config", str(self.config_file)]
        out = subprocess.run(args, cwd=ROOT, capture_output=True, check=True, timeout=120).stdout.decode()
        lines = out.strip().splitlines()
        return [orjson.loads(line) for line in lines[1:]]


@pytest.fixture
def collector_process(tmp_path):
    proc = CollectorProcess(data_dir=tmp_path / "data", port=free_port())
    yield proc
    if proc.process and proc.process.poll() is None:
        proc.process.kill()
        proc.process.wait()


def demo_ingest_key(data_dir: Path) -> str:
    import orjson

    return orjson.loads((data_dir / "demo_keys.json").read_bytes())["ingest_key"]


