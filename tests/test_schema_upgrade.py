"""Tables made by an earlier version are upgraded in place at start, not left to fail inserts.

``tests/data/schema_v1.sql`` is the DDL the collector shipped before the Sentry
and OTLP sources (``deploy/compose/schema.sql`` at that commit). A database is
made with it, holding a row of that version, and a collector of this version
starts on it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import urllib.request
import uuid

import orjson

from sink.ddl import TABLES
from tests.conftest import ROOT, demo_ingest_key

OLD_SCHEMA = ROOT / "tests" / "data" / "schema_v1.sql"

_MAKE_OLD_DATABASE = textwrap.dedent(
    """
    import sys
    import clickhouse_connect
    path, schema = sys.argv[1], open(sys.argv[2]).read()
    client = clickhouse_connect.get_client(interface="chdb", path=path)
    for statement in filter(str.strip, schema.split(";\\n")):
        client.command(statement)
    client.command(
        "INSERT INTO telemetry.events (tenant, event_id, received_at, ts, type, install_hash, session_hash, "
        "app_name, app_version, app_platform, os_name, os_version, module) VALUES "
        "('demo', '" + sys.argv[3] + "', now64(3), now64(3), 'app_start', 'h', 's', 'omnix-pos', '4.1.0', "
        "'windows', 'Windows', '10.0', 'sales')"
    )
    client.close()
    """
)


def test_a_database_of_the_previous_schema_gets_the_new_columns_and_keeps_its_rows(collector_process):
    old_event = str(uuid.uuid4())
    data_dir = collector_process.data_dir
    data_dir.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-c", _MAKE_OLD_DATABASE, str(data_dir / "clickhouse"), str(OLD_SCHEMA), old_event],
        check=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    old_tables = {t.name for t in TABLES} - {"release_health"}
    assert "ADD COLUMN" not in OLD_SCHEMA.read_text() and "`source`" not in OLD_SCHEMA.read_text()

    collector_process.start()
    key = demo_ingest_key(data_dir)
    envelope = b"\n".join(
        orjson.dumps(part)
        for part in (
            {"event_id": uuid.uuid4().hex},
            {"type": "event"},
            {"exception": {"values": [{"type": "TimeoutError", "value": "printer did not answer"}]}, "release": "omnix-pos@4.2.0"},
            {"type": "session"},
            {"sid": str(uuid.uuid4()), "init": True, "status": "exited", "attrs": {"release": "omnix-pos@4.2.0"}},
        )
    )
    request = urllib.request.Request(
        f"{collector_process.url}/api/1/envelope/?sentry_key={key}", data=envelope, headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    assert collector_process.stop() == 0

    rows = collector_process.query("SELECT event_id, source, error_level, attributes FROM telemetry.events ORDER BY source")
    assert [row[1] for row in rows] == ["native", "sentry"]  # the old row reads the new column's default
    assert rows[0][0] == old_event and rows[0][2] == "" and rows[0][3] == {}
    assert collector_process.query("SELECT status, sum(sessions) FROM telemetry.release_health GROUP BY status ORDER BY status") == [
        ["exited", 1], ["started", 1]
    ]  # fmt: skip
    for table in TABLES:
        columns = [row[0] for row in collector_process.query(f"SELECT name FROM system.columns WHERE database = 'telemetry' AND table = '{table.name}' ORDER BY position")]
        assert columns == table.columns, f"{table.name} (made by the old schema: {table.name in old_tables})"
    quarantined = list((data_dir / "spool" / "quarantine").glob("*")) if (data_dir / "spool" / "quarantine").exists() else []
    assert quarantined == []
