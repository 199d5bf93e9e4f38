CREATE DATABASE IF NOT EXISTS telemetry ON CLUSTER telemetry_cluster;

CREATE TABLE IF NOT EXISTS telemetry.events_local ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `event_id` UUID,
    `received_at` DateTime64(3, 'UTC'),
    `ts` DateTime64(3, 'UTC'),
    `type` LowCardinality(String),
    `install_hash` String,
    `session_hash` String,
    `app_name` LowCardinality(String),
    `app_version` LowCardinality(String),
    `app_platform` LowCardinality(String),
    `os_name` LowCardinality(String),
    `os_version` LowCardinality(String),
    `module` LowCardinality(String),
    `locale` LowCardinality(String),
    `duration_ms` UInt32,
    `counts` Map(LowCardinality(String), UInt64),
    `error_type` String,
    `error_message` String,
    `error_stack` String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/telemetry/events_local', '{replica}')
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (tenant, type, app_name, ts)
TTL toDate(received_at) + INTERVAL 180 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 100000;

CREATE TABLE IF NOT EXISTS telemetry.events ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `event_id` UUID,
    `received_at` DateTime64(3, 'UTC'),
    `ts` DateTime64(3, 'UTC'),
    `type` LowCardinality(String),
    `install_hash` String,
    `session_hash` String,
    `app_name` LowCardinality(String),
    `app_version` LowCardinality(String),
    `app_platform` LowCardinality(String),
    `os_name` LowCardinality(String),
    `os_version` LowCardinality(String),
    `module` LowCardinality(String),
    `locale` LowCardinality(String),
    `duration_ms` UInt32,
    `counts` Map(LowCardinality(String), UInt64),
    `error_type` String,
    `error_message` String,
    `error_stack` String
)
ENGINE = Distributed('telemetry_cluster', 'telemetry', 'events_local', cityHash64(tenant, install_hash));

CREATE TABLE IF NOT EXISTS telemetry.scrub_report_local ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `day` Date,
    `field` LowCardinality(String),
    `entity` LowCardinality(String),
    `count` UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/telemetry/scrub_report_local', '{replica}', count)
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, field, entity)
TTL day + INTERVAL 180 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 100000;

CREATE TABLE IF NOT EXISTS telemetry.scrub_report ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `day` Date,
    `field` LowCardinality(String),
    `entity` LowCardinality(String),
    `count` UInt64
)
ENGINE = Distributed('telemetry_cluster', 'telemetry', 'scrub_report_local', cityHash64(tenant, field, entity));

CREATE TABLE IF NOT EXISTS telemetry.audit_local ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `at` DateTime64(3, 'UTC'),
    `action` LowCardinality(String),
    `subject_hash` String,
    `key_id` LowCardinality(String),
    `outcome` LowCardinality(String),
    `rows` UInt64,
    `ref` String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/telemetry/audit_local', '{replica}')
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, at)
TTL toDate(at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 100000;

CREATE TABLE IF NOT EXISTS telemetry.audit ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `at` DateTime64(3, 'UTC'),
    `action` LowCardinality(String),
    `subject_hash` String,
    `key_id` LowCardinality(String),
    `outcome` LowCardinality(String),
    `rows` UInt64,
    `ref` String
)
ENGINE = Distributed('telemetry_cluster', 'telemetry', 'audit_local', cityHash64(tenant, subject_hash));

CREATE TABLE IF NOT EXISTS telemetry.purges_local ON CLUSTER telemetry_cluster
(
    `purge_id` UUID,
    `tenant` LowCardinality(String),
    `install_hash` String,
    `requested_at` DateTime64(3, 'UTC'),
    `updated_at` DateTime64(3, 'UTC'),
    `state` LowCardinality(String),
    `rows_deleted` UInt64,
    `requested_by` LowCardinality(String)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/telemetry/purges_local', '{replica}', updated_at)
PARTITION BY toYYYYMM(requested_at)
ORDER BY (tenant, purge_id)
TTL toDate(requested_at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 100000;

CREATE TABLE IF NOT EXISTS telemetry.purges ON CLUSTER telemetry_cluster
(
    `purge_id` UUID,
    `tenant` LowCardinality(String),
    `install_hash` String,
    `requested_at` DateTime64(3, 'UTC'),
    `updated_at` DateTime64(3, 'UTC'),
    `state` LowCardinality(String),
    `rows_deleted` UInt64,
    `requested_by` LowCardinality(String)
)
ENGINE = Distributed('telemetry_cluster', 'telemetry', 'purges_local', cityHash64(tenant, purge_id));

CREATE TABLE IF NOT EXISTS telemetry.tombstones_local ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `install_hash` String,
    `at` DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/telemetry/tombstones_local', '{replica}', at)
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, install_hash)
TTL toDate(at) + INTERVAL 400 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 100000;

CREATE TABLE IF NOT EXISTS telemetry.tombstones ON CLUSTER telemetry_cluster
(
    `tenant` LowCardinality(String),
    `install_hash` String,
    `at` DateTime64(3, 'UTC')
)
ENGINE = Distributed('telemetry_cluster', 'telemetry', 'tombstones_local', cityHash64(tenant, install_hash));
