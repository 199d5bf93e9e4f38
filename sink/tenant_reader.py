"""Read-only SQL as a tenant's own ClickHouse user, so that the server confines it to the tenant's rows.

The collector's own user sees every tenant. A tenant's reader user (``grafana_<tenant>``
in deploy/compose) sees only what its row policy lets through, under a settings profile
that pins ``readonly``; ClickHouse enforces both, and nothing here filters rows. Only a
ClickHouse server has users: the embedded engine has none to log in as.

One client per reader user, opened at its first query (opening asks the server for its
version and settings) and kept until ``close``. Calls run on a few threads of their own,
off the event loop and off the sink's single ClickHouse thread.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client

# An operator query holds a thread while it runs (at most its max_execution_time).
_THREADS = 4
_SEND_RECEIVE_TIMEOUT_S = 90


@dataclass(frozen=True)
class ReaderLogin:
    """A tenant's read-only ClickHouse user and the file holding its password."""

    user: str
    password_file: Path


class TenantReaders:
    """Clients logged in as tenants' reader users, on the server the sink writes to."""

    def __init__(self, server_url: str):
        parts = urlsplit(server_url)
        if parts.scheme not in ("http", "https"):
            raise ValueError("tenant readers need a ClickHouse server (http:// or https://)")
        self._interface = parts.scheme
        self._host = parts.hostname or "localhost"
        self._port = parts.port or (8443 if parts.scheme == "https" else 8123)
        self._database = parts.path.strip("/") or "telemetry"
        self._threads = ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="tenant-reader")
        self._clients: dict[ReaderLogin, Client] = {}
        self._opening = threading.Lock()

    async def query(
        self, login: ReaderLogin, sql: str, settings: dict[str, Any], max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        """Columns and at most ``max_rows`` rows of ``sql`` run as ``login``'s user."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._query, login, sql, settings, max_rows)

    async def close(self) -> None:
        """Wait for queries under way, then close every client; later queries raise RuntimeError."""
        await asyncio.get_running_loop().run_in_executor(None, self._threads.shutdown)
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _query(self, login: ReaderLogin, sql: str, settings: dict[str, Any], max_rows: int) -> tuple[list[str], list[tuple]]:
        # Streamed, so the collector holds at most max_rows and one block, whatever the
        # query returns: the reader's profile pins max_result_rows, so the collector's own
        # cap cannot be sent as a setting.
        rows: list[tuple] = []
        with self._client(login).query_row_block_stream(sql, settings=settings) as stream:
            columns = list(stream.source.column_names)
            for block in stream:
                rows.extend(block[: max_rows - len(rows)])
                if len(rows) >= max_rows:
                    break
        return columns, rows

    def _client(self, login: ReaderLogin) -> Client:
        with self._opening:
            client = self._clients.get(login)
            if client is None:
                client = clickhouse_connect.get_client(
                    interface=self._interface,
                    host=self._host,
                    port=self._port,
                    username=login.user,
                    password=login.password_file.read_text().strip("\r\n"),
                    database=self._database,
                    # One client serves concurrent queries from several threads; clickhouse-connect
                    # refuses concurrent queries within one session.
                    autogenerate_session_id=False,
                    send_receive_timeout=_SEND_RECEIVE_TIMEOUT_S,
                )
                self._clients[login] = client
            return client
