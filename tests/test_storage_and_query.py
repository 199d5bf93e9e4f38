"""What ClickHouse holds: table definitions, retention, and the read-only operator query."""

from __future__ import annotations

import uuid

import orjson
import pytest

from tests.conftest import ACME_ADMIN, ACME_INGEST, GLOBEX_INGEST, OPERATOR, make_event


@pytest.mark.parametrize("table", ["events", "scrub_report", "release_health"])
async def test_tables_expire_by_the_tenants_retention_and_drop_whole_parts(collector, table):
    ddl = await collector.sink.command(f"SHOW CREATE TABLE telemetry.{table}")
    ddl = ddl if isinstance(ddl, str) else "".join(ddl)
    assert "TTL" in ddl and "toIntervalDay(retention_days)" in ddl
    assert "ttl_only_drop_parts = 1" in ddl
    # One retention per partition: every row of a part expires on the same day.
    assert "PARTITION BY (toYYYYMMDD(" in ddl and "retention_days)" in ddl.split("PARTITION BY", 1)[1].split("\n", 1)[0]


async def test_events_table_has_no_column_for_raw_ids_or_ip(collector):
    columns = {name for name, in await collector.rows("SELECT name FROM system.columns WHERE database = 'telemetry' AND table = 'events'")}
    assert {"event_id", "install_hash", "session_hash", "tenant"} <= columns
    assert not columns & {"install_id", "session_id", "ip", "ip_address", "client_ip"}


async def _admin_query(collector, sql: str, key: str = OPERATOR):
    return await collector.session.post(
        f"{collector.url}/v1/admin/query",
        data=orjson.dumps({"sql": sql}),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", "X-Access-Reason": "TICKET-1 test"},
    )


async def test_operator_query_reads_rows_of_every_tenant(collector):
    acme, globex = make_event(), make_event(app={"name": "inventory-web", "version": "1.0", "platform": "web"}, module="inventory")
    assert (await collector.post({"events": [acme]}, key=ACME_INGEST)).status == 202
    assert (await collector.post({"events": [globex]}, key=GLOBEX_INGEST)).status == 202
    ids = f"'{acme['event_id']}', '{globex['event_id']}'"
    await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({ids})", 2)
    response = await _admin_query(collector, f"SELECT tenant FROM telemetry.events WHERE event_id IN ({ids}) ORDER BY tenant")
    assert response.status == 200
    assert (await response.json())["rows"] == [["acme"], ["globex"]]


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO telemetry.events (tenant) VALUES ('x')",
        "ALTER TABLE telemetry.events DELETE WHERE 1",
        "SELECT * FROM file('/etc/passwd', 'LineAsString')",
        "SELECT 1 SETTINGS additional_table_filters = {'telemetry.events': '1'}",
        "DROP TABLE telemetry.events",
        "/* hi */ INSERT INTO telemetry.events (tenant) VALUES ('x')",
        "SELECT 1; INSERT INTO telemetry.events (tenant) VALUES ('x')",
        "SET readonly = 0",
    ],
    ids=["insert", "mutation", "table_function", "override_filter", "drop", "commented_insert", "stacked_insert", "set"],
)
async def test_admin_query_is_read_only_and_cannot_break_the_collectors_session(collector, sql):
    response = await _admin_query(collector, sql)
    assert response.status == 400
    assert "passwd" not in await response.text()
    # The collector's own inserts still work after the refused statement.
    event = make_event()
    assert (await collector.post({"events": [event]})).status == 202
    assert await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id = '{event['event_id']}'", 1) == 1


@pytest.mark.parametrize("key", [ACME_INGEST, ACME_ADMIN], ids=["ingest", "tenant_admin"])
async def test_sql_query_needs_the_operator_key_since_sql_cannot_be_confined_to_a_tenant(collector, key):
    response = await _admin_query(collector, "SELECT 1", key=key)
    assert response.status == 401


async def test_readyz_and_healthz_answer(collector):
    assert (await collector.session.get(f"{collector.url}/healthz")).status == 200
    ready = await collector.session.get(f"{collector.url}/readyz")
    assert ready.status == 200


async def test_embedded_engine_threads_run_below_the_collectors_own(collector):
    """Inserts and merges of the embedded engine must not take the cores from request handling."""
    import os
    import threading
    from pathlib import Path

    from sink.clickhouse import ENGINE_NICENESS, lower_engine_priority

    assert (await collector.post({"events": [make_event() for _ in range(20)]})).status == 202
    lower_engine_priority()  # the collector also repeats this every 2 s: engine threads come and go
    python_threads = {t.native_id for t in threading.enumerate()}
    niceness = {int(task.name): os.getpriority(os.PRIO_PROCESS, int(task.name)) for task in Path("/proc/self/task").iterdir()}
    engine = {tid: nice for tid, nice in niceness.items() if tid not in python_threads}
    assert engine, "chDB runs threads of its own in this process"
    assert all(nice >= ENGINE_NICENESS for nice in engine.values())
    base = niceness[threading.main_thread().native_id]
    assert base < ENGINE_NICENESS, "run the tests at a normal priority for this check to mean anything"
    assert all(niceness[tid] == base for tid in python_threads if tid in niceness)


async def test_an_operator_query_needs_a_reason_which_the_audit_row_keeps(collector):
    unaudited = await collector.session.post(
        f"{collector.url}/v1/admin/query", data=orjson.dumps({"sql": "SELECT 1"}),
        headers={"Authorization": f"Bearer {OPERATOR}", "Content-Type": "application/json"},
    )  # fmt: skip
    assert unaudited.status == 400 and "X-Access-Reason" in (await unaudited.json())["error"]
    blank = await collector.session.post(
        f"{collector.url}/v1/admin/query", data=orjson.dumps({"sql": "SELECT 1"}),
        headers={"Authorization": f"Bearer {OPERATOR}", "X-Access-Reason": "   "},
    )  # fmt: skip
    assert blank.status == 400
    ticket = f"TICKET-{uuid.uuid4().hex[:8]}"
    response = await collector.session.post(
        f"{collector.url}/v1/admin/query", data=orjson.dumps({"sql": "SELECT 42"}),
        headers={"Authorization": f"Bearer {OPERATOR}", "X-Access-Reason": ticket},
    )  # fmt: skip
    assert response.status == 200
    rows = await collector.rows(f"SELECT action, outcome, reason FROM telemetry.audit WHERE reason = '{ticket}'")
    assert rows == [("operator_query", "completed", ticket)]


async def test_a_tenant_confined_query_is_refused_on_the_embedded_engine_and_says_why(collector):
    ticket = f"TICKET-{uuid.uuid4().hex[:8]}"
    response = await collector.session.post(
        f"{collector.url}/v1/admin/query", data=orjson.dumps({"sql": "SELECT count() FROM telemetry.events"}),
        headers={"Authorization": f"Bearer {OPERATOR}", "X-Access-Reason": ticket, "X-Access-Tenant": "acme"},
    )  # fmt: skip
    assert response.status == 400
    assert "cannot confine" in (await response.json())["error"]
    rows = await collector.rows(f"SELECT outcome FROM telemetry.audit WHERE reason = '{ticket}'")
    assert rows == [("refused",)]


async def test_parts_past_clickhouses_10_mib_stay_compact_so_merges_write_one_file_not_one_per_column(collector):
    """A structured burst's first merges passed 10 MiB; as wide parts each wrote and fsynced ~35 files."""
    from sink.ddl import SINGLE_NODE_PART_FORMAT

    ddl = await collector.sink.command("SHOW CREATE TABLE telemetry.events")
    assert SINGLE_NODE_PART_FORMAT in (ddl if isinstance(ddl, str) else "".join(ddl))
    # About 30 MiB uncompressed in one insert: ClickHouse's default would write it wide.
    await collector.sink.command(
        "INSERT INTO telemetry.events (tenant, event_id, received_at, ts, type, error_message) "
        "SELECT 'parts-test', generateUUIDv4(), now64(3), now64(3), 'error', repeat(toString(number), 30) "
        "FROM numbers(150000)"
    )
    kinds = await collector.rows(
        "SELECT part_type, sum(data_uncompressed_bytes) FROM system.parts "
        "WHERE database = 'telemetry' AND table = 'events' AND active GROUP BY part_type"
    )
    by_kind = dict(kinds)
    assert sum(by_kind.values()) > 10 * 1024**2, "the insert must pass the 10 MiB default for this check to mean anything"
    assert set(by_kind) == {"Compact"}
