"""Our own JSON contract: POST /v1/events with ``{"events": [...]}``, answered 202.

Apps send ``Authorization: Bearer <ingest key>`` and ``application/json``. A
browser's ``navigator.sendBeacon`` cannot set headers, so a ``text/plain``
body with the key in the query string (``?key=``) is read the same way and
needs no CORS preflight.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from aiohttp import web

from collector.auth import Role, bearer_key
from collector.http import error, json_reply, principal
from collector.pipeline import Outcome, ingest
from collector.sources.base import BodyRejected, Decoded, SourceOptions
from schemas import MAX_EVENTS_PER_BATCH, EventRejected, decode_envelope, decode_event, decode_valid_columns

NAME = "native"
CONTENT_TYPES = ("application/json", "text/plain")


class Rejection(msgspec.Struct):
    index: int
    reason: str


class Accepted(msgspec.Struct, omit_defaults=True):
    accepted: int  # acknowledged: stored, or deliberately not stored (see below)
    rejected: list[Rejection]
    duplicates: int = 0  # of the accepted, already stored by an earlier try of the same events
    dropped: int = 0  # of the accepted, not stored: consent revoked or Do Not Track


def decode(body: bytes, options: SourceOptions, now: dt.datetime) -> Decoded:
    """Runs in a scrubbing worker."""
    if (valid := decode_valid_columns(body, now)) is not None:  # every event valid: decoded and checked at once
        events = list(valid.events)
        return Decoded(total=len(events), events=events, positions=list(range(len(events))), columns=valid)
    try:
        raw_events = decode_envelope(body)
    except EventRejected as exc:
        raise BodyRejected(400, f'body is not the envelope {{"events": [...]}}: {exc.reason}') from None
    if not raw_events:
        raise BodyRejected(400, "the batch holds no events")
    if len(raw_events) > MAX_EVENTS_PER_BATCH:
        raise BodyRejected(413, f"a batch holds at most {MAX_EVENTS_PER_BATCH} events")
    decoded = Decoded(total=len(raw_events))
    for index, raw in enumerate(raw_events):
        try:
            decoded.add(index, decode_event(raw, now))
        except EventRejected as exc:
            decoded.rejected.append((index, exc.reason))
    return decoded


async def post_events(request: web.Request) -> web.Response:
    caller = principal(request, Role.INGEST, key=bearer_key(request.headers.get("Authorization")) or request.query.get("key"))
    if request.content_type not in CONTENT_TYPES:
        return error(415, "Content-Type must be application/json (or text/plain for beacons)")
    outcome = await ingest(request, caller, NAME)
    if not isinstance(outcome, Outcome):
        headers = {"Retry-After": str(outcome.retry_after_s)} if outcome.cause in ("busy", "rate") else {}
        return error(outcome.status, outcome.message, **headers)
    rejected = [Rejection(index, reason) for index, reason in outcome.result.rejected]
    return json_reply(202, Accepted(outcome.accepted, rejected, outcome.duplicates, outcome.dropped))


ROUTES = (("POST", "/v1/events", post_events, "events"),)
