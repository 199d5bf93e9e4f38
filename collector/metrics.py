"""Prometheus metrics, one registry per app (no process-wide state).

Labels hold only bounded, non-personal values: route names, status codes,
tenant ids, field and entity names, rejection reasons built from the schema.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from sink import Sink


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("telemetry_requests", "HTTP requests by route and status", ["route", "status"], registry=r)
        self.accepted = Counter("telemetry_events_accepted", "Events acknowledged", ["tenant"], registry=r)
        self.rejected = Counter("telemetry_events_rejected", "Events rejected, by reason", ["tenant", "reason"], registry=r)
        self.dropped = Counter(
            "telemetry_events_dropped",
            "Events acknowledged but not stored: duplicate, consent_revoked, do_not_track",
            ["tenant", "cause"],
            registry=r,
        )
        self.ignored_items = Counter(
            "telemetry_items_ignored",
            "Items acknowledged and never stored (Sentry transactions, replays, attachments, ...), by type",
            ["tenant", "source", "type"],
            registry=r,
        )
        self.sessions = Counter("telemetry_sessions_accepted", "Session updates counted into release health", ["tenant"], registry=r)
        self.scrubbed = Counter(
            "telemetry_scrubbed_entities", "Values removed by the scrubber", ["tenant", "field", "entity"], registry=r
        )
        self.limited = Counter("telemetry_rate_limited", "Batches refused by a limit", ["tenant", "kind"], registry=r)
        self.insert_seconds = Histogram(
            "telemetry_clickhouse_insert_seconds",
            "Time to insert one spool segment",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.insert_errors = Counter(
            "telemetry_clickhouse_errors", "Failed ClickHouse inserts", ["kind"], registry=r
        )
        self.purges = Counter("telemetry_purges", "Purges by outcome", ["outcome"], registry=r)
        self.exports = Counter("telemetry_exports", "Exports by outcome", ["outcome"], registry=r)
        self.offboardings = Counter("telemetry_offboardings", "Tenant offboardings by outcome", ["outcome"], registry=r)

    def watch_sink(self, sink: Sink) -> None:
        self.registry.register(_SpoolCollector(sink))

    # The sink's observer interface (see sink.SinkSettings.observer).
    def insert_observed(self, seconds: float, rows: int) -> None:
        self.insert_seconds.observe(seconds)

    def insert_failed(self, permanent: bool) -> None:
        self.insert_errors.labels("permanent" if permanent else "transient").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _SpoolCollector:
    def __init__(self, sink: Sink):
        self._sink = sink

    def describe(self):
        return []

    def collect(self):
        spool = self._sink.spool
        yield GaugeMetricFamily("telemetry_spool_bytes", "Bytes in the spool not yet in ClickHouse", value=spool.bytes)
        yield GaugeMetricFamily("telemetry_spool_segments", "Spool segments not yet in ClickHouse", value=spool.segments)
        yield GaugeMetricFamily(
            "telemetry_clickhouse_healthy", "1 while the last insert succeeded", value=int(self._sink.clickhouse_healthy)
        )
