#!/bin/bash
# Users, the read-only Grafana profile and one row policy per tenant.
#
# The clickhouse-server image runs the scripts in /docker-entrypoint-initdb.d
# against a temporary local server before it starts (on every start unless
# INIT_ON_EVERY_START=0), so every statement is idempotent; changing a password
# means ALTER USER, not editing the secret alone. Tables are not made here: the
# collector creates them (CREATE ... IF NOT EXISTS) when it starts, and the
# policies below name telemetry.* so they apply to every table it creates.
# The users' passwords come from docker secrets and reach clickhouse-client on stdin.
set -euo pipefail

secret() { tr -d '\n' < "/run/secrets/$1"; }
# The image's temporary init server listens on 127.0.0.1 only.
sql() { clickhouse client --host 127.0.0.1 --user "${CLICKHOUSE_USER:-admin}" --password "${CLICKHOUSE_PASSWORD}" --multiquery; }

admin="${CLICKHOUSE_USER:-admin}"
tenants="${TELEMETRY_TENANTS:-acme globex}"

sql <<SQL
CREATE DATABASE IF NOT EXISTS telemetry;

-- Grafana may only read: readonly is pinned (CONST), so no query can lift it;
-- max_execution_time stays settable because the plugin sets it on every query.
CREATE SETTINGS PROFILE IF NOT EXISTS grafana_readonly SETTINGS
    readonly = 1 CONST,
    max_execution_time = 60 MIN 1 MAX 300 CHANGEABLE_IN_READONLY,
    max_memory_usage = 4000000000 CONST,
    max_result_rows = 1000000 CONST;

-- The collector writes, creates its tables and runs purge mutations.
CREATE USER IF NOT EXISTS collector IDENTIFIED WITH sha256_password BY '$(secret clickhouse_collector_password)';
GRANT SELECT, INSERT, CREATE DATABASE, CREATE TABLE, ALTER DELETE, OPTIMIZE ON telemetry.* TO collector;
GRANT SELECT ON system.mutations TO collector;

-- Once a table has row policies, a user no policy names sees no rows, so the
-- users that see every tenant are named here explicitly.
CREATE ROW POLICY IF NOT EXISTS all_tenants ON telemetry.* USING 1 TO collector, \`$admin\`;
SQL

for tenant in $tenants; do
    user="grafana_$tenant"
    sql <<SQL
CREATE USER IF NOT EXISTS \`$user\` IDENTIFIED WITH sha256_password BY '$(secret "grafana_${tenant}_clickhouse_password")'
    SETTINGS PROFILE 'grafana_readonly';
GRANT SELECT ON telemetry.* TO \`$user\`;
CREATE ROW POLICY IF NOT EXISTS \`tenant_$tenant\` ON telemetry.* USING tenant = '$tenant' TO \`$user\`;
SQL
    echo "access: read-only user $user sees tenant '$tenant' only"
done
