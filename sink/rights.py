"""One installation's rows (consent revoked) or one tenant's (offboarding): count, export, physical deletion.

Deletion is a mutation (``ALTER TABLE ... DELETE``) run to completion
(``mutations_sync = 2``): ClickHouse rewrites every part that held the rows, so
they leave the disk. A lightweight ``DELETE`` would only mask them until a merge.
Completion is then checked with a count, and only a zero count completes a purge.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sink.ddl import INSTALL_TABLES, OFFBOARDED_TABLES, Table
from sink.sink import Sink

_WHERE = "tenant = {tenant:String} AND install_hash = {install_hash:String}"


async def count_install_rows(sink: Sink, tenant: str, install_hash: str) -> dict[str, int]:
    counts = {}
    for table in INSTALL_TABLES:
        _, rows = await sink.query(
            f"SELECT count() FROM {sink.database}.{table.name} WHERE {_WHERE}",
            {},
            parameters={"tenant": tenant, "install_hash": install_hash},
        )
        counts[table.name] = rows[0][0]
    return counts


async def delete_install_rows(sink: Sink, tenant: str, install_hash: str) -> dict[str, int]:
    """Physically delete the rows; returns what is left per table (all zero on success)."""
    for table in INSTALL_TABLES:
        await sink.command(
            f"ALTER TABLE {sink.mutation_target(table.name)} DELETE WHERE {_WHERE}",
            {"mutations_sync": 2},
            parameters={"tenant": tenant, "install_hash": install_hash},
        )
    return await count_install_rows(sink, tenant, install_hash)


async def export_install_rows(
    sink: Sink, tenant: str, install_hash: str, page_size: int = 1000
) -> AsyncIterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """Every stored row of the installation, table by table and page by page."""
    for table in INSTALL_TABLES:
        async for page in export_rows(sink, table, tenant, install_hash, page_size):
            yield page


async def export_rows(
    sink: Sink, table: Table, tenant: str, install_hash: str | None = None, page_size: int = 10_000
) -> AsyncIterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """A tenant's rows of ``table`` (one installation's, given its hash), ``page_size`` at a time.

    Memory stays at one page whatever the tenant holds. Pages follow the table's sorting key, so
    ClickHouse reads them in order and stops at each page's end, rather than sorting the tenant's rows.
    """
    where = "tenant = {tenant:String}" + (" AND install_hash = {install_hash:String}" if install_hash else "")
    offset = 0
    while True:
        columns, rows = await sink.query(
            f"SELECT * EXCEPT (tenant) FROM {sink.database}.{table.name} WHERE {where} "
            f"ORDER BY {table.export_order} LIMIT {page_size} OFFSET {offset}",
            {},
            parameters={"tenant": tenant, "install_hash": install_hash or ""},
        )
        if not rows:
            return
        yield columns, rows
        offset += len(rows)


async def count_tenant_rows(sink: Sink, tenant: str) -> dict[str, int]:
    """Rows of the tenant in every table offboarding removes (all but the audit trail)."""
    counts = {}
    for table in OFFBOARDED_TABLES:
        _, rows = await sink.query(
            f"SELECT count() FROM {sink.database}.{table.name} WHERE tenant = {{tenant:String}}", {}, parameters={"tenant": tenant}
        )
        counts[table.name] = rows[0][0]
    return counts


async def delete_tenant_rows(sink: Sink, tenant: str) -> dict[str, int]:
    """Physically delete the tenant's rows from every offboarded table; returns what is left per table."""
    for table in OFFBOARDED_TABLES:
        await sink.command(
            f"ALTER TABLE {sink.mutation_target(table.name)} DELETE WHERE tenant = {{tenant:String}}",
            {"mutations_sync": 2},
            parameters={"tenant": tenant},
        )
    return await count_tenant_rows(sink, tenant)
