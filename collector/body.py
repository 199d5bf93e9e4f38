"""Read a request body within the size limit, inflating without trusting the sender.

aiohttp's own decompression is turned off for the collector: a small gzip body
can inflate to gigabytes, so inflation stops one byte past the limit. SDKs send
gzip (most), deflate (some OpenTelemetry exporters) or br (sentry-python when
the ``brotli`` package is installed).
"""

from __future__ import annotations

import zlib

import brotli
from aiohttp import web


class BodyTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


ENCODINGS = ("identity", "gzip", "x-gzip", "deflate", "br")


async def read_body(request: web.Request, limit: int) -> bytes:
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower() or "identity"
    if encoding not in ENCODINGS:
        raise BadEncoding("unsupported Content-Encoding")
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge()
    raw = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        raw += chunk
        if len(raw) > limit:
            raise BodyTooLarge()
    if encoding == "identity":
        return bytes(raw)
    if encoding == "br":
        return _unbrotli(bytes(raw), limit)
    # gzip, or deflate as HTTP means it (zlib-wrapped); a bare deflate stream is accepted too.
    wbits = 16 + zlib.MAX_WBITS if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
    if encoding == "deflate" and raw[:1] and (raw[0] & 0x0F) != 8:
        wbits = -zlib.MAX_WBITS
    return _inflate(bytes(raw), limit, wbits, encoding)


def _inflate(data: bytes, limit: int, wbits: int, encoding: str) -> bytes:
    inflater = zlib.decompressobj(wbits=wbits)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise BadEncoding(f"body is not valid {encoding}") from None
    if len(out) > limit:
        raise BodyTooLarge()
    if not inflater.eof:
        raise BadEncoding(f"{encoding} body is truncated")
    return out


def _unbrotli(data: bytes, limit: int) -> bytes:
    decompressor = brotli.Decompressor()
    try:
        out = decompressor.process(data, output_buffer_limit=limit + 1)
    except brotli.error:
        raise BadEncoding("body is not valid br") from None
    if len(out) > limit or not decompressor.can_accept_more_data():
        raise BodyTooLarge()
    if not decompressor.is_finished():
        raise BadEncoding("br body is truncated")
    return out
