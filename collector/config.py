"""The collector's configuration: one typed object, read once at start and passed in.

The TOML file (``--config``) holds the ClickHouse URL, the spool limits and one
table per tenant. Without a file, a ``demo`` tenant is made with keys generated
once and kept under the data directory, so ``make run`` works out of the box.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import msgspec
import orjson

from scrubbers import TenantPolicy

_TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MIN_KEY_CHARS = 20
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 1, 180
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


class ClickHouseConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: str | None = None  # chdb:///abs/path or http(s)://user:pass@host:8123/database
    cluster: str | None = None


class SpoolConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    max_bytes: int = 256 * 1024 * 1024
    segment_max_bytes: int = 8 * 1024 * 1024
    flush_interval_s: float = 1.0
    shutdown_timeout_s: float = 30.0
    max_rss_bytes: int = 4 * 1024**3  # past this resident size, POST /v1/events answers 503
    idempotency_window_s: float = 24 * 3600  # a client retry within this window is not stored twice
    idempotency_max_ids: int = 500_000


class ScrubConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    workers: int = 0  # scrubbing worker processes; 0: one per core


class TestingConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fault hooks for the test suite only; never set in production."""

    insert_fault_file: str | None = None  # while this file exists, every ClickHouse insert fails
    receive_clock_offset_s: float = 0.0  # shifts the receive clock: makes rows received "days ago" for retention tests


class TenantReaderConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The tenant's read-only ClickHouse user, as which an operator query confined to the tenant runs.

    The server, not the collector, confines it: the user's row policy lets only the
    tenant's rows through and its settings profile pins ``readonly`` (deploy/compose's
    ``grafana_<tenant>`` users). A ClickHouse server only; the embedded engine has no users.
    """

    user: str = ""
    password_file: str = ""  # read when the collector first queries as this user; only the path is kept


class TenantConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    ingest_keys: list[str]
    admin_keys: list[str] = []
    apps: list[str] = []
    modules: list[str] = []
    count_keys: list[str] = []
    attribute_keys: list[str] = []  # Sentry tag and OpenTelemetry attribute keys to keep (values scrubbed)
    # Sentry project ids this tenant's keys may send to, each mapped to one of its apps: { "17" = "omnix-pos" }.
    sentry_projects: dict[str, str] = {}
    cors_origins: list[str] = []  # browser origins allowed to call the collector, e.g. "https://shop.example"
    deny_terms: list[str] = []
    allow_terms: list[str] = []
    disabled_entities: list[str] = []
    # Set when the app asks for consent itself; otherwise DNT: 1 / Sec-GPC: 1 requests are dropped.
    app_records_consent: bool = False
    rate_limit_events_per_s: float = 5_000.0
    rate_limit_burst: int = 50_000
    # A till back online after days sends its backlog: a generous burst, then a steady rate.
    install_rate_limit_events_per_s: float = 20.0
    install_rate_limit_burst: int = 5_000
    daily_event_quota: int = 0  # 0: no quota
    retention_days: int = 180  # 1 to 180: how long analytics rows are kept (the audit trail: 24 months)
    reader: TenantReaderConfig | None = None  # for operator queries confined to this tenant (X-Access-Tenant)

    def policy(self) -> TenantPolicy:
        return TenantPolicy(
            apps=frozenset(self.apps),
            modules=frozenset(self.modules),
            count_keys=frozenset(self.count_keys),
            attribute_keys=frozenset(self.attribute_keys),
            deny_terms=tuple(self.deny_terms),
            allow_terms=tuple(self.allow_terms),
            disabled_entities=frozenset(self.disabled_entities),
            retention_days=self.retention_days,
        )


class FileConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the TOML file may contain."""

    clickhouse: ClickHouseConfig = msgspec.field(default_factory=ClickHouseConfig)
    spool: SpoolConfig = msgspec.field(default_factory=SpoolConfig)
    scrub: ScrubConfig = msgspec.field(default_factory=ScrubConfig)
    tenants: dict[str, TenantConfig] = {}
    # Deployment-wide, read-only SQL over every tenant's rows (``python -m collector query``).
    operator_keys: list[str] = []
    id_hash_secret_file: str | None = None
    testing: TestingConfig = msgspec.field(default_factory=TestingConfig)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    host: str
    port: int
    clickhouse_url: str
    clickhouse_cluster: str | None
    tenants: dict[str, TenantConfig]
    operator_keys: list[str]
    id_hash_secret: bytes
    spool: SpoolConfig
    scrub: ScrubConfig
    config_file: Path | None = None
    insert_fault_file: Path | None = None
    receive_clock_offset_s: float = 0.0  # tests only (``[testing]``)

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "spool"


DEMO_APPS = ["omnix-pos", "inventory-web", "support-chat", "time-tracker"]
DEMO_MODULES = ["sales", "pharmacy", "hr", "banking", "inventory", "reports", "settings", "chat", "timesheets"]
DEMO_COUNT_KEYS = ["branches", "users", "products", "sales_count", "employees", "open_tickets"]


def load_config(
    config_file: Path | None, data_dir: Path, host: str = "127.0.0.1", port: int = 8080
) -> Config:
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if config_file is not None:
        file_config = msgspec.toml.decode(config_file.read_bytes(), type=FileConfig)
    else:
        keys = _demo_keys(data_dir)
        file_config = FileConfig(tenants={"demo": _demo_tenant(keys)}, operator_keys=[keys["operator_key"]])
    _validate_keys(file_config)
    _validate_readers(file_config)
    secret_path = Path(file_config.id_hash_secret_file) if file_config.id_hash_secret_file else data_dir / "id_hash.key"
    url = file_config.clickhouse.url or f"chdb://{data_dir / 'clickhouse'}"
    return Config(
        data_dir=data_dir,
        host=host,
        port=port,
        clickhouse_url=url,
        clickhouse_cluster=file_config.clickhouse.cluster,
        tenants=file_config.tenants,
        operator_keys=file_config.operator_keys,
        id_hash_secret=_read_or_create_secret(secret_path),
        spool=file_config.spool,
        scrub=file_config.scrub,
        config_file=config_file,
        insert_fault_file=Path(file_config.testing.insert_fault_file) if file_config.testing.insert_fault_file else None,
        receive_clock_offset_s=file_config.testing.receive_clock_offset_s,
    )


def demo_keys_path(data_dir: Path) -> Path:
    return data_dir / "demo_keys.json"


def _demo_keys(data_dir: Path) -> dict[str, str]:
    path = demo_keys_path(data_dir)
    if not path.exists():
        keys = {
            "ingest_key": "ik_" + secrets.token_urlsafe(24),
            "admin_key": "ak_" + secrets.token_urlsafe(24),
            "operator_key": "ok_" + secrets.token_urlsafe(24),
        }
        _write_private(path, orjson.dumps(keys, option=orjson.OPT_INDENT_2))
    return orjson.loads(path.read_bytes())


def _demo_tenant(keys: dict[str, str]) -> TenantConfig:
    return TenantConfig(
        ingest_keys=[keys["ingest_key"]],
        admin_keys=[keys["admin_key"]],
        apps=DEMO_APPS,
        modules=DEMO_MODULES,
        count_keys=DEMO_COUNT_KEYS,
        # Sentry DSNs http://<ingest key>@127.0.0.1:8080/1 ... /4, one project per demo app.
        sentry_projects={str(number): app for number, app in enumerate(DEMO_APPS, start=1)},
        attribute_keys=["module"],
    )


def _validate_keys(file_config: FileConfig) -> None:
    owners = [("operators", file_config.operator_keys)]
    for tenant_id, tenant in file_config.tenants.items():
        if not _TENANT_ID.match(tenant_id):
            raise ValueError("tenant ids must match [a-z0-9][a-z0-9_-]{0,63}")
        owners.append((f"tenant {tenant_id}", [*tenant.ingest_keys, *tenant.admin_keys]))
        for project_id, app in tenant.sentry_projects.items():
            if not project_id.isdigit() or len(project_id) > 12:
                raise ValueError(f"tenant {tenant_id}: sentry_projects keys must be numeric project ids")
            if app not in tenant.apps:
                raise ValueError(f"tenant {tenant_id}: sentry_projects maps a project id to an app not in apps")
        if not MIN_RETENTION_DAYS <= tenant.retention_days <= MAX_RETENTION_DAYS:
            raise ValueError(f"tenant {tenant_id}: retention_days must be from {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS}")
        for origin in tenant.cors_origins:
            if not _ORIGIN.match(origin):
                raise ValueError(f"tenant {tenant_id}: cors_origins must be scheme://host[:port], no path")
    seen: set[str] = set()
    for owner, keys in owners:
        for key in keys:
            if len(key) < MIN_KEY_CHARS:
                raise ValueError(f"{owner}: every key needs at least {MIN_KEY_CHARS} characters")
            if key in seen:
                raise ValueError(f"{owner}: a key is used twice")
            seen.add(key)


_READER_USER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _validate_readers(file_config: FileConfig) -> None:
    """Each reader names its own user and a password file the collector can read; messages never hold the password."""
    url = file_config.clickhouse.url or ""
    collector_user = unquote(urlsplit(url).username or "default") if url.startswith(("http:", "https:")) else None
    owner_of_user: dict[str, str] = {}
    for tenant_id, tenant in file_config.tenants.items():
        reader = tenant.reader
        if reader is None:
            continue
        if not reader.user or not reader.password_file:
            raise ValueError(f"tenant {tenant_id}: reader needs both user and password_file")
        if not _READER_USER.match(reader.user):
            raise ValueError(f"tenant {tenant_id}: reader.user must match [A-Za-z0-9_.-]{{1,64}}")
        if reader.user == collector_user:
            raise ValueError(f"tenant {tenant_id}: reader.user is the collector's own ClickHouse user, which sees every tenant")
        if reader.user in owner_of_user:
            # One row policy per user: a shared user would confine one tenant's queries to another's rows.
            raise ValueError(f"tenant {tenant_id}: reader.user is tenant {owner_of_user[reader.user]}'s too")
        owner_of_user[reader.user] = tenant_id
        try:
            password = Path(reader.password_file).read_bytes()
        except OSError as exc:
            raise ValueError(f"tenant {tenant_id}: reader.password_file cannot be read ({exc.strerror})") from None
        if not password.strip():
            raise ValueError(f"tenant {tenant_id}: reader.password_file is empty")


def _read_or_create_secret(path: Path) -> bytes:
    if not path.exists():
        _write_private(path, secrets.token_bytes(32).hex().encode())
    return bytes.fromhex(path.read_text().strip())


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
