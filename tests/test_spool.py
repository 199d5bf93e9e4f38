"""The spool on its own: durability framing, group commit, recovery of torn tails."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid

import orjson


from schemas import EventRow
from sink.record import decode_record, encode_record, event_keys, lines
from sink.spool import Spool, SpoolFull, frame, read_segment


def _spool(directory, sealed, **overrides) -> Spool:
    settings = {"max_bytes": 10_000_000, "segment_max_bytes": 1_000_000, "segment_max_age_s": 0.05}
    settings.update(overrides)
    return Spool(directory, on_sealed=sealed.append, **settings)


async def test_concurrent_appends_share_fsyncs_and_all_land_in_sealed_segments(tmp_path):
    sealed = []
    spool = _spool(tmp_path, sealed)
    spool.recover()
    spool.start()
    payloads = [f"record-{i}".encode() for i in range(300)]
    await asyncio.gather(*(spool.append(p) for p in payloads))
    await spool.close()
    assert spool.commits < len(payloads)
    stored = [p for segment in sealed for p in read_segment(segment.path)[0]]
    assert sorted(stored) == sorted(payloads)


async def test_a_payload_framed_with_its_producers_crc_reads_back_and_a_wrong_one_is_caught(tmp_path):
    import zlib  # noqa: PLC0415

    sealed = []
    spool = _spool(tmp_path, sealed)
    spool.recover()
    spool.start()
    await spool.append(b"from a worker", zlib.crc32(b"from a worker"))
    await spool.append(b"checksummed here")
    await spool.append(b"torn on the way", zlib.crc32(b"something else"))  # recovery stops at a bad checksum
    await spool.close()
    (segment,) = sealed
    assert read_segment(segment.path)[0] == [b"from a worker", b"checksummed here"]


async def test_full_spool_refuses_appends(tmp_path):
    spool = _spool(tmp_path, [], max_bytes=100)
    spool.recover()
    spool.start()
    await spool.append(b"x" * 50)
    try:
        await spool.append(b"y" * 50)
    except SpoolFull:
        pass
    else:
        raise AssertionError("a full spool accepted an append")
    await spool.close()


def test_torn_last_record_is_cut_and_intact_records_are_kept(tmp_path):
    path = tmp_path / f"{1:020d}.wal"
    records = [b"first", b"second", b"third"]
    data = b"".join(frame(r) for r in records)
    path.write_bytes(data[:-3])  # a crash in the middle of the last write
    spool = _spool(tmp_path, [])
    (segment,) = spool.recover()
    assert read_segment(segment.path)[0] == [b"first", b"second"]
    assert os.path.getsize(path) == len(frame(b"first")) + len(frame(b"second"))


def test_corrupt_record_is_detected_by_checksum(tmp_path):
    path = tmp_path / f"{1:020d}.wal"
    data = bytearray(frame(b"good") + frame(b"flipped"))
    data[-2] ^= 0xFF
    path.write_bytes(bytes(data))
    payloads, end = read_segment(path)
    assert payloads == [b"good"]
    assert end == len(frame(b"good"))


def test_segment_with_nothing_intact_is_removed(tmp_path):
    path = tmp_path / f"{7:020d}.wal"
    path.write_bytes(b"\x01\x02")
    spool = _spool(tmp_path, [])
    assert spool.recover() == []
    assert not path.exists()


def _row(install_hash: str, message: str) -> EventRow:
    now = dt.datetime.now(dt.timezone.utc)
    return EventRow(
        tenant="acme", event_id=uuid.uuid4(), received_at=now, ts=now, type="error", install_hash=install_hash,
        session_hash="s" * 32, app_name="pos", app_version="1.0.0", app_platform="windows", os_name="Windows",
        os_version="10", module="sales", error_message=message,
    )  # fmt: skip


def test_record_rows_keep_newlines_quotes_and_empty_values():
    rows = [_row("a" * 32, "line one\nline two\r\n"), _row("b" * 32, 'quote " and \\n'), _row("c" * 32, "")]
    record = decode_record(encode_record("acme", rows, []))
    assert record.install_hashes == ["a" * 32, "b" * 32, "c" * 32]
    message = EventRow.__struct_fields__.index("error_message")
    assert [orjson.loads(line)[message] for line in lines(record.events)] == [r.error_message for r in rows]
    assert event_keys(record) == [("acme", r.event_id) for r in rows]
