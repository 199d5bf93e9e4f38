"""A tiny "app" that logs through the real, unmodified OpenTelemetry SDK to the collector's ``/v1/logs``.

Run as a subprocess, never imported by a test: the collector under test runs on
the test's event loop, and the SDK's exporter thread and its blocking HTTP
client must not share that process.

    python tests/clients/otel_app.py URL INGEST_KEY INSTALL_ID SESSION_ID {none,gzip}

It writes one info log (a name and an email in the message; an allowlisted
``branch`` and a not-allowlisted ``customer`` as ``extra``) and one
``log.exception`` for an exception whose message holds an email, a Kenyan phone
number and a name. On stdout it prints one JSON line: the export results the
exporter itself reported and what each HTTP request carried, so the test can
tell "the SDK gave up" from "the collector dropped it".
"""

from __future__ import annotations

import json
import logging
import sys
import warnings

import requests

from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter
from opentelemetry.sdk.resources import Resource

# What the test looks for (and must never find stored as sent).
CUSTOMER_NAME = "Wanjiku Kamau"
EMAIL = "wanjiku.kamau@example.co.ke"
PHONE = "0712345678"
CUSTOMER_ATTRIBUTE = "Achieng Otieno"
HOST_NAME = "wanjiku-kamau-pc"
BRANCH = "Westlands"
INFO_MESSAGE = f"Receipt emailed to {CUSTOMER_NAME} at {EMAIL}"
EXCEPTION_MESSAGE = f"M-Pesa payment failed for {EMAIL}, phone {PHONE}, customer {CUSTOMER_NAME}"
APP_VERSION = "4.2.10"
OS_VERSION = "10.0.19045"


class Recording(LogRecordExporter):
    """Passes every batch to the real exporter and remembers what it answered (the SDK itself is untouched)."""

    def __init__(self, exporter: OTLPLogExporter):
        self._exporter = exporter
        self.results: list[str] = []
        self.records = 0

    def export(self, batch):
        result = self._exporter.export(batch)
        self.results.append(result.name)
        self.records += len(batch)
        return result

    def force_flush(self, timeout_millis: int = 10_000) -> bool:
        return self._exporter.force_flush(timeout_millis)

    def shutdown(self) -> None:
        self._exporter.shutdown()


def checkout(total: int) -> None:
    raise ValueError(EXCEPTION_MESSAGE)


def main(url: str, key: str, install_id: str, session_id: str, compression: str) -> int:
    warnings.simplefilter("ignore", DeprecationWarning)  # LoggingHandler's move to another package
    resource = Resource.create(
        {
            "service.name": "omnix-pos",
            "service.version": APP_VERSION,
            "service.instance.id": install_id,
            "session.id": session_id,
            "os.type": "windows",
            "os.version": OS_VERSION,
            "host.name": HOST_NAME,
        }
    )
    # The exporter's own HTTP session (a documented parameter), with a hook that notes what went over the wire.
    sent: list[dict] = []

    def note(response: requests.Response, *args, **kwargs) -> None:
        reply = ExportLogsServiceResponse()
        try:
            reply.ParseFromString(response.content)
            rejected = reply.partial_success.rejected_log_records
        except Exception:  # noqa: BLE001 - reported to the test, which fails on it
            rejected = None
        sent.append(
            {
                "status": response.status_code,
                "content_type": response.request.headers.get("Content-Type"),
                "content_encoding": response.request.headers.get("Content-Encoding"),
                "reply_content_type": response.headers.get("Content-Type"),
                "reply_rejected": rejected,
            }
        )

    session = requests.Session()
    session.hooks["response"].append(note)
    exporter = OTLPLogExporter(
        endpoint=f"{url}/v1/logs",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
        compression=Compression.Gzip if compression == "gzip" else Compression.NoCompression,
        session=session,
    )
    recording = Recording(exporter)
    provider = LoggerProvider(resource=resource)
    provider.add_log_record_processor(BatchLogRecordProcessor(recording, schedule_delay_millis=100))

    # A named logger, not the root: the SDK's own warnings must not be exported as the app's logs.
    log = logging.getLogger("omnix.sales")
    log.setLevel(logging.INFO)
    log.propagate = False
    log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=provider))

    log.info(INFO_MESSAGE, extra={"branch": BRANCH, "customer": CUSTOMER_ATTRIBUTE})
    try:
        checkout(1250)
    except ValueError:
        log.exception("checkout failed", extra={"branch": BRANCH})

    flushed = provider.force_flush(timeout_millis=20_000)
    provider.shutdown()
    print(json.dumps({"flushed": flushed, "results": recording.results, "records": recording.records, "requests": sent}))
    return 0 if flushed and recording.results and all(r == "SUCCESS" for r in recording.results) else 1


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
