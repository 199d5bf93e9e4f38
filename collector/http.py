"""Small helpers shared by the handlers: JSON replies and key checks."""

from __future__ import annotations

import msgspec
import orjson
from aiohttp import web

from collector.auth import Principal, Role, bearer_key
from collector.tenancy import TENANCY


def error(status: int, message: str, **headers: str) -> web.Response:
    """An error reply; ``message`` must come from us, never from the request."""
    return web.Response(
        status=status, body=orjson.dumps({"error": message}), content_type="application/json", headers=headers
    )


def json_reply(status: int, body: object) -> web.Response:
    return web.Response(status=status, body=msgspec.json.encode(body), content_type="application/json")


def principal(request: web.Request, *roles: Role, key: str | None = None) -> Principal:
    """The caller, if its key (``Authorization: Bearer`` unless given) has one of ``roles``; 401 otherwise."""
    if key is None:
        key = bearer_key(request.headers.get("Authorization"))
    tenancy = request.app[TENANCY]
    found = tenancy.keyring.lookup(key)
    if found is not None and found.tenant in tenancy.offboarded:
        raise web.HTTPForbidden(text='{"error": "this tenant has been offboarded"}', content_type="application/json")
    if found is None or found.role not in roles:
        raise web.HTTPUnauthorized(
            text='{"error": "unknown or missing key"}',
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="telemetry"'},
        )
    return found
