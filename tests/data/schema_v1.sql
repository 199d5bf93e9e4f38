CREATE DATABASE IF NOT EXISTS telemetry;

CREATE TABLE IF NOT EXISTS telemetry.events
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
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (tenant, type, app_name, ts)
TTL toDate(received_at) + INTERVAL 180 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.events MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1;

CREATE TABLE IF NOT EXISTS telemetry.scrub_report
(
    `tenant` LowCardinality(String),
    `day` Date,
    `field` LowCardinality(String),
    `entity` LowCardinality(String),
    `count` UInt64
)
ENGINE = SummingMergeTree(count)
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, day, field, entity)
TTL day + INTERVAL 180 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.scrub_report MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1;

CREATE TABLE IF NOT EXISTS telemetry.audit
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, at)
TTL toDate(at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.audit MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1;

CREATE TABLE IF NOT EXISTS telemetry.purges
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
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(requested_at)
ORDER BY (tenant, purge_id)
TTL toDate(requested_at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.purges MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1;

CREATE TABLE IF NOT EXISTS telemetry.tombstones
(
    `tenant` LowCardinality(String),
    `install_hash` String,
    `at` DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(at)
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, install_hash)
TTL toDate(at) + INTERVAL 400 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.tombstones MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1;
