"""Read a request body within the size limit, gunzipping without trusting the sender.

aiohttp's own decompression is turned off for the collector: a small gzip body
can inflate to gigabytes, so inflation stops one byte past the limit.
"""

from __future__ import annotations

import zlib

from aiohttp import web


class BodyTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


async def read_body(request: web.Request, limit: int) -> bytes:
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
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
    return _gunzip(bytes(raw), limit)


def _gunzip(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise BadEncoding("body is not valid gzip") from None
    if len(out) > limit:
        raise BodyTooLarge()
    if not inflater.eof:
        raise BadEncoding("gzip body is truncated")
    return out
