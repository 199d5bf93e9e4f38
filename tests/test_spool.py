"""The spool on its own: durability framing, group commit, recovery of torn tails."""

from __future__ import annotations

import asyncio
import os

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
