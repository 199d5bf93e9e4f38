"""The Sentry protocol: any Sentry SDK is a client once its DSN points here.

DSN: ``https://<ingest key>@<collector>/<project id>``; the tenant maps each of
its project ids to one of its apps (``sentry_projects``). Routes are
``POST /api/{project}/envelope/`` and the older ``/api/{project}/store/``.

What is kept of an event is an allowlist, in the spirit of Relay's PII rules
but stricter: the exception chain (types, values scrubbed as free text, frames
as function, module, file, line, column), the message template (never its
params), level, release, environment, SDK, OS, device family and model,
runtime and browser, and tags the tenant lists. ``user``, ``request``,
``server_name``, frame variables and source lines, breadcrumbs, ``extra``,
``modules`` and other contexts are never read into an event. Sessions become
counts in ``release_health``. Every other item type (transactions, replays,
attachments, feedback, ...) is acknowledged, counted and dropped: attachments,
replays and feedback hold exactly what the policies forbid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from typing import Any

import msgspec
from aiohttp import web

from collector.auth import Role, bearer_key
from collector.http import error, json_reply, principal
from collector.pipeline import Refusal, ingest
from collector.sources.base import NO_ID, BodyRejected, Decoded, SourceOptions, fitting, parse_uuid, without_none
from collector.tenancy import TENANCY
from schemas import EventRejected, ReleaseHealthRow, convert_event
from schemas.validation import MAX_CLOCK_SKEW, MAX_EVENT_AGE
from schemas.events import (
    MAX_ATTRIBUTE_CHARS,
    MAX_ATTRIBUTES,
    MAX_MESSAGE_CHARS,
    MAX_STACK_CHARS,
    AttributeKey,
    DeviceModel,
    Environment,
    ErrorType,
    ModuleName,
    OsName,
    ShortName,
    Version,
    fits,
)

NAME = "sentry"
CONTENT_TYPES = ("application/x-sentry-envelope", "application/json", "text/plain", "application/octet-stream", "")
MAX_ITEMS = 100
MAX_FRAMES_PER_EXCEPTION = 64
MAX_CHAINED_EXCEPTIONS = 8

# Acknowledged and dropped. A type not listed is counted as "other": an item type is a payload value,
# and a metric label must never be one.
IGNORED_TYPES = frozenset(
    {
        "transaction", "span", "profile", "profile_chunk", "replay_event", "replay_recording", "replay_video",
        "attachment", "check_in", "feedback", "user_report", "statsd", "metric_buckets", "log", "otel_log",
        "client_report", "raw_security", "security", "nel",
    }
)  # fmt: skip
SESSION_OUTCOMES = ("exited", "errored", "abnormal", "crashed")
# A session row bypasses the scrubber (it holds no free text), so its environment is kept only when every
# word of it is one of these; anything else is stored as "other".
ENVIRONMENT_WORDS = frozenset(
    "production prod staging stage development dev test testing qa uat preview local sandbox demo live "
    "release debug beta alpha canary ci".split()
)
_LEVELS = {"fatal": "fatal", "critical": "fatal", "error": "error", "warning": "warning", "warn": "warning",
           "info": "info", "log": "info", "debug": "debug", "trace": "trace"}  # fmt: skip
_PLATFORMS = {"windows": "windows", "ios": "ios", "ipados": "ios", "tvos": "ios", "watchos": "ios",
              "android": "android", "macos": "macos", "mac os x": "macos", "darwin": "macos", "linux": "linux"}  # fmt: skip
_LINUXES = ("ubuntu", "debian", "fedora", "alpine", "centos", "red hat", "rhel", "arch", "suse")
_AUTH_KEY = re.compile(r"sentry_key\s*=\s*([^,\s]+)")
_URL_ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*")
_json = msgspec.json.Decoder()


# ---- the worker's half: wire format to validated events -------------------------------------------


def decode(body: bytes, options: SourceOptions, now: dt.datetime) -> Decoded:
    """Runs in a scrubbing worker."""
    decoded = Decoded()
    if options.variant == "store":
        _add_event(decoded, 0, _json_object(body, "the body is not a JSON object"), options, now, None)
        return decoded
    header, items = _split_envelope(body)
    header_event_id = header.get("event_id")
    for index, (item_header, payload) in enumerate(items):
        item_type = item_header.get("type")
        if item_type == "event":
            _add_event(decoded, index, _json_object(payload, f"item {index} is not a JSON object"), options, now, header_event_id)
        elif item_type in ("session", "sessions"):
            _add_sessions(decoded, index, item_type, _json_object(payload, f"item {index} is not a JSON object"), payload, options, now)
        else:
            label = item_type if isinstance(item_type, str) and item_type in IGNORED_TYPES else "other"
            decoded.ignored[label] = decoded.ignored.get(label, 0) + 1
    return decoded


def _split_envelope(body: bytes) -> tuple[dict, list[tuple[dict, bytes]]]:
    """The envelope header and its (item header, payload) pairs; BodyRejected if the framing is wrong."""
    end = body.find(b"\n")
    header = _json_object(body if end < 0 else body[:end], "the envelope header is not a JSON object")
    position = len(body) if end < 0 else end + 1
    items: list[tuple[dict, bytes]] = []
    while position < len(body):
        if body[position : position + 1] == b"\n":  # blank lines between items are tolerated
            position += 1
            continue
        if len(items) >= MAX_ITEMS:
            raise BodyRejected(413, f"an envelope holds at most {MAX_ITEMS} items")
        end = body.find(b"\n", position)
        line = body[position:] if end < 0 else body[position:end]
        item_header = _json_object(line, f"the header of item {len(items)} is not a JSON object")
        position = len(body) if end < 0 else end + 1
        length = item_header.get("length")
        if length is None:
            end = body.find(b"\n", position)
            payload = body[position:] if end < 0 else body[position:end]
            position = len(body) if end < 0 else end + 1
        else:
            if not isinstance(length, int) or isinstance(length, bool) or length < 0:
                raise BodyRejected(400, f"the length of item {len(items)} is not a non-negative integer")
            if position + length > len(body):
                raise BodyRejected(400, f"item {len(items)} is shorter than its length")
            payload = body[position : position + length]
            position += length
            if body[position : position + 1] == b"\n":
                position += 1
        items.append((item_header, payload))
    return header, items


def _json_object(data: bytes, problem: str) -> dict:
    try:
        value = _json.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        raise BodyRejected(400, f"{problem}: malformed JSON") from None
    if not isinstance(value, dict):
        raise BodyRejected(400, problem)
    return value


def _add_event(decoded: Decoded, index: int, payload: dict, options: SourceOptions, now: dt.datetime, fallback_id) -> None:
    decoded.total += 1
    try:
        decoded.add(index, convert_event(_event_fields(payload, options, now, fallback_id), now))
    except EventRejected as exc:
        decoded.rejected.append((index, exc.reason))


def _event_fields(payload: dict, options: SourceOptions, now: dt.datetime, fallback_id) -> dict[str, Any]:
    """Our event, from the allowlisted parts of a Sentry event; nothing else of it is read."""
    event_id = parse_uuid(payload.get("event_id")) or parse_uuid(fallback_id)
    if event_id is None:
        raise EventRejected("event_id is not a 32-digit hex id at $.event_id")
    contexts = _dict(payload.get("contexts"))
    os_context, device, runtime, browser = (_dict(contexts.get(k)) for k in ("os", "device", "runtime", "browser"))
    tags = _tags(payload.get("tags"))
    user_id = parse_uuid(_dict(payload.get("user")).get("id"))  # an install id the app chose to send; else nothing
    os_name = _str(os_context.get("name"))
    fields: dict[str, Any] = {
        "type": "error",
        "event_id": event_id,
        "install_id": user_id or NO_ID,
        "session_id": NO_ID,
        "ts": _time(payload.get("timestamp")) or now,
        "app": {"name": options.app, "version": _release_version(payload.get("release")), "platform": _platform(os_name, payload, browser)},
        "os": {"name": os_name if fits(OsName, os_name) else "unknown", "version": fitting(Version, os_context.get("version")) or "unknown"},
        "module": fitting(ModuleName, tags.get("module")) or "unknown",
        "environment": fitting(Environment, payload.get("environment")),
        "sdk": without_none({"name": fitting(ShortName, _dict(payload.get("sdk")).get("name")), "version": fitting(Version, _dict(payload.get("sdk")).get("version"))}),
        "device": without_none({"family": fitting(ShortName, device.get("family")), "model": fitting(DeviceModel, device.get("model"))}),
        "runtime": without_none({"name": fitting(ShortName, runtime.get("name")), "version": fitting(Version, runtime.get("version"))}),
        "browser": without_none({"name": fitting(ShortName, browser.get("name")), "version": fitting(Version, browser.get("version"))}),
        "error": _error(payload),
    }
    if tags:
        fields["attributes"] = tags
    return {k: v for k, v in fields.items() if v is not None}


def _error(payload: dict) -> dict[str, Any]:
    exception = payload.get("exception")
    values = exception.get("values") if isinstance(exception, dict) else exception
    chain = [v for v in values if isinstance(v, dict)][-MAX_CHAINED_EXCEPTIONS:] if isinstance(values, list) else []
    level = _LEVELS.get(_str(payload.get("level")) or "error")
    if chain:
        main = chain[-1]  # Sentry lists a chain cause first: the last value is the exception raised
        error_type = _str(main.get("type")) or "Error"
        return {
            "type": error_type if fits(ErrorType, error_type) else "Error",
            "message": (_str(main.get("value")) or "")[:MAX_MESSAGE_CHARS],
            "stack": _render_chain(chain),
            "level": level,
        }
    logentry = _dict(payload.get("logentry"))
    # The template only: params are what the app filled in, and ``formatted`` has them filled in.
    message = _str(logentry.get("message")) or _str(payload.get("message")) or ""
    return {"type": "Message", "message": message[:MAX_MESSAGE_CHARS], "level": level}


def _render_chain(chain: list[dict]) -> str:
    """Each exception of the chain and its frames, oldest call first, as one text the scrubber reads.

    The raised exception (the last) is headed by its type alone: its value is ``error_message`` already.
    Without it the stack of one error site is the same text every time it recurs, so the scrubber's
    exact-text cache answers it instead of every rule running on hundreds of characters again.
    """
    lines: list[str] = []
    for position, exception in enumerate(chain):
        value = _str(exception.get("value")) if position < len(chain) - 1 else None
        header = ": ".join(part for part in (_str(exception.get("type")), value) if part)
        lines.append(header or "Error")
        frames = _dict(exception.get("stacktrace")).get("frames")
        for frame in (frames if isinstance(frames, list) else [])[-MAX_FRAMES_PER_EXCEPTION:]:
            if isinstance(frame, dict):
                lines.append(_render_frame(frame))
    text = "\n".join(lines)
    if len(text) > MAX_STACK_CHARS:  # keep the end, where the exception was raised, from a line start
        text = text[-MAX_STACK_CHARS:]
        text = text[text.find("\n") + 1 :]
    return text


def _render_frame(frame: dict) -> str:
    """Function, module, file, line, column and in_app: never ``vars``, ``context_line`` or ``abs_path``."""
    module, function = _str(frame.get("module")), _str(frame.get("function"))
    name = ".".join(part for part in (module, function) if part) or "?"
    filename = _URL_ORIGIN.sub("", (_str(frame.get("filename")) or "").split("?", 1)[0].split("#", 1)[0])
    location = filename or "?"
    for key in ("lineno", "colno"):
        number = frame.get(key)
        if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
            location += f":{number}"
    return f"  at {name} ({location})" + (" [app]" if frame.get("in_app") is True else "")


def _add_sessions(
    decoded: Decoded, index: int, item_type: str, payload: dict, raw: bytes, options: SourceOptions, now: dt.datetime
) -> None:
    """Session updates as counts; ``sid`` and ``did`` are never read.

    A session that started outside the window events are held to (180 days back, 24 hours ahead) is refused
    like such an event: its day would otherwise escape retention.
    """
    attrs = _dict(payload.get("attrs"))
    release, environment = _release_version(attrs.get("release")), _session_environment(attrs.get("environment"))
    counts: list[tuple[dt.date, str, int]] = []
    if item_type == "session":
        day = _session_day(payload.get("started"), now)
        if day is None:
            decoded.rejected.append((index, SESSION_OUT_OF_WINDOW))
            return
        if payload.get("init") is True:
            counts.append((day, "started", 1))
        status = _str(payload.get("status"))
        if status == "exited" and isinstance(payload.get("errors"), int) and payload["errors"] > 0:
            status = "errored"
        if status in SESSION_OUTCOMES:
            counts.append((day, status, 1))
    else:
        aggregates = payload.get("aggregates")
        for bucket in aggregates if isinstance(aggregates, list) else []:
            bucket = _dict(bucket)
            day = _session_day(bucket.get("started"), now)
            if day is None:
                decoded.rejected.append((index, SESSION_OUT_OF_WINDOW))
                continue
            outcomes = {s: n for s in SESSION_OUTCOMES if isinstance(n := bucket.get(s), int) and not isinstance(n, bool) and 0 < n < 2**32}
            if outcomes:
                counts.append((day, "started", sum(outcomes.values())))
                counts.extend((day, status, n) for status, n in outcomes.items())
    digest = hashlib.sha256(raw).digest()
    for position, (day, status, count) in enumerate(counts):
        # A retried envelope carries the same bytes, so the same keys: the idempotency window drops it.
        decoded.session_keys.append(uuid.UUID(bytes=hashlib.sha256(digest + position.to_bytes(4, "little")).digest()[:16]))
        decoded.sessions.append(ReleaseHealthRow("", day, options.app, release, environment, status, count))


SESSION_OUT_OF_WINDOW = "started is more than 180 days old or 24 hours ahead at $.started"


def _session_day(started: object, now: dt.datetime) -> dt.date | None:
    moment = _time(started) or now
    if not now - MAX_EVENT_AGE <= moment <= now + MAX_CLOCK_SKEW:
        return None
    return moment.date()


def _release_version(release: object) -> str:
    """``omnix-pos@4.2.10+512`` → ``4.2.10+512``; a release that is not a version (a commit hash) → ``unknown``."""
    text = _str(release) or ""
    return fitting(Version, text.rsplit("@", 1)[-1]) or "unknown"


def _session_environment(value: object) -> str:
    text = _str(value) or ""
    if not text:
        return ""
    words = re.split(r"[-_. ]+", text.lower())
    return text.lower() if len(text) <= 32 and all(w in ENVIRONMENT_WORDS or w.isdigit() for w in words if w) else "other"


def _platform(os_name: str | None, payload: dict, browser: dict) -> str:
    name = (os_name or "").lower()
    if name in _PLATFORMS:
        return _PLATFORMS[name]
    if any(name.startswith(linux) for linux in _LINUXES):
        return "linux"
    if browser or _str(payload.get("platform")) == "javascript":
        return "web"
    return "other"


def _tags(value: object) -> dict[str, str]:
    """Tags as sent (a map, or a list of pairs); a key that cannot be an attribute key is left out."""
    pairs = value.items() if isinstance(value, dict) else (
        (p[0], p[1]) for p in value if isinstance(p, list) and len(p) == 2
    ) if isinstance(value, list) else ()
    tags: dict[str, str] = {}
    for key, tag_value in pairs:
        if len(tags) >= MAX_ATTRIBUTES:
            break
        if fits(AttributeKey, key) and isinstance(tag_value, (str, int, float)) and not isinstance(tag_value, bool):
            tags[key] = str(tag_value)[:MAX_ATTRIBUTE_CHARS]
    return tags




def _time(value: object) -> dt.datetime | None:
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        if isinstance(value, str) and len(value) <= 40:
            parsed = dt.datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    return None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


# ---- the event loop's half: routes, keys, replies --------------------------------------------------


def _sentry_key(request: web.Request) -> str | None:
    """``X-Sentry-Auth: Sentry sentry_key=...``, ``?sentry_key=`` (browsers) or ``Authorization: Bearer``."""
    for header in (request.headers.get("X-Sentry-Auth"), request.headers.get("Authorization")):
        if header and (match := _AUTH_KEY.search(header)):
            return match.group(1)
    return request.query.get("sentry_key") or bearer_key(request.headers.get("Authorization"))


async def _receive(request: web.Request, variant: str) -> web.Response:
    caller = principal(request, Role.INGEST, key=_sentry_key(request))
    app = request.app[TENANCY].tenant(caller.tenant).sentry_projects.get(request.match_info["project_id"])
    if app is None:
        return error(403, "this key may not send to this project id")
    if request.content_type not in CONTENT_TYPES:
        return error(415, "Content-Type must be application/x-sentry-envelope, application/json or text/plain")
    outcome = await ingest(request, caller, NAME, SourceOptions(request.content_type, app, variant))
    if isinstance(outcome, Refusal):
        return _refused(outcome)
    result = outcome.result
    if result.rejected and not result.event_ids:
        # The SDK drops the event on a 400 and does not retry: the reason says which rule it broke.
        return error(400, "the event was rejected: " + result.rejected[0][1])
    reply: dict[str, str] = {}
    if result.event_ids:
        reply["id"] = result.event_ids[0].hex()  # the raw 16 bytes: the UUID's 32 hex digits
    return json_reply(200, reply)


def _refused(refusal: Refusal) -> web.Response:
    if refusal.cause in ("rate", "quota"):
        # Sentry SDKs stop sending every category for ``retry_after`` seconds.
        retry = str(refusal.retry_after_s)
        reason = "quota_exceeded" if refusal.cause == "quota" else "rate_limited"
        return error(429, refusal.message, **{"Retry-After": retry, "X-Sentry-Rate-Limits": f"{retry}::organization:{reason}"})
    if refusal.cause == "busy":
        return error(refusal.status, refusal.message, **{"Retry-After": str(refusal.retry_after_s)})
    return error(refusal.status, refusal.message)


async def post_envelope(request: web.Request) -> web.Response:
    return await _receive(request, "")


async def post_store(request: web.Request) -> web.Response:
    return await _receive(request, "store")


ROUTES = (
    ("POST", "/api/{project_id}/envelope/", post_envelope, "sentry_envelope"),
    ("POST", "/api/{project_id}/store/", post_store, "sentry_store"),
)
