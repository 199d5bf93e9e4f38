"""An operator query confined to one tenant runs as the tenant's read-only ClickHouse user, or is refused saying why.

No ClickHouse server can run on this machine (none is packaged for it but an
ancient 18.16), so the server path is tested against a stand-in: a small HTTP
server that answers what clickhouse-connect asks when a client opens (version
and timezone, ``system.settings``) as a server would for a user under the
deploy's ``grafana_readonly`` profile, records the user (basic auth), the
settings and the SQL of every request, and answers queries as each test says,
by default with a ClickHouse-style HTTP 500.

What the stand-in proves: the query reaches the server as the tenant's reader
user with the password from its file, never as the collector's own user; only
settings a ``readonly = 1`` profile lets a user change are sent (the stand-in
refuses the others with error 164, READONLY, as ClickHouse does); the collector
keeps at most ``MAX_QUERY_ROWS`` rows; one client per reader, opened at first
use; server errors are reported without the SQL or its values. What it does not
prove: that the row policy confines the rows. ClickHouse enforces that, and the
stand-in does not parse SQL. It also imitates only the part of the HTTP
interface clickhouse-connect uses here; a real server is the final check.

The routing is exercised on an app with only the query route and the tenant
readers' cleanup context: the collector's Sink needs a real server to start, so a
stand-in keeps the audit rows. The embedded-engine refusal runs on the session's
real collector.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import msgspec
import orjson
import pytest
import pytest_asyncio
from aiohttp import web

from collector import load_config
from collector.__main__ import query as cli_query
from collector.operator import (
    EMBEDDED_CANNOT_CONFINE,
    MAX_QUERY_ROWS,
    NO_TENANT_READER,
    TENANT_READERS,
    UNKNOWN_TENANT,
    admin_query,
    open_tenant_readers,
)
from collector.resources import CONFIG, SINK
from collector.tenancy import TENANCY, Tenancy
from schemas import AuditRow
from sink import ReaderLogin
from tests.conftest import OPERATOR, ROOT, free_port

ACME_PASSWORD, GLOBEX_PASSWORD, COLLECTOR_PASSWORD = "acme-reader-pw-0123", "globex-reader-pw-0123", "collector-pw-0123"
REASON = "TICKET-77 acme asked why till 4 fails"


# --- a stand-in for a ClickHouse server --------------------------------------------------------------------


def _varuint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(value: str) -> bytes:
    data = value.encode()
    return _varuint(len(data)) + data


def native_block(*columns: tuple[str, str, list]) -> bytes:
    """One block of ClickHouse's Native format; String and UInt8 columns are all the tests need."""
    out = _varuint(len(columns)) + _varuint(len(columns[0][2]))
    for name, type_, values in columns:
        out += _string(name) + _string(type_)
        out += b"".join(_string(v) for v in values) if type_ == "String" else bytes(values)
    return out


# What system.settings shows a user of deploy/compose's grafana_readonly profile: readonly and
# max_result_rows pinned, and in readonly mode nothing else changeable but max_execution_time.
_PROFILE = {
    "readonly": ("1", 1),
    "max_result_rows": ("1000000", 1),
    "result_overflow_mode": ("throw", 1),
    "max_execution_time": ("60", 0),
    "date_time_input_format": ("basic", 1),
    "enable_http_compression": ("0", 1),
    "send_progress_in_http_headers": ("0", 1),
    "cancel_http_readonly_queries_on_client_close": ("0", 1),
}
_TRANSPORT_PARAMS = {"database", "query_id", "wait_end_of_query", "client_protocol_version", "session_id"}


def clickhouse_error(code: int, name: str, message: str, status: int = 500) -> web.Response:
    body = f"Code: {code}. DB::Exception: {message}. ({name}) (version 25.8.1.1 (official build))\n"
    return web.Response(status=status, text=body, headers={"X-ClickHouse-Exception-Code": str(code)})


@dataclass
class Seen:
    user: str
    password: str
    params: dict[str, str]
    sql: str

    @property
    def settings(self) -> dict[str, str]:
        return {k: v for k, v in self.params.items() if k not in _TRANSPORT_PARAMS}


@dataclass
class StandInClickHouse:
    users: dict[str, str]
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    async def answer(self, sql: str) -> web.Response:
        """Replaced by tests; by default the query fails as a server error would, quoting the SQL."""
        return clickhouse_error(60, "UNKNOWN_TABLE", f"Unknown table expression identifier in query: {sql}")

    async def handle(self, request: web.Request) -> web.Response:
        sql = (await request.read()).decode()
        user, _, password = base64.b64decode(request.headers.get("Authorization", "Basic Og==").split()[1]).decode().partition(":")
        seen = Seen(user, password, dict(request.query), sql.removesuffix("\n FORMAT Native"))
        self.seen.append(seen)
        if self.users.get(user) != password:
            return clickhouse_error(516, "AUTHENTICATION_FAILED", f"{user}: Authentication failed", status=403)
        for name, value in seen.settings.items():
            if name in _PROFILE and _PROFILE[name][1] and value != _PROFILE[name][0]:
                return clickhouse_error(164, "READONLY", f"Cannot modify '{name}' setting in readonly mode")
        if sql.startswith("SELECT version(), timezone()"):
            return web.Response(body=b"25.8.1.1\tUTC\n")
        if "FROM system.settings" in sql:
            names = list(_PROFILE)
            return web.Response(body=native_block(
                ("name", "String", names), ("value", "String", [_PROFILE[n][0] for n in names]),
                ("readonly", "UInt8", [_PROFILE[n][1] for n in names]),
            ))  # fmt: skip
        if sql.startswith("SELECT 1 AS check"):  # the protocol probe: answered as unsupported, so plain Native
            return clickhouse_error(1, "UNSUPPORTED_METHOD", "no protocol version here")
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self.answer(seen.sql)
        finally:
            self.in_flight -= 1

    def queries(self) -> list[Seen]:
        """The requests that were not a client opening."""
        opening = ("SELECT version()", "SELECT name, value, readonly FROM system.settings", "SELECT 1 AS check")
        return [s for s in self.seen if not s.sql.startswith(opening)]


def answer_rows(*values: str):
    async def answer(sql: str) -> web.Response:
        return web.Response(body=native_block(("tenant", "String", list(values))))

    return answer


# --- the query route on a server configuration ---------------------------------------------------------------


class AuditLog:
    """Stands in for the collector's Sink (which needs a real server to start): keeps the audit rows.

    A query through it would be a query as the collector's own user, which sees every tenant: it fails.
    """

    def __init__(self) -> None:
        self.rows: list[AuditRow] = []

    async def insert_now(self, rows: list) -> None:
        self.rows.extend(rows)

    async def query(self, *args, **kwargs):
        raise AssertionError("a tenant-confined query ran as the collector's own ClickHouse user")


@dataclass
class ServerCollector:
    url: str
    app: web.Application
    session: aiohttp.ClientSession
    clickhouse: StandInClickHouse
    audit: AuditLog
    config_file: Path
    data_dir: Path

    async def query(self, sql: str, tenant: str | None = "acme", reason: str = REASON) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {OPERATOR}", "X-Access-Reason": reason}
        if tenant is not None:
            headers["X-Access-Tenant"] = tenant
        return await self.session.post(f"{self.url}/v1/admin/query", data=orjson.dumps({"sql": sql}), headers=headers)


def _server_config(tmp_path: Path, clickhouse_url: str, readers: str) -> Path:
    config_file = tmp_path / "collector.toml"
    config_file.write_text(f"""
operator_keys = ["{OPERATOR}"]

[clickhouse]
url = "{clickhouse_url}"

[tenants.acme]
ingest_keys = ["ik_acme_reader_test_0123456789"]
apps = ["omnix-pos"]

[tenants.globex]
ingest_keys = ["ik_globex_reader_test_012345678"]
apps = ["inventory-web"]

[tenants.initech]
ingest_keys = ["ik_initech_reader_test_01234567"]
apps = ["omnix-pos"]
{readers}""")
    return config_file


def _password_file(tmp_path: Path, name: str, password: str) -> Path:
    path = tmp_path / name
    path.write_text(password + "\n")  # as init_secrets.py writes them
    return path


def _readers_toml(tmp_path: Path, acme_user: str = "grafana_acme") -> str:
    acme = _password_file(tmp_path, "grafana_acme_clickhouse_password", ACME_PASSWORD)
    globex = _password_file(tmp_path, "grafana_globex_clickhouse_password", GLOBEX_PASSWORD)
    return f"""
[tenants.acme.reader]
user = "{acme_user}"
password_file = "{acme}"

[tenants.globex.reader]
user = "grafana_globex"
password_file = "{globex}"
"""


@pytest_asyncio.fixture
async def server_collector(tmp_path) -> ServerCollector:
    clickhouse = StandInClickHouse({"grafana_acme": ACME_PASSWORD, "grafana_globex": GLOBEX_PASSWORD, "collector": COLLECTOR_PASSWORD})
    stand_in = web.Application()
    stand_in.router.add_route("*", "/{tail:.*}", clickhouse.handle)
    stand_in_runner = web.AppRunner(stand_in, access_log=None)
    await stand_in_runner.setup()
    stand_in_port = free_port()
    await web.TCPSite(stand_in_runner, "127.0.0.1", stand_in_port).start()

    url = f"http://collector:{COLLECTOR_PASSWORD}@127.0.0.1:{stand_in_port}/telemetry"
    config_file = _server_config(tmp_path, url, _readers_toml(tmp_path))
    data_dir = tmp_path / "data"
    port = free_port()
    config = load_config(config_file, data_dir, port=port)
    app = web.Application()
    app[CONFIG], app[TENANCY], app[SINK] = config, Tenancy(config), AuditLog()
    app.cleanup_ctx.append(open_tenant_readers)
    app.router.add_post("/v1/admin/query", admin_query)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with aiohttp.ClientSession() as session:
        yield ServerCollector(f"http://127.0.0.1:{port}", app, session, clickhouse, app[SINK], config_file, data_dir)
    await runner.cleanup()
    await stand_in_runner.cleanup()


async def test_a_confined_query_runs_as_the_tenants_reader_never_as_the_collector(server_collector):
    server_collector.clickhouse.answer = answer_rows("acme", "acme")
    response = await server_collector.query("SELECT tenant FROM telemetry.events")
    assert response.status == 200, await response.text()
    assert await response.json() == {"columns": ["tenant"], "rows": [["acme"], ["acme"]]}
    seen = server_collector.clickhouse.seen
    assert seen and {(s.user, s.password) for s in seen} == {("grafana_acme", ACME_PASSWORD)}
    (query,) = server_collector.clickhouse.queries()
    assert query.sql == "SELECT tenant FROM telemetry.events"
    assert query.params["database"] == "telemetry"
    assert query.settings == {"max_execution_time": "30"}  # the profile pins readonly; nothing else may change
    assert "session_id" not in query.params


async def test_the_audit_row_is_filed_under_the_tenant_with_the_reason_and_the_reader(server_collector):
    server_collector.clickhouse.answer = answer_rows("acme")
    assert (await server_collector.query("SELECT tenant FROM telemetry.events")).status == 200
    (row,) = server_collector.audit.rows
    assert (row.tenant, row.action, row.outcome, row.rows, row.reason, row.ref) == (
        "acme", "operator_query", "completed", 1, REASON, "grafana_acme"
    )
    assert row.key_id and row.key_id != OPERATOR


async def test_each_tenant_gets_its_own_reader(server_collector):
    server_collector.clickhouse.answer = answer_rows("globex")
    assert (await server_collector.query("SELECT 1", tenant="globex")).status == 200
    assert {s.user for s in server_collector.clickhouse.seen} == {"grafana_globex"}
    assert [r.tenant for r in server_collector.audit.rows] == ["globex"]


async def test_a_server_error_is_reported_by_class_and_code_without_the_sql(server_collector):
    sql = "SELECT * FROM telemetry.nope WHERE error_message = 'Wanjiru Kamau 0712345678'"
    response = await server_collector.query(sql)
    assert response.status == 400
    text = await response.text()
    assert (await response.json())["error"] == "query failed: DatabaseError (ClickHouse error 60)"
    assert "Wanjiru" not in text and "nope" not in text
    assert [(r.tenant, r.outcome, r.reason) for r in server_collector.audit.rows] == [("acme", "failed", REASON)]


async def test_the_collector_keeps_at_most_max_query_rows(server_collector):
    server_collector.clickhouse.answer = answer_rows(*(f"row {i}" for i in range(MAX_QUERY_ROWS + 50)))
    response = await server_collector.query("SELECT tenant FROM telemetry.events")
    assert response.status == 200
    rows = (await response.json())["rows"]
    assert len(rows) == MAX_QUERY_ROWS and rows[-1] == [f"row {MAX_QUERY_ROWS - 1}"]
    assert server_collector.audit.rows[0].rows == MAX_QUERY_ROWS


async def test_one_client_per_reader_opened_at_first_use_serves_concurrent_queries(server_collector):
    clickhouse = server_collector.clickhouse
    assert clickhouse.seen == []  # nothing is opened at start

    async def slow(sql: str) -> web.Response:
        await asyncio.sleep(0.3)
        return await answer_rows("acme")(sql)

    clickhouse.answer = slow
    replies = await asyncio.gather(*(server_collector.query("SELECT tenant FROM telemetry.events") for _ in range(3)))
    assert [r.status for r in replies] == [200, 200, 200]
    assert clickhouse.most_in_flight == 3  # not queued behind one another, nor refused as one session
    assert sum(s.sql.startswith("SELECT version()") for s in clickhouse.seen) == 1


async def test_readers_are_closed_with_the_app(server_collector, tmp_path):
    readers = server_collector.app[TENANT_READERS]
    await readers.close()  # what the cleanup context runs at shutdown
    login = ReaderLogin("grafana_acme", tmp_path / "grafana_acme_clickhouse_password")
    with pytest.raises(RuntimeError):
        await readers.query(login, "SELECT 1", {}, 10)


async def test_an_unknown_tenant_is_refused_and_changes_nothing(server_collector):
    response = await server_collector.query("SELECT 1", tenant="umbrella")
    assert response.status == 400
    assert (await response.json())["error"] == UNKNOWN_TENANT
    assert "umbrella" not in await response.text()
    assert server_collector.clickhouse.seen == [] and server_collector.audit.rows == []


async def test_an_empty_tenant_header_is_refused_not_run_over_every_tenant(server_collector):
    response = await server_collector.query("SELECT 1", tenant="")
    assert response.status == 400
    assert (await response.json())["error"] == UNKNOWN_TENANT


async def test_a_tenant_without_a_reader_is_refused_and_the_refusal_audited(server_collector):
    response = await server_collector.query("SELECT 1", tenant="initech")
    assert response.status == 400
    assert (await response.json())["error"] == NO_TENANT_READER
    assert server_collector.clickhouse.seen == []
    assert [(r.tenant, r.outcome, r.reason) for r in server_collector.audit.rows] == [("initech", "refused", REASON)]


async def test_a_write_is_refused_before_any_reader_logs_in(server_collector):
    response = await server_collector.query("INSERT INTO telemetry.events (tenant) VALUES ('acme')")
    assert response.status == 400
    assert server_collector.clickhouse.seen == []
    assert [(r.tenant, r.outcome) for r in server_collector.audit.rows] == [("acme", "refused")]


async def test_the_cli_prints_the_rows_of_a_confined_query(server_collector, capsys):
    server_collector.clickhouse.answer = answer_rows("acme")
    config = load_config(server_collector.config_file, server_collector.data_dir, port=int(server_collector.url.rsplit(":", 1)[1]))
    code = await asyncio.to_thread(cli_query, config, "SELECT tenant FROM telemetry.events", None, REASON, "acme")
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.splitlines() == ['["tenant"]', '["acme"]']


async def test_the_cli_prints_the_collectors_refusal(server_collector, capsys):
    config = load_config(server_collector.config_file, server_collector.data_dir, port=int(server_collector.url.rsplit(":", 1)[1]))
    code = await asyncio.to_thread(cli_query, config, "SELECT 1", None, REASON, "initech")
    assert code == 1
    assert orjson.loads(capsys.readouterr().err) == {"error": NO_TENANT_READER}


# --- the embedded engine: refused, saying why ----------------------------------------------------------------


@pytest.mark.parametrize("tenant", ["acme", "umbrella", ""], ids=["configured", "unknown", "empty"])
async def test_the_embedded_engine_refuses_every_confined_query_and_says_why(collector, tenant):
    ticket = f"TICKET-{uuid.uuid4().hex[:8]}"
    response = await collector.session.post(
        f"{collector.url}/v1/admin/query", data=orjson.dumps({"sql": "SELECT count() FROM telemetry.events"}),
        headers={"Authorization": f"Bearer {OPERATOR}", "X-Access-Reason": ticket, "X-Access-Tenant": tenant},
    )  # fmt: skip
    assert response.status == 400
    assert (await response.json())["error"] == EMBEDDED_CANNOT_CONFINE
    assert await collector.rows(f"SELECT outcome FROM telemetry.audit WHERE reason = '{ticket}'") == [("refused",)]


async def test_the_cli_reports_the_embedded_refusal(collector, tmp_path, capsys):
    config = load_config(None, tmp_path, port=int(collector.url.rsplit(":", 1)[1]))
    code = await asyncio.to_thread(cli_query, config, "SELECT 1", OPERATOR, "TICKET-5 cli", "acme")
    assert code == 1
    assert orjson.loads(capsys.readouterr().err) == {"error": EMBEDDED_CANNOT_CONFINE}


# --- the reader's configuration --------------------------------------------------------------------------------

SERVER_URL = f"http://collector:{COLLECTOR_PASSWORD}@127.0.0.1:8123/telemetry"


def _load_with_reader(tmp_path: Path, reader: str):
    return load_config(_server_config(tmp_path, SERVER_URL, reader), tmp_path / "data")


def test_a_reader_with_user_and_readable_password_file_loads(tmp_path):
    config = _load_with_reader(tmp_path, _readers_toml(tmp_path))
    assert config.tenants["acme"].reader.user == "grafana_acme"
    assert config.tenants["initech"].reader is None
    assert ACME_PASSWORD not in repr(config)  # only the path is kept


@pytest.mark.parametrize("fields", ['user = "grafana_acme"', 'password_file = "{password_file}"', ""], ids=["no_file", "no_user", "empty"])
def test_a_reader_needs_both_user_and_password_file(tmp_path, fields):
    password_file = _password_file(tmp_path, "pw", ACME_PASSWORD)
    with pytest.raises(ValueError, match=r"^tenant acme: reader needs both user and password_file$"):
        _load_with_reader(tmp_path, "[tenants.acme.reader]\n" + fields.format(password_file=password_file))


@pytest.mark.parametrize("problem", ["missing", "directory", "empty"])
def test_a_reader_password_file_must_exist_be_readable_and_hold_a_password(tmp_path, problem):
    path = tmp_path / "grafana_acme_clickhouse_password"
    if problem == "directory":
        path.mkdir()
    elif problem == "empty":
        path.write_text("\n")
    reader = f'[tenants.acme.reader]\nuser = "grafana_acme"\npassword_file = "{path}"'
    with pytest.raises(ValueError, match=r"^tenant acme: reader\.password_file (cannot be read|is empty)"):
        _load_with_reader(tmp_path, reader)


@pytest.mark.parametrize("user", ["collector", "grafana_globex"], ids=["collectors_own", "another_tenants"])
def test_a_reader_user_is_the_tenants_own(tmp_path, user):
    readers = _readers_toml(tmp_path, acme_user=user)
    with pytest.raises(ValueError, match=r"^tenant (acme|globex): reader\.user is ") as refused:
        _load_with_reader(tmp_path, readers)
    assert ACME_PASSWORD not in str(refused.value) and GLOBEX_PASSWORD not in str(refused.value)


def test_an_unknown_reader_field_is_refused(tmp_path):
    with pytest.raises(msgspec.ValidationError, match="password"):
        _load_with_reader(tmp_path, '[tenants.acme.reader]\nuser = "grafana_acme"\npassword = "x"')


def test_the_compose_deployment_configures_a_reader_for_each_tenant_from_the_secrets_it_writes(tmp_path):
    """init_secrets.py renders collector.toml.example; its readers name the password files it writes."""
    compose = tmp_path / "compose"
    compose.mkdir()
    for name in ("init_secrets.py", "collector.toml.example", ".env.example"):
        shutil.copy(ROOT / "deploy" / "compose" / name, compose / name)
    subprocess.run([sys.executable, "init_secrets.py"], cwd=compose, check=True, capture_output=True)
    rendered = (compose / "secrets" / "collector.toml").read_text()
    rendered = rendered.replace("/run/secrets/", f"{compose / 'secrets'}/")  # where compose mounts them
    (tmp_path / "collector.toml").write_text(rendered)
    config = load_config(tmp_path / "collector.toml", tmp_path / "data")
    for tenant_id, tenant in config.tenants.items():
        assert tenant.reader is not None, tenant_id
        assert tenant.reader.user == f"grafana_{tenant_id}"
        assert Path(tenant.reader.password_file).name == f"grafana_{tenant_id}_clickhouse_password"
    mounted = (ROOT / "deploy" / "compose" / "compose.yaml").read_text().split("\n  collector:\n", 1)[1].split("\n  grafana-", 1)[0]
    for tenant_id in config.tenants:
        assert f"- grafana_{tenant_id}_clickhouse_password" in mounted, "the collector service must mount the reader's secret"
