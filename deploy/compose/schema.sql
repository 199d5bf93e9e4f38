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
    `error_stack` String,
    `source` LowCardinality(String) DEFAULT 'native',
    `error_level` LowCardinality(String),
    `log_severity` LowCardinality(String),
    `log_body` String,
    `environment` LowCardinality(String),
    `sdk_name` LowCardinality(String),
    `sdk_version` LowCardinality(String),
    `device_family` LowCardinality(String),
    `device_model` LowCardinality(String),
    `runtime_name` LowCardinality(String),
    `runtime_version` LowCardinality(String),
    `browser_name` LowCardinality(String),
    `browser_version` LowCardinality(String),
    `attributes` Map(LowCardinality(String), String),
    `retention_days` UInt16 DEFAULT 180
)
ENGINE = MergeTree
PARTITION BY (toYYYYMMDD(received_at), retention_days)
ORDER BY (tenant, type, app_name, ts)
TTL toDate(received_at) + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.events MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.events
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `event_id` UUID,
    ADD COLUMN IF NOT EXISTS `received_at` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `ts` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `type` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `install_hash` String,
    ADD COLUMN IF NOT EXISTS `session_hash` String,
    ADD COLUMN IF NOT EXISTS `app_name` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `app_version` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `app_platform` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `os_name` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `os_version` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `module` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `locale` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `duration_ms` UInt32,
    ADD COLUMN IF NOT EXISTS `counts` Map(LowCardinality(String), UInt64),
    ADD COLUMN IF NOT EXISTS `error_type` String,
    ADD COLUMN IF NOT EXISTS `error_message` String,
    ADD COLUMN IF NOT EXISTS `error_stack` String,
    ADD COLUMN IF NOT EXISTS `source` LowCardinality(String) DEFAULT 'native',
    ADD COLUMN IF NOT EXISTS `error_level` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `log_severity` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `log_body` String,
    ADD COLUMN IF NOT EXISTS `environment` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `sdk_name` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `sdk_version` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `device_family` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `device_model` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `runtime_name` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `runtime_version` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `browser_name` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `browser_version` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `attributes` Map(LowCardinality(String), String),
    ADD COLUMN IF NOT EXISTS `retention_days` UInt16 DEFAULT 180;

CREATE TABLE IF NOT EXISTS telemetry.scrub_report
(
    `tenant` LowCardinality(String),
    `day` Date,
    `field` LowCardinality(String),
    `entity` LowCardinality(String),
    `count` UInt64,
    `retention_days` UInt16 DEFAULT 180
)
ENGINE = SummingMergeTree(count)
PARTITION BY (toYYYYMMDD(day), retention_days)
ORDER BY (tenant, day, field, entity)
TTL day + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.scrub_report MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.scrub_report
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `day` Date,
    ADD COLUMN IF NOT EXISTS `field` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `entity` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `count` UInt64,
    ADD COLUMN IF NOT EXISTS `retention_days` UInt16 DEFAULT 180;

CREATE TABLE IF NOT EXISTS telemetry.release_health
(
    `tenant` LowCardinality(String),
    `day` Date,
    `app_name` LowCardinality(String),
    `release` LowCardinality(String),
    `environment` LowCardinality(String),
    `status` LowCardinality(String),
    `sessions` UInt64,
    `retention_days` UInt16 DEFAULT 180
)
ENGINE = SummingMergeTree(sessions)
PARTITION BY (toYYYYMMDD(day), retention_days)
ORDER BY (tenant, app_name, day, release, environment, status)
TTL day + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.release_health MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.release_health
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `day` Date,
    ADD COLUMN IF NOT EXISTS `app_name` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `release` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `environment` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `status` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `sessions` UInt64,
    ADD COLUMN IF NOT EXISTS `retention_days` UInt16 DEFAULT 180;

CREATE TABLE IF NOT EXISTS telemetry.audit
(
    `tenant` LowCardinality(String),
    `at` DateTime64(3, 'UTC'),
    `action` LowCardinality(String),
    `subject_hash` String,
    `key_id` LowCardinality(String),
    `outcome` LowCardinality(String),
    `rows` UInt64,
    `ref` String,
    `reason` String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, at)
TTL toDate(at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.audit MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.audit
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `at` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `action` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `subject_hash` String,
    ADD COLUMN IF NOT EXISTS `key_id` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `outcome` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `rows` UInt64,
    ADD COLUMN IF NOT EXISTS `ref` String,
    ADD COLUMN IF NOT EXISTS `reason` String;

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

ALTER TABLE telemetry.purges MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.purges
    ADD COLUMN IF NOT EXISTS `purge_id` UUID,
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `install_hash` String,
    ADD COLUMN IF NOT EXISTS `requested_at` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `updated_at` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `state` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `rows_deleted` UInt64,
    ADD COLUMN IF NOT EXISTS `requested_by` LowCardinality(String);

CREATE TABLE IF NOT EXISTS telemetry.offboardings
(
    `offboarding_id` UUID,
    `tenant` LowCardinality(String),
    `requested_at` DateTime64(3, 'UTC'),
    `updated_at` DateTime64(3, 'UTC'),
    `state` LowCardinality(String),
    `rows_deleted` Map(LowCardinality(String), UInt64),
    `requested_by` LowCardinality(String)
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(requested_at)
ORDER BY (tenant, offboarding_id)
TTL toDate(requested_at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 100000;

ALTER TABLE telemetry.offboardings MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.offboardings
    ADD COLUMN IF NOT EXISTS `offboarding_id` UUID,
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `requested_at` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `updated_at` DateTime64(3, 'UTC'),
    ADD COLUMN IF NOT EXISTS `state` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `rows_deleted` Map(LowCardinality(String), UInt64),
    ADD COLUMN IF NOT EXISTS `requested_by` LowCardinality(String);

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

ALTER TABLE telemetry.tombstones MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1, min_compressed_bytes_to_fsync_after_merge = 1, min_bytes_for_wide_part = 134217728;

ALTER TABLE telemetry.tombstones
    ADD COLUMN IF NOT EXISTS `tenant` LowCardinality(String),
    ADD COLUMN IF NOT EXISTS `install_hash` String,
    ADD COLUMN IF NOT EXISTS `at` DateTime64(3, 'UTC');
