"""CORS for browsers: a preflight is answered only for an origin some tenant lists.

A preflight carries no key, so it is answered for the union of the tenants'
``cors_origins``; the real request then carries the key and is held to its own
tenant's list by ``collector.pipeline`` (403, nothing stored). Replies to a
listed origin carry ``Access-Control-Allow-Origin`` so that the page can read
them, errors included. Beacons and the Sentry browser SDK send ``text/plain``
with the key in the query string, which needs no preflight at all.
"""

from __future__ import annotations

from aiohttp import web

from collector.http import error
from collector.tenancy import TENANCY

ALLOWED_HEADERS = frozenset(
    {"authorization", "content-type", "content-encoding", "x-sentry-auth", "sentry-trace", "baggage", "dnt"}
)
PREFLIGHT_MAX_AGE_S = 600
EXPOSED_HEADERS = "Retry-After, X-Sentry-Rate-Limits"


@web.middleware
async def cors(request: web.Request, handler) -> web.StreamResponse:
    origin = request.headers.get("Origin")
    if origin is None:
        return await handler(request)
    listed = request.app[TENANCY].origin_listed(origin)
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return _preflight(request, origin, listed)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        if listed:
            _allow(response, origin)
        raise
    if listed:
        _allow(response, origin)
    return response


def _preflight(request: web.Request, origin: str, listed: bool) -> web.StreamResponse:
    if not listed:
        return error(403, "this origin is not allowed")
    if request.headers["Access-Control-Request-Method"].upper() != "POST":
        return error(403, "only POST is allowed from browsers")
    asked = [h.strip().lower() for h in request.headers.get("Access-Control-Request-Headers", "").split(",") if h.strip()]
    if any(h not in ALLOWED_HEADERS for h in asked):
        return error(403, "a requested header is not allowed")
    response = web.Response(status=204)
    _allow(response, origin)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    if asked:
        response.headers["Access-Control-Allow-Headers"] = ", ".join(asked)
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_S)
    return response


def _allow(response: web.StreamResponse, origin: str) -> None:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response.headers["Vary"] = "Origin"
