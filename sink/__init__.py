"""Where rows go: a durable spool, then ClickHouse (embedded chDB or a server)."""

from sink.clickhouse import open_client
from sink.ddl import RETENTION_DAYS, TABLES, create_statements
from sink.record import SpoolRecord, encode_record
from sink.sink import Sink, SinkSettings, SinkStats
from sink.spool import SpoolFull
from sink.tenant_reader import ReaderLogin, TenantReaders

__all__ = [
    "RETENTION_DAYS",
    "TABLES",
    "ReaderLogin",
    "Sink",
    "SinkSettings",
    "SinkStats",
    "SpoolRecord",
    "SpoolFull",
    "TenantReaders",
    "create_statements",
    "encode_record",
    "open_client",
]
