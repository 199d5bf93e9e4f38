"""The OpenAPI 3.1 document, generated from the msgspec types so it cannot drift.

Request and reply bodies are the same structs the handlers encode and decode;
only the paths, status codes and prose are written here.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from collector.sources.native import Accepted
from collector.offboarding import OffboardingReceipt
from collector.operator import QueryRequest
from collector.rights import Receipt
from schemas import MAX_EVENTS_PER_BATCH, Event


class EventBatch(msgspec.Struct, forbid_unknown_fields=True):
    """The body of POST /v1/events. Each event is validated on its own: an invalid
    event is listed in ``rejected`` and the valid ones are kept."""

    events: Annotated[list[Event], Meta(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]


class ErrorReply(msgspec.Struct):
    error: Annotated[str, Meta(description="What was wrong; never quotes the request")]


class Status(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct):
    status: str
    spool_bytes: int
    clickhouse_healthy: bool


class SentryAccepted(msgspec.Struct, omit_defaults=True):
    id: Annotated[str, Meta(description="The stored event's id (32 hex digits); absent when the envelope held no event")] = ""


class QueryResult(msgspec.Struct):
    columns: list[str]
    rows: list[list[Any]]


class Export(msgspec.Struct):
    tenant: str
    install_hash: str
    generated_at: str
    identifiers: dict[str, str]
    rows: list[dict[str, Any]]
    row_count: int


_TYPES = [EventBatch, Accepted, SentryAccepted, OffboardingReceipt, ErrorReply, Status, Readiness, Receipt, QueryRequest, QueryResult, Export]


def _ref(t: type) -> dict:
    return {"$ref": f"#/components/schemas/{t.__name__}"}


def _json(t: type, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(t)}}}


def _errors(*codes: int) -> dict:
    text = {
        400: "Malformed request",
        401: "Unknown or missing key",
        403: "Daily quota exhausted: do not retry before the reset time",
        404: "Nothing of the caller's tenant matches",
        413: "Body over 1 MiB after decompression, or over 500 events",
        415: "Content-Type not accepted by this route, or Content-Encoding is not gzip/deflate/br/identity",
        429: "Rate limited (or, for Sentry and OTLP clients, quota exhausted): retry after Retry-After seconds",
        503: "Busy (spool full, memory bound, storage catching up): retry after Retry-After seconds",
    }
    return {str(code): _json(ErrorReply, text[code]) for code in codes}


_PROJECT_ID = {"name": "project_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"}}
_SENTRY_KEY = {"name": "sentry_key", "in": "query", "required": False, "schema": {"type": "string"}}
_TEXT = {"schema": {"type": "string"}}


def _sentry_route(summary: str, body: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "description": "Sentry's protocol: the key comes from X-Sentry-Auth (sentry_key=...), the sentry_key query "
            "parameter (browser SDKs) or Authorization: Bearer. The tenant's sentry_projects maps the project id to an app.",
            "parameters": [_PROJECT_ID, _SENTRY_KEY],
            "requestBody": {"required": True, "content": {"application/x-sentry-envelope": _TEXT, "text/plain": _TEXT, "application/json": {"schema": {"type": "object"}}} if body == "envelope" else {"application/json": {"schema": {"type": "object"}}, "text/plain": _TEXT}},
            "responses": {
                "200": _json(SentryAccepted, "Durably accepted; sessions counted; other item types acknowledged and dropped"),
                **_errors(400, 401, 403, 413, 415, 429, 503),
            },
        }
    }


_INSTALL_ID = {"name": "install_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_BEARER = [{"bearer": []}]


def openapi_document() -> dict:
    (_, components) = msgspec.json.schema_components(_TYPES, ref_template="#/components/schemas/{name}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PII-safe telemetry collector",
            "version": "1",
            "description": "Opt-in, anonymous app diagnostics. Every field is allowlisted or scrubbed before storage.",
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _json(Status, "Serving")}}},
            "/readyz": {
                "get": {
                    "summary": "Readiness for a load balancer",
                    "responses": {"200": _json(Readiness, "Ready"), "503": _json(Readiness, "Spool or memory bound reached")},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}},
                }
            },
            "/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}
            },
            "/v1/events": {
                "post": {
                    "summary": "Send a batch of events (ingest key)",
                    "security": _BEARER,
                    "parameters": [
                        {"name": "Content-Encoding", "in": "header", "required": False, "schema": {"enum": ["gzip", "deflate", "br", "identity"]}},
                        {"name": "key", "in": "query", "required": False, "schema": {"type": "string"}, "description": "The ingest key, for navigator.sendBeacon (text/plain), which cannot set headers"},
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(EventBatch)}, "text/plain": {"schema": {"type": "string"}}}},
                    "responses": {
                        "202": _json(Accepted, "Durably accepted (valid events), with the rejected ones listed"),
                        **_errors(400, 401, 403, 413, 415, 429, 503),
                    },
                }
            },
            "/api/{project_id}/envelope/": _sentry_route("Sentry envelope (any Sentry SDK)", "envelope"),
            "/api/{project_id}/store/": _sentry_route("Sentry event, the older store endpoint", "store"),
            "/v1/logs": {
                "post": {
                    "summary": "OTLP/HTTP logs (any OpenTelemetry SDK or Collector; ingest key as Bearer)",
                    "security": _BEARER,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"type": "object", "description": "ExportLogsServiceRequest, OTLP/JSON"}},
                            "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ExportLogsServiceResponse; partial_success counts the refused records",
                            "content": {"application/json": {"schema": {"type": "object"}}, "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}},
                        },
                        **_errors(400, 401, 413, 415, 429, 503),
                    },
                }
            },
            "/v1/installs/{install_id}": {
                "delete": {
                    "summary": "Revoke consent: purge the installation's data (ingest or admin key)",
                    "security": _BEARER,
                    "parameters": [_INSTALL_ID],
                    "responses": {"202": _json(Receipt, "Purge accepted"), **_errors(400, 401, 404, 503)},
                }
            },
            "/v1/installs/{install_id}/export": {
                "get": {
                    "summary": "Every row held for the installation (ingest or admin key)",
                    "security": _BEARER,
                    "parameters": [_INSTALL_ID],
                    "responses": {
                        "200": {
                            "description": "The rows, streamed: JSON, or CSV with Accept: text/csv",
                            "content": {"application/json": {"schema": _ref(Export)}, "text/csv": {"schema": {"type": "string"}}},
                        },
                        **_errors(400, 401, 404, 503),
                    },
                }
            },
            "/v1/purges/{purge_id}": {
                "get": {
                    "summary": "A purge receipt (admin key, or the ingest key that asked)",
                    "security": _BEARER,
                    "parameters": [{"name": "purge_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json(Receipt, "The receipt"), **_errors(401, 404)},
                }
            },
            "/v1/export": {
                "get": {
                    "summary": "Every row of one of the tenant's tables, streamed (admin key)",
                    "security": _BEARER,
                    "parameters": [
                        {"name": "table", "in": "query", "required": False, "schema": {"enum": ["events", "scrub_report", "release_health"]}},
                    ],
                    "responses": {
                        "200": {"description": "JSON Lines, or CSV with Accept: text/csv", "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
                        **_errors(400, 401),
                    },
                }
            },
            "/v1/tenants/{tenant}": {
                "delete": {
                    "summary": "Offboard a tenant: refuse its keys, delete all its rows but the audit trail (operator key)",
                    "security": _BEARER,
                    "parameters": [{"name": "tenant", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"202": _json(OffboardingReceipt, "Accepted, or the existing receipt"), **_errors(401, 404)},
                }
            },
            "/v1/offboardings/{offboarding_id}": {
                "get": {
                    "summary": "An offboarding receipt (operator key)",
                    "security": _BEARER,
                    "parameters": [{"name": "offboarding_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json(OffboardingReceipt, "The receipt"), **_errors(401, 404)},
                }
            },
            "/v1/admin/query": {
                "post": {
                    "summary": "Read-only SQL over all tenants (operator key), audited with its reason",
                    "security": _BEARER,
                    "parameters": [
                        {"name": "X-Access-Reason", "in": "header", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 200}, "description": "Why (the ticket); stored in the audit row"},
                        {"name": "X-Access-Tenant", "in": "header", "required": False, "schema": {"type": "string"}, "description": "Confine to one tenant: refused where the engine cannot confine SQL"},
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(QueryRequest)}}},
                    "responses": {"200": _json(QueryResult, "Columns and rows"), **_errors(400, 401)},
                }
            },
        },
    }
