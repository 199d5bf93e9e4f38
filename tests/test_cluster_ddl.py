"""The DDL generator: single-server statements that run, and a cluster variant checked as text.

No ClickHouse cluster runs here, so the cluster DDL is held to its shape (ON
CLUSTER, Replicated* local tables, Distributed front tables), parsed by the
embedded ClickHouse's own parser, and compared with the committed
deploy/*/schema.sql that operators apply by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sink.ddl import DEDUP_WINDOW, TABLES, create_statements, render, replicated_engine

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = "telemetry_cluster"
CLUSTER_SCHEMA = ROOT / "deploy" / "cluster" / "schema.sql"
COMPOSE_SCHEMA = ROOT / "deploy" / "compose" / "schema.sql"


def _cluster_statements() -> list[str]:
    return create_statements("telemetry", CLUSTER)


def _statement_for(name: str) -> str:
    (statement,) = [s for s in _cluster_statements() if s.startswith(f"CREATE TABLE IF NOT EXISTS telemetry.{name} ")]
    return statement


def _columns(statement: str) -> list[str]:
    return re.findall(r"^    `(\w+)` ", statement, flags=re.MULTILINE)


def _sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@pytest.mark.parametrize(
    ("path", "cluster"), [(CLUSTER_SCHEMA, CLUSTER), (COMPOSE_SCHEMA, None)], ids=["cluster", "compose"]
)
def test_committed_schema_files_are_what_the_generator_prints(path, cluster):
    args = [sys.executable, "-m", "sink.ddl"] + (["--cluster", cluster] if cluster else [])
    printed = subprocess.run(args, cwd=ROOT, capture_output=True, check=True, timeout=120, text=True).stdout
    assert printed == render(create_statements("telemetry", cluster))
    assert path.read_text() == printed, f"regenerate {path.relative_to(ROOT)}: python -m sink.ddl ... > it"


def test_without_a_cluster_the_statements_are_unchanged_single_server_ddl():
    assert create_statements("telemetry") == create_statements("telemetry", None)
    for statement in create_statements("telemetry"):
        assert "ON CLUSTER" not in statement and "Replicated" not in statement and "Distributed" not in statement
    creates = [s for s in create_statements("telemetry") if s.startswith("CREATE TABLE")]
    assert all(f"non_replicated_deduplication_window = {DEDUP_WINDOW}" in s for s in creates)


async def test_single_server_tables_fsync_their_parts_even_if_made_by_an_earlier_version(collector):
    """The spool forgets a segment once ClickHouse confirms it: on one node the part must be on disk by then."""
    database = f"fsync_check_{uuid.uuid4().hex[:8]}"
    try:
        await collector.sink.command(f"CREATE DATABASE {database}")
        await collector.sink.command(f"CREATE TABLE {database}.audit (x UInt8) ENGINE = MergeTree ORDER BY x")  # older DDL
        for statement in create_statements(database):
            await collector.sink.command(statement)
        for name in ("events", "audit"):
            ddl = (await collector.rows(f"SHOW CREATE TABLE {database}.{name}"))[0][0]
            assert "fsync_after_insert = 1" in ddl and "min_compressed_bytes_to_fsync_after_merge = 1" in ddl
    finally:
        await collector.sink.command(f"DROP DATABASE IF EXISTS {database}")


async def test_single_server_statements_create_every_table_in_chdb(collector):
    database = f"ddl_check_{uuid.uuid4().hex[:8]}"
    try:
        for statement in create_statements(database):
            await collector.sink.command(statement)
        for statement in create_statements(database):  # idempotent: a restart runs them again
            await collector.sink.command(statement)
        tables = {name for name, in await collector.rows(f"SELECT name FROM system.tables WHERE database = '{database}'")}
        assert tables == {table.name for table in TABLES}
    finally:
        await collector.sink.command(f"DROP DATABASE IF EXISTS {database}")


async def test_cluster_statements_parse_as_clickhouse_sql(collector):
    for statement in _cluster_statements():
        (formatted,), = await collector.rows(f"SELECT formatQuery({_sql_string(statement)})")
        assert "ON CLUSTER telemetry_cluster" in formatted


def test_every_cluster_statement_is_on_cluster_and_replicated_or_distributed():
    database, *statements = _cluster_statements()
    assert database == f"CREATE DATABASE IF NOT EXISTS telemetry ON CLUSTER {CLUSTER}"
    tables = [s for s in statements if s.startswith("CREATE TABLE")]
    upgrades = [s for s in statements if s.startswith("ALTER TABLE")]
    assert len(tables) == 2 * len(TABLES) and len(upgrades) == 2 * len(TABLES)
    assert len(tables) + len(upgrades) == len(statements)
    for statement in tables:
        assert f" ON CLUSTER {CLUSTER}\n" in statement
        assert re.search(r"ENGINE = (Replicated\w*MergeTree|Distributed)\(", statement), statement
    for statement in upgrades:  # local and Distributed tables both get every column of their row type
        assert f" ON CLUSTER {CLUSTER}\n" in statement and "ADD COLUMN IF NOT EXISTS" in statement


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_table_becomes_a_replicated_local_table_with_the_same_storage_rules(table):
    local = _statement_for(f"{table.name}_local")
    keeper_path = f"'/clickhouse/tables/{{shard}}/telemetry/{table.name}_local', '{{replica}}'"
    assert f"ENGINE = Replicated{table.engine.split('(')[0]}({keeper_path}" in local
    assert f"PARTITION BY {table.partition_by}\n" in local
    assert f"ORDER BY {table.order_by}\n" in local
    assert f"TTL {table.ttl}\n" in local
    assert local.endswith(f"SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = {DEDUP_WINDOW}")
    assert "non_replicated_deduplication_window" not in local
    assert _columns(local) == table.columns


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_table_is_fronted_by_a_distributed_table_over_its_local_table(table):
    front = _statement_for(table.name)
    sharding_key = table.sharding_key
    assert front.endswith(f"ENGINE = Distributed('{CLUSTER}', 'telemetry', '{table.name}_local', {sharding_key})")
    assert _columns(front) == table.columns
    assert "TTL" not in front and "PARTITION BY" not in front
    key_columns = set(re.findall(r"\w+", sharding_key)) - {"cityHash64"}
    assert key_columns <= set(table.columns)
    if "Replacing" in table.engine or "Summing" in table.engine:
        # every version of a row must reach the shard where the others are merged
        assert key_columns <= set(re.findall(r"\w+", table.order_by))


def test_an_installations_events_stay_on_one_shard():
    assert {t.name: t.sharding_key for t in TABLES}["events"] == "cityHash64(tenant, install_hash)"


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("MergeTree", "ReplicatedMergeTree('/p', '{replica}')"),
        ("SummingMergeTree(count)", "ReplicatedSummingMergeTree('/p', '{replica}', count)"),
        ("ReplacingMergeTree(updated_at)", "ReplicatedReplacingMergeTree('/p', '{replica}', updated_at)"),
    ],
)
def test_replicated_engine_keeps_the_engine_arguments(engine, expected):
    assert replicated_engine(engine, "/p") == expected


def test_names_that_would_need_quoting_are_refused():
    with pytest.raises(ValueError):
        create_statements("telemetry", "bad-cluster; DROP")
    with pytest.raises(ValueError):
        replicated_engine("Log", "/p")


def test_cluster_config_names_two_shards_of_two_replicas_each_with_its_own_macros():
    import xml.etree.ElementTree as ET

    config = ET.parse(ROOT / "deploy" / "cluster" / "clickhouse" / "config.d" / "cluster.xml").getroot()
    shards = config.findall(f"remote_servers/{CLUSTER}/shard")
    assert [[r.findtext("host") for r in shard.findall("replica")] for shard in shards] == [
        ["ch-s1r1", "ch-s1r2"],
        ["ch-s2r1", "ch-s2r2"],
    ]
    assert all(shard.findtext("internal_replication") == "true" for shard in shards)
    assert len(config.findall("zookeeper/node")) == 3
    for number, shard in enumerate(shards, start=1):
        for replica in shard.findall("replica"):
            host = replica.findtext("host")
            macros = ET.parse(ROOT / "deploy" / "cluster" / "clickhouse" / "macros" / f"{host}.xml").getroot()
            assert macros.findtext("macros/shard") == f"{number:02d}"
            assert macros.findtext("macros/replica") == host


def test_the_collectors_cluster_user_inserts_in_the_foreground_and_cannot_turn_it_off():
    import xml.etree.ElementTree as ET

    users = ET.parse(ROOT / "deploy" / "cluster" / "clickhouse" / "users.d" / "collector.xml").getroot()
    profile = users.find("profiles/collector")
    assert profile.findtext("distributed_foreground_insert") == "1"
    assert profile.find("constraints/distributed_foreground_insert/const") is not None
    assert users.findtext("users/collector/profile") == "collector"


def test_purge_mutations_run_on_every_nodes_local_table_when_a_cluster_is_configured(tmp_path):
    from sink import Sink, SinkSettings

    clustered = Sink(lambda: None, SinkSettings(spool_dir=tmp_path / "a", cluster="telemetry_cluster"))
    clustered.database = "telemetry"
    assert clustered.mutation_target("events") == "telemetry.events_local ON CLUSTER telemetry_cluster"
    single = Sink(lambda: None, SinkSettings(spool_dir=tmp_path / "b"))
    single.database = "telemetry"
    assert single.mutation_target("events") == "telemetry.events"
    assert clustered._insert_settings("t")["distributed_foreground_insert"] == 1
    assert "distributed_foreground_insert" not in single._insert_settings("t")
