"""One installation's rows: count, export and physical deletion (consent revoked).

Deletion is a mutation (``ALTER TABLE ... DELETE``) run to completion
(``mutations_sync = 2``): ClickHouse rewrites every part that held the rows, so
they leave the disk. A lightweight ``DELETE`` would only mask them until a merge.
Completion is then checked with a count, and only a zero count completes a purge.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sink.sink import Sink

# Tables that hold rows of one installation; aggregate tables (scrub_report) hold none.
INSTALL_TABLES = ("events",)
_WHERE = "tenant = {tenant:String} AND install_hash = {install_hash:String}"


async def count_install_rows(sink: Sink, tenant: str, install_hash: str) -> dict[str, int]:
    counts = {}
    for table in INSTALL_TABLES:
        _, rows = await sink.query(
            f"SELECT count() FROM {sink.database}.{table} WHERE {_WHERE}",
            {},
            parameters={"tenant": tenant, "install_hash": install_hash},
        )
        counts[table] = rows[0][0]
    return counts


async def delete_install_rows(sink: Sink, tenant: str, install_hash: str) -> dict[str, int]:
    """Physically delete the rows; returns what is left per table (all zero on success)."""
    for table in INSTALL_TABLES:
        await sink.command(
            f"ALTER TABLE {sink.mutation_target(table)} DELETE WHERE {_WHERE}",
            {"mutations_sync": 2},
            parameters={"tenant": tenant, "install_hash": install_hash},
        )
    return await count_install_rows(sink, tenant, install_hash)


async def export_install_rows(
    sink: Sink, tenant: str, install_hash: str, page_size: int = 1000
) -> AsyncIterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """Every stored row of the installation, page by page, oldest first."""
    offset = 0
    while True:
        columns, rows = await sink.query(
            f"SELECT * EXCEPT (tenant) FROM {sink.database}.events WHERE {_WHERE} "
            f"ORDER BY ts, event_id LIMIT {page_size} OFFSET {offset}",
            {},
            parameters={"tenant": tenant, "install_hash": install_hash},
        )
        if not rows:
            return
        yield columns, rows
        offset += len(rows)


