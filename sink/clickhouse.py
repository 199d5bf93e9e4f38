"""Open a ClickHouse client from the configured URL: embedded chDB or a server over HTTP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client


def open_client(url: str) -> tuple[Client, str]:
    """A client and the database name for ``chdb:///abs/path`` or ``http(s)://user:pass@host:port/db``."""
    parts = urlsplit(url)
    if parts.scheme == "chdb":
        path = Path(unquote(parts.path))
        if not path.is_absolute():
            raise ValueError("a chdb URL needs an absolute path: chdb:///abs/path")
        path.mkdir(parents=True, exist_ok=True)
        return clickhouse_connect.get_client(interface="chdb", path=str(path)), "telemetry"
    if parts.scheme in ("http", "https"):
        database = parts.path.strip("/") or "telemetry"
        client = clickhouse_connect.get_client(
            interface=parts.scheme,
            host=parts.hostname or "localhost",
            port=parts.port or (8443 if parts.scheme == "https" else 8123),
            username=unquote(parts.username or "default"),
            password=unquote(parts.password or ""),
            database="default",
        )
        return client, database
    raise ValueError("clickhouse.url must start with chdb://, http:// or https://")
