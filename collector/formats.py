"""How exported rows are written: CSV and JSON Lines, one page at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import orjson
from aiohttp import web

NDJSON, CSV = "application/x-ndjson", "text/csv"


def wants_csv(request: web.Request) -> bool:
    return CSV in request.headers.get("Accept", "")


def _cell(value: Any) -> Any:
    """CSV cells: maps and lists as JSON, times as ISO 8601, the rest as they are."""
    if isinstance(value, (dict, list, tuple)):
        return orjson.dumps(value, option=orjson.OPT_NAIVE_UTC, default=str).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


async def write_csv(response: web.StreamResponse, pages: AsyncIterator[tuple[list[str], list[tuple]]]) -> int:
    """Pages as CSV with one header line; returns the rows written."""
    written, header_done = 0, False
    async for columns, rows in pages:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        if not header_done:
            out.writerow(columns)
            header_done = True
        out.writerows([_cell(v) for v in row] for row in rows)
        await response.write(buffer.getvalue().encode())
        written += len(rows)
    return written


async def write_ndjson(response: web.StreamResponse, pages: AsyncIterator[tuple[list[str], list[tuple]]]) -> int:
    written = 0
    async for columns, rows in pages:
        await response.write(
            b"".join(
                orjson.dumps(dict(zip(columns, row)), option=orjson.OPT_NAIVE_UTC | orjson.OPT_APPEND_NEWLINE, default=str)
                for row in rows
            )
        )
        written += len(rows)
    return written
