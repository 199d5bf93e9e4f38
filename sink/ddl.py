"""The tables the collector writes, derived from the row types in schemas/rows.py.

Retention follows the server's receive time, not the client's clock: a till
that was offline for a week still sends its events in one batch, and partitions
by receive day keep each insert in one partition, so that 180-day expiry is a
whole-part drop (``ttl_only_drop_parts``) rather than a row-by-row rewrite.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

import msgspec

from schemas import EventRow, ReleaseHealthRow, ScrubCountRow, clickhouse_columns
from schemas.rows import AuditRow, OffboardingRow, PurgeRow, TombstoneRow

RETENTION_DAYS = 180
AUDIT_RETENTION_DAYS = 730  # 24 months
# A device may hold events for up to 180 days offline; the tombstone must outlive them.
TOMBSTONE_RETENTION_DAYS = 400
# Plain MergeTree forgets insert tokens unless told to keep some; a spool segment
# replayed after a crash reuses its token, so the window must cover every
# segment that can still be on disk (the spool cap divided by a small segment).
DEDUP_WINDOW = 100_000


@dataclass(frozen=True)
class Table:
    """One table, defined once: DDL (single node and cluster), upgrades, purge, offboarding and export derive from it."""

    name: str
    row_type: type[msgspec.Struct]
    engine: str
    partition_by: str
    order_by: str
    ttl: str
    # How a Distributed table spreads rows over shards. One installation's rows land on one shard, so a
    # purge is a mutation each shard runs on its own rows; a Replacing or Summing table shards by columns
    # of its sorting key, so every version of one key meets on one shard and merges never look across.
    sharding_key: str
    per_install: bool = False  # holds rows of one installation (install_hash): purged, exported with it
    offboarded: bool = True  # removed with its tenant; False only for the audit trail, kept 24 months
    spooled: str | None = None  # the ``sink.record.SpoolRecord`` field that carries its rows, if any
    # The day a row's age counts from, when the tenant's ``retention_days`` (a column) decides its expiry.
    tenant_retention_from: str | None = None

    @property
    def columns(self) -> list[str]:
        return [name for name, _ in clickhouse_columns(self.row_type)]

    @property
    def export_order(self) -> str:
        """One tenant's rows in a stable order that follows the sorting key, so pages read in order."""
        keys = [key.strip() for key in self.order_by.strip("()").split(",") if key.strip() != "tenant"]
        for unique in ("event_id", "purge_id", "offboarding_id"):
            if unique in self.columns and unique not in keys:
                keys.append(unique)
        return ", ".join(keys)


def _tenant_ttl(day: str) -> str:
    """Expiry by the tenant's retention at receipt, stamped on each row (at most RETENTION_DAYS).

    Partitioned by receipt day and retention, every row of a part expires on the same day, so expiry
    drops whole parts (``ttl_only_drop_parts``) instead of rewriting them, whatever mix of retentions
    the tenants chose.
    """
    return f"{day} + toIntervalDay(retention_days)"


TABLES: tuple[Table, ...] = (
    Table(
        name="events",
        row_type=EventRow,
        engine="MergeTree",
        partition_by="(toYYYYMMDD(received_at), retention_days)",
        order_by="(tenant, type, app_name, ts)",
        ttl=_tenant_ttl("toDate(received_at)"),
        sharding_key="cityHash64(tenant, install_hash)",
        per_install=True,
        spooled="events",
        tenant_retention_from="toDate(received_at)",
    ),
    Table(
        name="scrub_report",
        row_type=ScrubCountRow,
        engine="SummingMergeTree(count)",
        partition_by="(toYYYYMMDD(day), retention_days)",
        order_by="(tenant, day, field, entity)",
        ttl=_tenant_ttl("day"),
        sharding_key="cityHash64(tenant, field, entity)",
        spooled="report",
        tenant_retention_from="day",
    ),
    Table(
        name="release_health",
        row_type=ReleaseHealthRow,
        engine="SummingMergeTree(sessions)",
        partition_by="(toYYYYMMDD(day), retention_days)",
        order_by="(tenant, app_name, day, release, environment, status)",
        ttl=_tenant_ttl("day"),
        sharding_key="cityHash64(tenant, app_name, release)",
        spooled="sessions",
        tenant_retention_from="day",
    ),
    Table(
        name="audit",
        row_type=AuditRow,
        engine="MergeTree",
        partition_by="toYYYYMM(at)",
        order_by="(tenant, at)",
        ttl=f"toDate(at) + INTERVAL {AUDIT_RETENTION_DAYS} DAY",
        sharding_key="cityHash64(tenant, subject_hash)",
        offboarded=False,
    ),
    Table(
        name="purges",
        row_type=PurgeRow,
        engine="ReplacingMergeTree(updated_at)",
        partition_by="toYYYYMM(requested_at)",
        order_by="(tenant, purge_id)",
        ttl=f"toDate(requested_at) + INTERVAL {AUDIT_RETENTION_DAYS} DAY",
        sharding_key="cityHash64(tenant, purge_id)",
    ),
    Table(
        name="offboardings",
        row_type=OffboardingRow,
        engine="ReplacingMergeTree(updated_at)",
        partition_by="toYYYYMM(requested_at)",
        order_by="(tenant, offboarding_id)",
        ttl=f"toDate(requested_at) + INTERVAL {AUDIT_RETENTION_DAYS} DAY",
        sharding_key="cityHash64(tenant)",
        offboarded=False,  # the receipt that the tenant's data is gone outlives the data, like the audit trail
    ),
    Table(
        name="tombstones",
        row_type=TombstoneRow,
        engine="ReplacingMergeTree(at)",
        partition_by="toYYYYMM(at)",
        order_by="(tenant, install_hash)",
        ttl=f"toDate(at) + INTERVAL {TOMBSTONE_RETENTION_DAYS} DAY",
        sharding_key="cityHash64(tenant, install_hash)",
    ),
)
TABLE_BY_ROW_TYPE = {t.row_type: t for t in TABLES}
INSTALL_TABLES = tuple(t for t in TABLES if t.per_install)
OFFBOARDED_TABLES = tuple(t for t in TABLES if t.offboarded)
SPOOLED_TABLES = tuple(t for t in TABLES if t.spooled)
TENANT_RETENTION_TABLES = tuple(t for t in TABLES if t.tenant_retention_from)
# What a tenant's admin may export: its analytics tables (the audit trail and receipts are the operator's).
EXPORTED_TABLES = TENANT_RETENTION_TABLES

# A spool segment is deleted once ClickHouse has confirmed its insert. On a single node nothing
# else holds those rows, so the part must be on disk by then: ClickHouse does not fsync parts by
# default, and a power cut could lose rows already gone from the spool. Merges fsync their output
# too, in ClickHouse's own (lower priority) threads: otherwise the spool's next fsync had to flush
# a merged part first, and requests waited for it. (Replicas cover this on a cluster.)
SINGLE_NODE_FSYNC = "fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1"

# On a single node, parts stay in the compact format (all columns in one file) up to 128 MiB, not ClickHouse's
# 10 MiB. Embedded, merges share the collector's two cores: the first merges of a structured burst already passed 10 MiB,
# and a wide part writes (and fsyncs, above) a file per column, 35 for events. Merge threads used 0.34 of a
# core instead of 0.53 over 30 s at full load, and the collector carried 120.6k structured events/s
# instead of 106.7k (2026-12-04, two alternated pairs). Reads of a compact part seek within one file; parts
# past 128 MiB, where reads dominate, are wide as before. Not measured on a cluster, so its tables keep the default.
SINGLE_NODE_PART_FORMAT = f"min_bytes_for_wide_part = {128 * 1024**2}"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENGINE = re.compile(r"^(?P<family>[A-Za-z]*MergeTree)(?:\((?P<args>.*)\))?$")


def create_statements(database: str, cluster: str | None = None) -> list[str]:
    """Idempotent DDL: for a single server (or chDB), or ON CLUSTER when ``cluster`` is named.

    On a cluster each table is a replicated ``<name>_local`` on every node plus
    a Distributed ``<name>`` that the collector inserts into and queries.
    """
    if cluster is None:
        statements = [f"CREATE DATABASE IF NOT EXISTS {database}"]
        for table in TABLES:
            statements.append(
                _create_table(database, table, table.engine, f"non_replicated_deduplication_window = {DEDUP_WINDOW}")
            )
            # Separate from CREATE so that tables made by an earlier version get it too.
            statements.append(f"ALTER TABLE {database}.{table.name} MODIFY SETTING {SINGLE_NODE_FSYNC}, {SINGLE_NODE_PART_FORMAT}")
            statements.extend(upgrade_statements(database, table))
        return statements
    for name in (database, cluster):
        if not _NAME.match(name):
            raise ValueError(f"{name!r}: database and cluster names must be plain identifiers")
    statements = [f"CREATE DATABASE IF NOT EXISTS {database} ON CLUSTER {cluster}"]
    for table in TABLES:
        local = f"{table.name}_local"
        # Replicated tables deduplicate retried inserts by default; the window is
        # widened to the same count of tokens the single server keeps.
        statements.append(
            _create_table(
                database,
                table,
                replicated_engine(table.engine, f"/clickhouse/tables/{{shard}}/{database}/{local}"),
                f"replicated_deduplication_window = {DEDUP_WINDOW}",
                name=local,
                cluster=cluster,
            )
        )
        statements.extend(upgrade_statements(database, table, name=local, cluster=cluster))
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {database}.{table.name} ON CLUSTER {cluster}\n"
            f"(\n    {_column_list(table)}\n)\n"
            f"ENGINE = Distributed('{cluster}', '{database}', '{local}', {table.sharding_key})"
        )
        statements.extend(upgrade_statements(database, table, cluster=cluster))
    return statements


def upgrade_statements(database: str, table: Table, *, name: str | None = None, cluster: str | None = None) -> list[str]:
    """Bring a table made by an earlier version up to its row type: every column, added if missing.

    ``ADD COLUMN IF NOT EXISTS`` is a metadata change (old parts read the default), so this runs at
    every start; a column is only ever added, never dropped or retyped here.
    """
    on_cluster = f" ON CLUSTER {cluster}" if cluster else ""
    additions = ",\n    ".join(
        f"ADD COLUMN IF NOT EXISTS `{column}` {ch_type}" for column, ch_type in clickhouse_columns(table.row_type)
    )
    return [f"ALTER TABLE {database}.{name or table.name}{on_cluster}\n    {additions}"]


def ttl_upgrade(database: str, table: Table, cluster: str | None = None) -> str:
    """``MODIFY TTL`` for a table made before its TTL changed; run without materializing (see ``sink.Sink``).

    The partition key of an existing table cannot change in place: a table made before per-tenant
    retention keeps its daily partitions, and its shorter-retention rows go by the retention sweep.
    """
    target = f"{database}.{table.name}_local ON CLUSTER {cluster}" if cluster else f"{database}.{table.name}"
    return f"ALTER TABLE {target} MODIFY TTL {table.ttl}"


def replicated_engine(engine: str, keeper_path: str) -> str:
    """The Replicated* counterpart of a single-server MergeTree engine, keeping its arguments.

    ``SummingMergeTree(count)`` becomes ``ReplicatedSummingMergeTree('<path>', '{replica}', count)``.
    """
    match = _ENGINE.match(engine)
    if match is None:
        raise ValueError(f"{engine!r} is not a MergeTree-family engine")
    args = [f"'{keeper_path}'", "'{replica}'"]
    if match["args"]:
        args.append(match["args"])
    return f"Replicated{match['family']}({', '.join(args)})"


def _column_list(table: Table) -> str:
    return ",\n    ".join(f"`{name}` {ch_type}" for name, ch_type in clickhouse_columns(table.row_type))


def _create_table(
    database: str, table: Table, engine: str, dedup_setting: str, *, name: str | None = None, cluster: str | None = None
) -> str:
    on_cluster = f" ON CLUSTER {cluster}" if cluster else ""
    return (
        f"CREATE TABLE IF NOT EXISTS {database}.{name or table.name}{on_cluster}\n(\n    {_column_list(table)}\n)\n"
        f"ENGINE = {engine}\n"
        f"PARTITION BY {table.partition_by}\n"
        f"ORDER BY {table.order_by}\n"
        f"TTL {table.ttl}\n"
        f"SETTINGS ttl_only_drop_parts = 1, {dedup_setting}"
    )


def render(statements: list[str]) -> str:
    """Statements as one SQL script, the form kept in deploy/*/schema.sql."""
    return ";\n\n".join(statements) + ";\n"


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sink.ddl", description="Print the collector's DDL.")
    parser.add_argument("--cluster", help="emit the ReplicatedMergeTree + Distributed variant ON CLUSTER this name")
    parser.add_argument("--database", default="telemetry")
    args = parser.parse_args(argv)
    print(render(create_statements(args.database, args.cluster)), end="")


if __name__ == "__main__":
    _main()
