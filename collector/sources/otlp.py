"""OTLP/HTTP logs: ``POST /v1/logs`` from any OpenTelemetry SDK or Collector.

The exporter sets ``Authorization: Bearer <ingest key>`` through its headers.
Resource attributes give the app (``service.name``, allowlisted like every app
name), its version, the OS, and the install (``service.instance.id``) and
session (``session.id``), which are stored only as keyed hashes. A record with
``exception.*`` attributes becomes an error event; any other record keeps only
its severity and its scrubbed body. Other attributes are kept only when the
tenant lists their key, and ``host.name`` never is. Wire types come from the
``opentelemetry-proto`` package; JSON is the OTLP/JSON mapping of the same types.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import msgspec
from aiohttp import web
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest, ExportLogsServiceResponse

from collector.auth import Role
from collector.http import error, principal
from collector.pipeline import Refusal, ingest
from collector.sources.base import NO_ID, BodyRejected, Decoded, SourceOptions, fitting, parse_uuid, without_none
from schemas import EventRejected, convert_event
from schemas.events import (
    MAX_ATTRIBUTE_CHARS,
    MAX_ATTRIBUTES,
    MAX_MESSAGE_CHARS,
    MAX_STACK_CHARS,
    AppName,
    AttributeKey,
    Environment,
    ErrorType,
    ModuleName,
    OsName,
    ShortName,
    Version,
    fits,
)

NAME = "otlp"
PROTOBUF, JSON = "application/x-protobuf", "application/json"
# The SDK's batch processor exports up to 512 records at once by default.
MAX_RECORDS = 1024
# Read into the event's own fields, so never kept again as attributes; host.name is dropped outright.
CONSUMED = frozenset(
    {
        "service.name", "service.version", "service.instance.id", "session.id", "os.type", "os.name", "os.version",
        "deployment.environment", "deployment.environment.name", "telemetry.sdk.name", "telemetry.sdk.version",
        "process.runtime.name", "process.runtime.version", "exception.type", "exception.message",
        "exception.stacktrace", "module", "host.name",
    }
)  # fmt: skip
_PLATFORMS = {"windows": "windows", "linux": "linux", "darwin": "macos", "macos": "macos", "ios": "ios", "android": "android"}
_OS_NAMES = {"windows": "Windows", "linux": "Linux", "darwin": "macOS", "macos": "macOS", "ios": "iOS", "android": "Android"}
_json = msgspec.json.Decoder()


# ---- the worker's half ------------------------------------------------------------------------------


def decode(body: bytes, options: SourceOptions, now: dt.datetime) -> Decoded:
    """Runs in a scrubbing worker."""
    request = _parse(body, options.content_type)
    decoded = Decoded()
    index = 0
    for resource_logs in request.resource_logs:
        resource = _attributes(resource_logs.resource.attributes)
        resource_bytes = resource_logs.resource.SerializeToString(deterministic=True)
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                if index >= MAX_RECORDS:
                    raise BodyRejected(413, f"a request holds at most {MAX_RECORDS} log records")
                decoded.total += 1
                try:
                    fields = _event_fields(resource, resource_bytes, record, index, now)
                    decoded.add(index, convert_event(fields, now))
                except EventRejected as exc:
                    decoded.rejected.append((index, exc.reason))
                index += 1
    return decoded


def _parse(body: bytes, content_type: str) -> ExportLogsServiceRequest:
    request = ExportLogsServiceRequest()
    if content_type == JSON:
        try:
            document = _json.decode(body)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            raise BodyRejected(400, "the body is not OTLP/JSON: malformed JSON") from None
        if not isinstance(document, dict):  # ParseDict would read a list or a string as an empty request
            raise BodyRejected(400, "the body is not an OTLP/JSON ExportLogsServiceRequest")
        _drop_hex_ids(document)
        try:
            json_format.ParseDict(document, request, ignore_unknown_fields=True)
        except (json_format.ParseError, RecursionError, ValueError, TypeError, AttributeError):
            raise BodyRejected(400, "the body is not an OTLP/JSON ExportLogsServiceRequest") from None
        return request
    try:
        request.ParseFromString(body)
    except (DecodeError, RecursionError, ValueError):
        raise BodyRejected(400, "the body is not a protobuf ExportLogsServiceRequest") from None
    return request


def _drop_hex_ids(document: dict) -> None:
    """OTLP/JSON writes trace and span ids as hex, protobuf's JSON as base64: they are not kept, so drop them."""
    for resource_logs in _list(document.get("resourceLogs")):
        for scope_logs in _list(resource_logs.get("scopeLogs")) if isinstance(resource_logs, dict) else ():
            for record in _list(scope_logs.get("logRecords")) if isinstance(scope_logs, dict) else ():
                if isinstance(record, dict):
                    record.pop("traceId", None)
                    record.pop("spanId", None)


def _list(value: object) -> list:
    """A list field as sent; anything else is left for ParseDict to refuse."""
    return value if isinstance(value, list) else []


def _attributes(pairs) -> dict[str, str]:
    """Scalar attributes as strings; arrays and maps are not kept."""
    found: dict[str, str] = {}
    for pair in pairs:
        value = pair.value
        kind = value.WhichOneof("value")
        if kind == "string_value":
            found[pair.key] = value.string_value
        elif kind in ("int_value", "double_value"):
            found[pair.key] = str(getattr(value, kind))
        elif kind == "bool_value":
            found[pair.key] = "true" if value.bool_value else "false"
    return found


def _event_fields(resource: dict[str, str], resource_bytes: bytes, record, index: int, now: dt.datetime) -> dict[str, Any]:
    attributes = {**resource, **_attributes(record.attributes)}
    # No id on the wire: one made from the record's bytes, so a retried export is stored once.
    digest = hashlib.sha256(resource_bytes + record.SerializeToString(deterministic=True) + index.to_bytes(4, "little"))
    os_type = (attributes.get("os.type") or "").lower()
    os_name = attributes.get("os.name") or _OS_NAMES.get(os_type)
    service = attributes.get("service.name")
    fields: dict[str, Any] = {
        "event_id": uuid.UUID(bytes=digest.digest()[:16], version=4),
        "install_id": parse_uuid(attributes.get("service.instance.id")) or NO_ID,
        "session_id": parse_uuid(attributes.get("session.id")) or NO_ID,
        "ts": _time(record.time_unix_nano or record.observed_time_unix_nano) or now,
        "app": {
            "name": service if fits(AppName, service) else "unknown",
            "version": fitting(Version, attributes.get("service.version")) or "unknown",
            "platform": _PLATFORMS.get(os_type, "other"),
        },
        "os": {"name": os_name if fits(OsName, os_name) else "unknown", "version": fitting(Version, attributes.get("os.version")) or "unknown"},
        "module": fitting(ModuleName, attributes.get("module")) or "unknown",
        "environment": fitting(Environment, attributes.get("deployment.environment.name") or attributes.get("deployment.environment")),
        "sdk": without_none({"name": fitting(ShortName, attributes.get("telemetry.sdk.name")), "version": fitting(Version, attributes.get("telemetry.sdk.version"))}),
        "runtime": without_none({"name": fitting(ShortName, attributes.get("process.runtime.name")), "version": fitting(Version, attributes.get("process.runtime.version"))}),
    }
    kept = {k: v[:MAX_ATTRIBUTE_CHARS] for k, v in attributes.items() if k not in CONSUMED and fits(AttributeKey, k)}
    if kept:
        fields["attributes"] = dict(list(kept.items())[:MAX_ATTRIBUTES])
    level = _level(record.severity_number, record.severity_text)
    if any(key in attributes for key in ("exception.type", "exception.message", "exception.stacktrace")):
        error_type = attributes.get("exception.type") or "Error"
        fields["type"] = "error"
        fields["error"] = {
            "type": error_type if fits(ErrorType, error_type) else "Error",
            "message": (attributes.get("exception.message") or _body(record.body))[:MAX_MESSAGE_CHARS],
            "stack": (attributes.get("exception.stacktrace") or "")[-MAX_STACK_CHARS:],
            "level": level,
        }
    else:
        fields["type"] = "log"
        fields["log"] = {"severity": level, "body": _body(record.body)[:MAX_MESSAGE_CHARS]}
    return {k: v for k, v in fields.items() if v is not None}


def _body(value) -> str:
    kind = value.WhichOneof("value")
    if kind is None:
        return ""
    if kind == "string_value":
        return value.string_value
    if kind in ("int_value", "double_value", "bool_value"):
        return str(getattr(value, kind))
    # A map or list body: its JSON, scrubbed as free text like any other.
    return msgspec.json.encode(json_format.MessageToDict(value)).decode()


def _level(number: int, text: str) -> str:
    if number:
        return ("trace", "debug", "info", "warning", "error", "fatal")[min(max(number - 1, 0) // 4, 5)]
    return {"warn": "warning", "warning": "warning", "error": "error", "fatal": "fatal", "debug": "debug", "trace": "trace"}.get(
        text.lower(), "info"
    )


def _time(nanos: int) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(nanos / 1e9, dt.timezone.utc) if nanos else None
    except (OverflowError, OSError, ValueError):
        return None


# ---- the event loop's half --------------------------------------------------------------------------


async def post_logs(request: web.Request) -> web.Response:
    caller = principal(request, Role.INGEST)
    if request.content_type not in (PROTOBUF, JSON):
        return error(415, "Content-Type must be application/x-protobuf or application/json")
    outcome = await ingest(request, caller, NAME, SourceOptions(request.content_type))
    if isinstance(outcome, Refusal):
        headers = {"Retry-After": str(outcome.retry_after_s)} if outcome.retry_after_s else {}
        # OTLP retries 429 and 503 after Retry-After; a quota lasts until the day's end, so it is a 429 here too.
        return error(429 if outcome.cause == "quota" else outcome.status, outcome.message, **headers)
    reply = ExportLogsServiceResponse()
    if outcome.result.rejected:
        reply.partial_success.rejected_log_records = len(outcome.result.rejected)
        index, reason = outcome.result.rejected[0]
        reply.partial_success.error_message = f"record {index}: {reason}"
    if request.content_type == JSON:
        return web.Response(body=msgspec.json.encode(json_format.MessageToDict(reply)), content_type=JSON)
    return web.Response(body=reply.SerializeToString(), content_type=PROTOBUF)


ROUTES = (("POST", "/v1/logs", post_logs, "otlp_logs"),)
