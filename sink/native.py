"""ClickHouse's Native format for our row types: parts written by the scrubbing workers, one block per segment.

Native is column by column, as ClickHouse holds data, so the engine copies it in
rather than parsing it. Measured on 60 000 events in the embedded engine, one
parsing thread (2026-12-02): inserting JSONCompactEachRow cost 6.0-8.4 µs of CPU
per row (5.2 of them parsing, seen by inserting into a Null table), Native in
one block 1.6-2.3 µs (0.33 parsing), RowBinary 5.1-5.8. But every block costs
ClickHouse 3-10 µs a column to read, so a worker writes each record's columns
as parts (``encode_parts``) and the sink joins a segment's parts into one block
(``assemble``). Writing parts in Python is cheap because a batch's columns
repeat: one tenant, one app, one installation per request, so a column is
mostly one value, encoded once.

Each column's layout is what ClickHouse itself writes for the type over HTTP;
``tests/test_native_format.py`` checks ours against the engine's, byte for byte,
and reads every type back. ``decode_blocks`` reads our own blocks, for the rare
paths that need rows again (an installation revoked after its rows were
spooled, and the duplicate window rebuilt at start). The column types come from
``schemas.clickhouse_columns``, like the tables', so the two cannot drift.
"""

from __future__ import annotations

import array
import datetime as dt
import functools
import itertools
import struct
import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from schemas import clickhouse_columns

_U64 = struct.Struct("<Q")
_UUID = struct.Struct("<QQ")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MILLISECOND = dt.timedelta(milliseconds=1)
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_LITTLE_ENDIAN = sys.byteorder == "little"

# LowCardinality's stream: a version once per column, then per block a word of flags and the index width,
# the block's own dictionary (additional keys) and one index per row. Index 0 is the type's default ("").
_LOW_CARDINALITY_VERSION = _U64.pack(1)  # SharedDictionariesWithAdditionalKeys
_HAS_ADDITIONAL_KEYS = 1 << 9
_NEED_UPDATE_DICTIONARY = 1 << 10
_INTEGER_TYPECODES = {name: next(c for c in "BHILQ" if array.array(c).itemsize == size) for name, size in
                      (("UInt8", 1), ("UInt16", 2), ("UInt32", 4), ("UInt64", 8))}  # fmt: skip
# Index widths ClickHouse numbers 0-3: UInt8 to UInt64.
_INDEX_TYPECODES = tuple(_INTEGER_TYPECODES.values())
_INT64 = next(c for c in "bhilq" if array.array(c).itemsize == 8)

Values = Sequence[Any]
Encode = Callable[[Values], bytes]


class NativeFormatError(ValueError):
    """A block that is not one of ours (truncated, or written for another row type)."""


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _string(value: str) -> bytes:
    data = value.encode()
    return (bytes((len(data),)) if len(data) < 0x80 else _varint(len(data))) + data


def _packed(typecode: str, values: Values) -> bytes:
    packed = array.array(typecode, values)
    if not _LITTLE_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def _repeated_or_cached(values: Values, encode_one: Callable[[Any], bytes]) -> bytes:
    """Values encoded one by one and joined, each distinct value encoded once (a batch repeats most of them)."""
    first = values[0]
    if values.count(first) == len(values):
        return encode_one(first) * len(values)
    encoded = {value: encode_one(value) for value in dict.fromkeys(values)}
    return b"".join(map(encoded.__getitem__, values))


def _strings(values: Values) -> bytes:
    return _repeated_or_cached(values, _string) if values else b""


# A record's part of a LowCardinality column: its own dictionary ("" first, as ClickHouse keeps the default at
# index 0) and one index a row, one byte wide while the dictionary fits. Parts of many records are merged into
# one dictionary when their segment is stored.
LowCardinalityPart = tuple[Sequence[str], bytes]


def _index_width(keys: int) -> int:
    return 0 if keys <= 0x100 else 1 if keys <= 0x10000 else 2


def _low_cardinality_part(values: Values) -> LowCardinalityPart:
    first = values[0]
    if values.count(first) == len(values):  # the usual column of a batch: one tenant, app, release, module
        return _constant_part(first, len(values))
    keys = dict.fromkeys(itertools.chain(("",), values))
    index = {key: position for position, key in enumerate(keys)}
    if len(keys) <= 0x100:  # one byte an index: made in C
        return list(keys), bytes(map(index.__getitem__, values))
    return list(keys), _packed(_INDEX_TYPECODES[_index_width(len(keys))], map(index.__getitem__, values))


@functools.lru_cache(maxsize=4096)
def _constant_part(value: str, count: int) -> LowCardinalityPart:
    # Records of one event (a Sentry envelope, an OTLP record) would otherwise pay ~1 µs a column for a
    # value that recurs in every record: the tenant, the app, its release, the platform.
    return (("",), b"\x00" * count) if value == "" else (("", value), b"\x01" * count)


def _low_cardinality_body(parts: Sequence[LowCardinalityPart], rows: int) -> bytes:
    """One dictionary for all the parts, and each part's indexes moved to it (a byte translation while it is small)."""
    first_keys = parts[0][0]
    if all(part_keys == first_keys for part_keys, _ in parts):  # one dictionary for all: a segment of one app
        keys, indexes = first_keys, b"".join(part_indexes for _, part_indexes in parts)
    else:
        merged: dict[str, int] = {}
        for part_keys, _ in parts:
            for key in part_keys:
                merged.setdefault(key, len(merged))
        keys, width = list(merged), _index_width(len(merged))
        moved = []
        for part_keys, part_indexes in parts:
            positions = [merged[key] for key in part_keys]
            if width == 0:  # then every part's own indexes are one byte too
                moved.append(part_indexes.translate(bytes(positions) + bytes(0x100 - len(positions))))
            else:
                own = array.array(_INDEX_TYPECODES[_index_width(len(part_keys))], part_indexes)
                moved.append(_packed(_INDEX_TYPECODES[width], map(positions.__getitem__, own)))
        indexes = b"".join(moved)
    return b"".join((
        _U64.pack(_index_width(len(keys)) | _HAS_ADDITIONAL_KEYS | _NEED_UPDATE_DICTIONARY),
        _U64.pack(len(keys)),
        _strings(keys),
        _U64.pack(rows),
        indexes,
    ))  # fmt: skip


def _join_low_cardinality(parts: Sequence[LowCardinalityPart], rows: int) -> bytes:
    return _LOW_CARDINALITY_VERSION + _low_cardinality_body(parts, rows)


def _join_bytes(parts: Sequence[bytes], rows: int) -> bytes:
    return b"".join(parts)


def _datetime64_ms(values: Values) -> bytes:
    # Floor division of exact timedeltas: a longer fraction is cut to milliseconds, as ClickHouse cuts it in text.
    # Row times are aware (UTC); a naive one is taken as UTC rather than as this machine's local time.
    first = values[0]
    try:
        if values.count(first) == len(values):
            return _packed(_INT64, ((first - _EPOCH) // _MILLISECOND,)) * len(values)
        return _packed(_INT64, [(value - _EPOCH) // _MILLISECOND for value in values])
    except TypeError:
        return _datetime64_ms([v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc) for v in values])


def _date(values: Values) -> bytes:
    return _packed(_INTEGER_TYPECODES["UInt16"], (value.toordinal() - _EPOCH_DAY for value in values))


def uuid_bytes(values: Sequence[uuid.UUID]) -> bytes:
    """The 16 big-endian bytes of each UUID, joined: encoded in C by msgspec, its framing cut off by ``struct``.

    ``UUID.bytes`` is a Python property; half the time for a batch's ids.
    """
    if not values:
        return b""
    encoded = _uuid_encoder.encode(values)  # a msgpack array of bin 8: 0xc4, 16, then the bytes
    return b"".join(_bin16_array(len(values)).unpack_from(encoded, len(encoded) - 18 * len(values)))


_uuid_encoder = msgspec.msgpack.Encoder(uuid_format="bytes")


@functools.lru_cache(maxsize=64)
def _bin16_array(count: int) -> struct.Struct:
    return struct.Struct("2x16s" * count)


def _uuid(values: Values) -> bytes:
    # ClickHouse holds a UUID as two little-endian 64-bit halves, the high half first: the big-endian
    # bytes with each half reversed, which a byte swap of 64-bit words does for all of them at once.
    halves = array.array(_INTEGER_TYPECODES["UInt64"], uuid_bytes(values))
    halves.byteswap()  # reverses each word's bytes in memory, whatever this machine's own order
    return halves.tobytes()


def _integers(name: str) -> Encode:
    typecode = _INTEGER_TYPECODES[name]

    def encode(values: Values) -> bytes:
        if values and values.count(values[0]) == len(values):  # one value a column: retention, a count of 0
            return _packed(typecode, values[:1]) * len(values)
        return _packed(typecode, values)

    return encode


# A record's part of a Map(LowCardinality(String), V) column: each row's entry count, the keys (None if no row has
# one) and the values. Counts, not offsets, so that parts join; the offsets are summed when the block is made.
MapPart = tuple[bytes, LowCardinalityPart | None, bytes]


def _map_part(values_encoder: Encode) -> Callable[[Values], MapPart]:
    def encode(values: Values) -> MapPart:
        if not any(values):  # no row has an entry
            return _no_entries(len(values)), None, b""
        keys = list(itertools.chain.from_iterable(values))
        items = list(itertools.chain.from_iterable(map(dict.values, values)))
        return _packed(_INTEGER_TYPECODES["UInt64"], map(len, values)), _low_cardinality_part(keys), values_encoder(items)

    return encode


@functools.lru_cache(maxsize=256)
def _no_entries(count: int) -> bytes:
    return bytes(8 * count)


def _join_map(parts: Sequence[MapPart], rows: int) -> bytes:
    """The keys' LowCardinality version first (ClickHouse writes a column's prefixes before its data), then the
    offsets, keys and values of all rows; no keys block at all when no row has an entry, as ClickHouse writes it."""
    counts = array.array(_INTEGER_TYPECODES["UInt64"], b"".join(part[0] for part in parts))
    if not _LITTLE_ENDIAN:
        counts.byteswap()
    offsets = _packed(_INTEGER_TYPECODES["UInt64"], itertools.accumulate(counts))
    keys = [part[1] for part in parts if part[1] is not None]
    if not keys:
        return _LOW_CARDINALITY_VERSION + offsets
    return b"".join((_LOW_CARDINALITY_VERSION, offsets, _low_cardinality_body(keys, sum(counts)), *(part[2] for part in parts)))


Part = Callable[[Values], Any]
Join = Callable[[Sequence[Any], int], bytes]
_CODECS: dict[str, tuple[Part, Join]] = {
    "String": (_strings, _join_bytes),
    "LowCardinality(String)": (_low_cardinality_part, _join_low_cardinality),
    "UUID": (_uuid, _join_bytes),
    "DateTime64(3, 'UTC')": (_datetime64_ms, _join_bytes),
    "Date": (_date, _join_bytes),
    "UInt16": (_integers("UInt16"), _join_bytes),
    "UInt32": (_integers("UInt32"), _join_bytes),
    "UInt64": (_integers("UInt64"), _join_bytes),
    "Map(LowCardinality(String), UInt64)": (_map_part(_integers("UInt64")), _join_map),
    "Map(LowCardinality(String), String)": (_map_part(_strings), _join_map),
}


def column_type(declared: str) -> str:
    """The type as a block names it: the column's declaration without its DEFAULT."""
    return declared.split(" DEFAULT ", 1)[0]


@functools.cache
def _layout(row_type: type[msgspec.Struct]) -> tuple[tuple[bytes, Part, Join], ...]:
    """Each column's header (name and type) and codec; a type without one fails here, at first use."""
    layout = []
    for name, declared in clickhouse_columns(row_type):
        kind = column_type(declared)
        if kind not in _CODECS:
            raise TypeError(f"no Native encoder for {kind} ({row_type.__name__}.{name})")
        layout.append((_string(name) + _string(kind), *_CODECS[kind]))
    return tuple(layout)


_parts_encoder = msgspec.msgpack.Encoder()
_parts_decoder = msgspec.msgpack.Decoder(tuple[int, list[Any]])


def encode_parts(row_type: type[msgspec.Struct], rows: Sequence[Sequence[Any]]) -> bytes:
    """A record's rows of ``row_type`` (their values in field order) as column parts; b"" for none.

    Parts of many records make one Native block (``assemble``): ClickHouse spends ~3-10 µs a column on every
    block it reads, so a segment's hundreds of 100-row (or one-row) records cost far more as blocks of their
    own than their rows do (measured: one-row blocks 320-470 µs each, 35 columns, even into a Null table).
    """
    if not rows:
        return b""
    return encode_column_parts(row_type, list(zip(*rows, strict=True)), len(rows))


def encode_column_parts(row_type: type[msgspec.Struct], columns: Sequence[Values], rows: int) -> bytes:
    """``encode_parts`` of rows given column by column, each column ``rows`` long, in ``row_type``'s field order."""
    if not rows:
        return b""
    if any(len(values) != rows for values in columns):
        raise ValueError("columns differ in length")
    layout = _layout(row_type)
    return _parts_encoder.encode((rows, [part(values) for (_, part, _), values in zip(layout, columns, strict=True)]))


def assemble(row_type: type[msgspec.Struct], records: Sequence[bytes]) -> bytes:
    """One Native block of the rows of every record's parts (``encode_parts``), in order; b"" for none."""
    decoded = [_parts_decoder.decode(record) for record in records if record]
    if not decoded:
        return b""
    layout = _layout(row_type)
    rows = sum(count for count, _ in decoded)
    out = [_varint(len(layout)), _varint(rows)]
    for position, (header, _, join) in enumerate(layout):
        out.append(header)
        out.append(join([columns[position] for _, columns in decoded], rows))
    return b"".join(out)


def encode_block(row_type: type[msgspec.Struct], rows: Sequence[msgspec.Struct]) -> bytes:
    """One Native block of ``rows`` (all of ``row_type``); b"" for none."""
    return assemble(row_type, [encode_parts(row_type, list(map(msgspec.structs.astuple, rows)))])


def decode_parts(row_type: type[msgspec.Struct], record: bytes) -> list[msgspec.Struct]:
    """The rows of one record's parts."""
    return decode_blocks(row_type, assemble(row_type, [record])) if record else []


# Reading our own blocks back -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes):
        self._data, self._at = memoryview(data), 0

    @property
    def done(self) -> bool:
        return self._at >= len(self._data)

    def take(self, size: int) -> memoryview:
        if self._at + size > len(self._data):
            raise NativeFormatError("block ends early")
        chunk = self._data[self._at : self._at + size]
        self._at += size
        return chunk

    def varint(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    def u64(self) -> int:
        return _U64.unpack(self.take(8))[0]

    def string(self) -> str:
        return bytes(self.take(self.varint())).decode()

    def packed(self, typecode: str, count: int) -> list[int]:
        values = array.array(typecode)
        values.frombytes(self.take(count * values.itemsize))
        if not _LITTLE_ENDIAN:
            values.byteswap()
        return values.tolist()


def _read_low_cardinality_body(reader: _Reader, count: int) -> list[str]:
    width = reader.u64() & 0xFF
    keys = [reader.string() for _ in range(reader.u64())]
    if reader.u64() != count:
        raise NativeFormatError("LowCardinality row count differs from the block's")
    return [keys[i] for i in reader.packed(_INDEX_TYPECODES[width], count)]


def _read_low_cardinality(reader: _Reader, count: int) -> list[str]:
    reader.u64()  # the version: ours is always SharedDictionariesWithAdditionalKeys
    return _read_low_cardinality_body(reader, count)


def _read_map(read_values: Callable[[_Reader, int], list]) -> Callable[[_Reader, int], list[dict]]:
    def read(reader: _Reader, count: int) -> list[dict]:
        reader.u64()
        ends = reader.packed(_INTEGER_TYPECODES["UInt64"], count)
        total = ends[-1] if ends else 0
        keys = _read_low_cardinality_body(reader, total) if total else []
        items = read_values(reader, total) if total else []
        starts = [0, *ends[:-1]]
        return [dict(zip(keys[start:end], items[start:end], strict=True)) for start, end in zip(starts, ends, strict=True)]

    return read


def _read_uuid(reader: _Reader, count: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=(high << 64) | low) for high, low in _UUID.iter_unpack(reader.take(16 * count))]


def _read_datetime64_ms(reader: _Reader, count: int) -> list[dt.datetime]:
    return [_EPOCH + dt.timedelta(milliseconds=ms) for ms in reader.packed(_INT64, count)]


_DECODERS: dict[str, Callable[[_Reader, int], list]] = {
    "String": lambda reader, count: [reader.string() for _ in range(count)],
    "LowCardinality(String)": _read_low_cardinality,
    "UUID": _read_uuid,
    "DateTime64(3, 'UTC')": _read_datetime64_ms,
    "Date": lambda reader, count: [dt.date.fromordinal(d + _EPOCH_DAY) for d in reader.packed(_INTEGER_TYPECODES["UInt16"], count)],
    "UInt16": lambda reader, count: reader.packed(_INTEGER_TYPECODES["UInt16"], count),
    "UInt32": lambda reader, count: reader.packed(_INTEGER_TYPECODES["UInt32"], count),
    "UInt64": lambda reader, count: reader.packed(_INTEGER_TYPECODES["UInt64"], count),
}
_DECODERS["Map(LowCardinality(String), UInt64)"] = _read_map(_DECODERS["UInt64"])
_DECODERS["Map(LowCardinality(String), String)"] = _read_map(_DECODERS["String"])


def decode_blocks(row_type: type[msgspec.Struct], data: bytes) -> list[msgspec.Struct]:
    """The rows of ``data``, one or more blocks ``encode_block`` wrote for ``row_type``."""
    expected = [(name, column_type(declared)) for name, declared in clickhouse_columns(row_type)]
    reader, rows = _Reader(data), []
    while not reader.done:
        if reader.varint() != len(expected):
            raise NativeFormatError(f"not a block of {row_type.__name__}: column count differs")
        count, columns = reader.varint(), []
        for name, kind in expected:
            if (reader.string(), reader.string()) != (name, kind):
                raise NativeFormatError(f"not a block of {row_type.__name__}: columns differ")
            columns.append(_DECODERS[kind](reader, count))
        rows.extend(row_type(*values) for values in zip(*columns, strict=True))
    return rows


__all__ = [
    "NativeFormatError", "assemble", "column_type", "decode_blocks", "decode_parts", "encode_block", "encode_column_parts",
    "encode_parts", "uuid_bytes",
]  # fmt: skip
