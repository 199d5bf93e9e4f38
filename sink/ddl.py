"""The tables the collector writes, derived from the row types in schemas/rows.py.

Retention follows the server's receive time, not the client's clock: a till
that was offline for a week still sends its events in one batch, and partitions
by receive day keep each insert in one partition, so that 180-day expiry is a
whole-part drop (``ttl_only_drop_parts``) rather than a row-by-row rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from schemas import EventRow, ScrubCountRow, clickhouse_columns
from schemas.rows import AuditRow, PurgeRow, TombstoneRow

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
    name: str
    row_type: type[msgspec.Struct]
    engine: str
    partition_by: str
    order_by: str
    ttl: str

    @property
    def columns(self) -> list[str]:
        return [name for name, _ in clickhouse_columns(self.row_type)]


TABLES: tuple[Table, ...] = (
    Table(
        name="events",
        row_type=EventRow,
        engine="MergeTree",
        partition_by="toYYYYMMDD(received_at)",
        order_by="(tenant, type, app_name, ts)",
        ttl=f"toDate(received_at) + INTERVAL {RETENTION_DAYS} DAY",
    ),
    Table(
        name="scrub_report",
        row_type=ScrubCountRow,
        engine="SummingMergeTree(count)",
        partition_by="toYYYYMM(day)",
        order_by="(tenant, day, field, entity)",
        ttl=f"day + INTERVAL {RETENTION_DAYS} DAY",
    ),
    Table(
        name="audit",
        row_type=AuditRow,
        engine="MergeTree",
        partition_by="toYYYYMM(at)",
        order_by="(tenant, at)",
        ttl=f"toDate(at) + INTERVAL {AUDIT_RETENTION_DAYS} DAY",
    ),
    Table(
        name="purges",
        row_type=PurgeRow,
        engine="ReplacingMergeTree(updated_at)",
        partition_by="toYYYYMM(requested_at)",
        order_by="(tenant, purge_id)",
        ttl=f"toDate(requested_at) + INTERVAL {AUDIT_RETENTION_DAYS} DAY",
    ),
    Table(
        name="tombstones",
        row_type=TombstoneRow,
        engine="ReplacingMergeTree(at)",
        partition_by="toYYYYMM(at)",
        order_by="(tenant, install_hash)",
        ttl=f"toDate(at) + INTERVAL {TOMBSTONE_RETENTION_DAYS} DAY",
    ),
)
TABLE_BY_ROW_TYPE = {t.row_type: t for t in TABLES}


def create_statements(database: str) -> list[str]:
    """Idempotent DDL for a single server (or chDB)."""
    statements = [f"CREATE DATABASE IF NOT EXISTS {database}"]
    for table in TABLES:
        columns = ",\n    ".join(f"`{name}` {ch_type}" for name, ch_type in clickhouse_columns(table.row_type))
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {database}.{table.name}\n(\n    {columns}\n)\n"
            f"ENGINE = {table.engine}\n"
            f"PARTITION BY {table.partition_by}\n"
            f"ORDER BY {table.order_by}\n"
            f"TTL {table.ttl}\n"
            f"SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = {DEDUP_WINDOW}"
        )
    return statements
