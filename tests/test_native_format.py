"""The spool's Native blocks: what ClickHouse itself writes, readable back, and records of the JSON era still stored.

The byte-for-byte check runs its own embedded engine in a child process (chDB
allows one engine path per process, and the session's collector holds one):
the engine stores the same rows from JSON text in a Memory table, which keeps
their order, and writes them back as Native.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import uuid

import msgspec
import orjson
import pytest

from schemas import EventRow, ReleaseHealthRow, ScrubCountRow, clickhouse_columns
from schemas.rows import AuditRow, OffboardingRow, PurgeRow, TombstoneRow
from sink.ddl import TABLES
from sink.native import NativeFormatError, assemble, column_type, decode_blocks, decode_parts, encode_block, encode_parts
from sink.record import JSON_LINES, MIN_ROWS_FOR_PARTS, SpoolRecord, decode_record, encode_record, event_keys, keep_events
from sink.spool import frame, read_segment
from tests.conftest import ROOT, make_event
from tests.test_durability import DUPLICATES_SQL, _config, _kill, _post, _stored_counts

_JSON = msgspec.json.Encoder()
# Millisecond times: the column keeps milliseconds, so these read back equal.
_NOW = dt.datetime(2026, 12, 2, 10, 11, 12, 345000, tzinfo=dt.timezone.utc)


def _event(i: int, **overrides) -> EventRow:
    fields = dict(
        tenant="acme", event_id=uuid.uuid4(), received_at=_NOW, ts=_NOW - dt.timedelta(milliseconds=7 * i),
        type=("error", "app_start")[i % 2], install_hash=f"{i % 3:032x}", session_hash="s" * 32 if i else "",
        app_name="omnix-pos", app_version="4.2.1", app_platform="windows", os_name="Windows", os_version="10.0",
        module=f"module-{i}", duration_ms=i * 1000, counts={"sales": i, "users": 2} if i % 2 else {},
        error_message="é <PERSON> " * i * 20, attributes={"route": "/v1/x"} if i == 2 else {},
    )  # fmt: skip
    fields.update(overrides)
    return EventRow(**fields)


# One list per row type: constant and varying columns, empty and full maps, strings longer than
# 127 bytes (a two-byte length), and more than 256 distinct values of one LowCardinality column
# (two-byte indexes).
SAMPLES: dict[type, list] = {
    EventRow: [_event(i) for i in range(5)] + [_event(i, module=f"m{i}") for i in range(300)],
    ScrubCountRow: [ScrubCountRow("acme", _NOW.date(), "error_message", e, 3) for e in ("PERSON", "AMOUNT")],
    ReleaseHealthRow: [ReleaseHealthRow("acme", _NOW.date(), "omnix-pos", "4.2.1", "production", "crashed", 12, 30)],
    AuditRow: [AuditRow("acme", _NOW, "purge", "h" * 32, "key1", "completed", rows=7, reason="ticket 12")],
    PurgeRow: [PurgeRow(uuid.uuid4(), "acme", "h" * 32, _NOW, _NOW, "accepted")],
    OffboardingRow: [OffboardingRow(uuid.uuid4(), "acme", _NOW, _NOW, "completed", {"events": 3, "audit": 0})],
    TombstoneRow: [TombstoneRow("acme", "h" * 32, _NOW)],
}

_ENGINE_WRITES_NATIVE = textwrap.dedent(
    """
    import sys
    import clickhouse_connect
    import orjson
    path, jobs = sys.argv[1], orjson.loads(sys.stdin.buffer.read())
    client = clickhouse_connect.get_client(interface="chdb", path=path)
    client.command("CREATE DATABASE scratch")
    out = {}
    for name, job in jobs.items():
        client.command(f"CREATE TABLE scratch.{name} ({job['columns']}) ENGINE = Memory")
        client.raw_insert(f"scratch.{name}", insert_block=job["json"].encode(), fmt="JSONCompactEachRow",
                          settings={"date_time_input_format": "best_effort"})
        out[name] = client.raw_query(f"SELECT * FROM scratch.{name} FORMAT Native").hex()
    client.close()
    sys.stdout.write(orjson.dumps(out).decode())
    """
)


def _engine_native(tmp_path) -> dict[str, bytes]:
    jobs = {
        row_type.__name__: {
            "columns": ", ".join(f"`{name}` {column_type(declared)}" for name, declared in clickhouse_columns(row_type)),
            "json": _JSON.encode_lines([msgspec.structs.astuple(row) for row in rows]).decode(),
        }
        for row_type, rows in SAMPLES.items()
    }
    done = subprocess.run(
        [sys.executable, "-c", _ENGINE_WRITES_NATIVE, str(tmp_path / "engine")],
        input=orjson.dumps(jobs), capture_output=True, check=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    return {name: bytes.fromhex(blob) for name, blob in orjson.loads(done.stdout).items()}


def test_our_blocks_are_byte_for_byte_what_clickhouse_writes_for_every_row_type(tmp_path):
    theirs = _engine_native(tmp_path)
    for row_type, rows in SAMPLES.items():
        assert encode_block(row_type, rows) == theirs[row_type.__name__], row_type.__name__


@pytest.mark.parametrize("row_type", list(SAMPLES), ids=lambda t: t.__name__)
def test_concatenated_blocks_read_back_as_the_rows_written(row_type):
    rows = SAMPLES[row_type]
    assert decode_blocks(row_type, encode_block(row_type, rows) + encode_block(row_type, rows[:1])) == rows + rows[:1]


def test_every_table_has_samples_here_so_a_new_column_type_meets_the_engine_check():
    assert {table.row_type for table in TABLES} == set(SAMPLES)
    assert encode_block(EventRow, []) == b""


def _parts(row_type, rows) -> bytes:
    return encode_parts(row_type, [msgspec.structs.astuple(row) for row in rows])


@pytest.mark.parametrize("row_type", list(SAMPLES), ids=lambda t: t.__name__)
def test_records_parts_make_the_block_their_rows_make_together(row_type):
    # A segment's records become one block: the same bytes as one block of all their rows, whatever the split,
    # including records with no map entries beside records with some, and dictionaries that grow past 256.
    rows = SAMPLES[row_type]
    splits = [rows[:1], rows[1:3], rows[3:4], rows[4:]]
    assert assemble(row_type, [_parts(row_type, part) for part in splits if part]) == encode_block(row_type, rows)
    assert assemble(row_type, [_parts(row_type, part) for part in [rows[:2], [], rows[2:]]]) == encode_block(row_type, rows)
    assert assemble(row_type, []) == b""


def test_many_small_records_with_more_than_256_distinct_values_make_two_byte_indexes():
    rows = [_event(i, module=f"module {i}", counts={f"k{i}": i}) for i in range(600)]
    block = assemble(EventRow, [_parts(EventRow, rows[i : i + 7]) for i in range(0, 600, 7)])
    assert block == encode_block(EventRow, rows)
    assert decode_blocks(EventRow, block) == rows


def test_times_keep_milliseconds_and_a_naive_time_is_taken_as_utc():
    precise = _event(1, ts=_NOW.replace(microsecond=345999), received_at=_NOW.replace(tzinfo=None))
    (back,) = decode_blocks(EventRow, encode_block(EventRow, [precise]))
    assert back.ts == _NOW and back.received_at == _NOW


def test_a_value_out_of_its_column_range_fails_instead_of_wrapping():
    with pytest.raises(OverflowError):
        encode_block(EventRow, [_event(1, duration_ms=-1)])
    with pytest.raises(OverflowError):
        encode_block(EventRow, [_event(1, retention_days=70_000)])


def test_a_block_of_another_row_type_or_a_truncated_one_is_refused():
    block = encode_block(ScrubCountRow, SAMPLES[ScrubCountRow])
    with pytest.raises(NativeFormatError):
        decode_blocks(EventRow, block)
    with pytest.raises(NativeFormatError):
        decode_blocks(ScrubCountRow, block[:-3])


def _event_rows(record: SpoolRecord) -> list[EventRow]:
    if record.row_format == JSON_LINES:
        return [msgspec.convert(dict(zip(EventRow.__struct_fields__, msgspec.json.decode(line))), EventRow)
                for line in record.events.splitlines()]  # fmt: skip
    return decode_parts(EventRow, record.events)


@pytest.mark.parametrize(("size", "row_format"), [(MIN_ROWS_FOR_PARTS, "NativeParts"), (MIN_ROWS_FOR_PARTS - 1, JSON_LINES)])
def test_a_record_keeps_only_the_rows_asked_and_names_their_keys(size, row_format):
    # Small records (a Sentry envelope holds one event) stay JSON lines: merging their parts would cost more.
    rows = SAMPLES[EventRow][:size]
    record = decode_record(encode_record("acme", rows, SAMPLES[ScrubCountRow]))
    assert record.row_format == row_format and record.install_hashes == [r.install_hash for r in rows]
    assert event_keys(record) == [("acme", r.event_id) for r in rows]
    assert _event_rows(record) == rows
    keep = [i % 3 == 0 for i in range(size)]
    kept = keep_events(record, keep)
    assert _event_rows(kept) == [row for row, k in zip(rows, keep) if k]
    assert kept.install_hashes == [row.install_hash for row, k in zip(rows, keep) if k] and kept.report == record.report
    assert keep_events(record, [False] * size).events == b""
    # Parts records carry their ids apart, so the duplicate window is rebuilt at start without reading rows.
    assert len(record.event_ids) == (16 * size if row_format == "NativeParts" else 0)
    assert event_keys(kept) == [("acme", row.event_id) for row, k in zip(rows, keep) if k]
    assert len(kept.event_ids) == (16 * sum(keep) if row_format == "NativeParts" else 0)


def _as_json_era(payload: bytes) -> bytes:
    """A record as the collector spooled it before Native: JSON lines and no ``row_format``."""
    record = decode_record(payload)

    def lines(row_type, blob):
        return _JSON.encode_lines([msgspec.structs.astuple(r) for r in decode_parts(row_type, blob)])

    old = SpoolRecord(record.tenant, record.install_hashes, lines(EventRow, record.events),
                      lines(ScrubCountRow, record.report), lines(ReleaseHealthRow, record.sessions))  # fmt: skip
    assert record.row_format == "NativeParts"
    encoded = msgspec.msgpack.encode(msgspec.structs.astuple(old)[:5])
    assert decode_record(encoded).row_format == JSON_LINES
    return encoded


def test_a_spool_written_before_native_is_still_stored_once_after_an_upgrade(tmp_path):
    proc = _config(tmp_path, shutdown_s=0.5)
    fault = tmp_path / "insert-fault"
    try:
        fault.write_text("clickhouse unreachable")
        proc.start()
        events = [make_event() for _ in range(MIN_ROWS_FOR_PARTS)] + [make_event("usage_counts", counts={"sales_count": 4})]
        assert _post(proc.url, events)[0] == 202
        assert proc.stop() == 0  # the shutdown times out: the rows stay spooled
        (segment,) = sorted((proc.data_dir / "spool").glob("*.wal"))
        payloads, _ = read_segment(segment)
        segment.write_bytes(b"".join(frame(_as_json_era(p)) for p in payloads))

        fault.unlink()
        proc.start()
        assert _post(proc.url, events)[0] == 202  # a retry after the restart: the JSON-era record's ids are known
        assert proc.stop() == 0
        assert _stored_counts(proc) == {e["event_id"]: 1 for e in events}
        assert proc.query("SELECT counts['sales_count'] FROM telemetry.events WHERE type = 'usage_counts'") == [[4]]
        assert proc.query(DUPLICATES_SQL) == [[0]]
    finally:
        _kill(proc)


_ENGINE_SQUASHES_BLOCKS = textwrap.dedent(
    """
    import sys
    import clickhouse_connect
    path, columns = sys.argv[1], sys.stdin.read()
    client = clickhouse_connect.get_client(interface="chdb", path=path)
    client.command("CREATE DATABASE scratch")
    client.command(f"CREATE TABLE scratch.events ({columns}) ENGINE = MergeTree ORDER BY (tenant, event_id)")
    client.command("SYSTEM STOP MERGES scratch.events")
    with open(sys.argv[2], "rb") as blocks:
        client.raw_insert("scratch.events", insert_block=blocks.read(), fmt="Native")
    count = client.query("SELECT count() FROM scratch.events").result_rows[0][0]
    parts = client.query("SELECT count() FROM system.parts WHERE database = 'scratch' AND active").result_rows[0][0]
    print(count, parts)
    client.close()
    """
)


def test_one_insert_of_many_small_blocks_makes_one_part(tmp_path):
    # What storing a segment relies on: ClickHouse squashes the 100-row blocks of one insert into one part,
    # as it did the one JSON block, so segments of many records do not multiply parts and merges.
    blocks = tmp_path / "blocks.native"
    blocks.write_bytes(b"".join(encode_block(EventRow, [_event(i) for i in range(100)]) for _ in range(50)))
    columns = ", ".join(f"`{name}` {column_type(declared)}" for name, declared in clickhouse_columns(EventRow))
    done = subprocess.run(
        [sys.executable, "-c", _ENGINE_SQUASHES_BLOCKS, str(tmp_path / "engine"), str(blocks)],
        input=columns, text=True, capture_output=True, check=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.stdout.split() == ["5000", "1"]
