"""Every provisioned Grafana panel and variable query runs against the real schema and returns what its panel draws.

Grafana's ClickHouse plugin expands macros before it sends SQL; a small
expander does the same here for a fixed time range, and the queries run in the
session collector's chDB after fixture events went in through the HTTP API.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path

import orjson
import pytest

from tests.conftest import ACME_INGEST, make_event

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
DATASOURCE_TYPE = "grafana-clickhouse-datasource"
TIME_SERIES, TABLE = 0, 1  # the plugin's format codes
# Tables a panel may read that nothing in this suite fills yet; their queries must still run.
MAY_BE_EMPTY = ("telemetry.purges", "telemetry.audit")

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
TIME_RANGE = (NOW - dt.timedelta(days=7), NOW + dt.timedelta(hours=1))
VARIABLES = {"tenant": "acme", "app": "omnix-pos"}
RAW_PII = ("Wanjiru Kamau", "0712 345 678", "A012345678Z", "wanjiru@example.com")


def expand(sql: str, variables: dict[str, str] = VARIABLES) -> str:
    """What the plugin sends to ClickHouse for ``sql``, for TIME_RANGE and ``variables``."""
    start, end = (f"toDateTime64('{t:%Y-%m-%d %H:%M:%S}', 3)" for t in TIME_RANGE)
    sql = re.sub(r"\$__timeFilter\(([^)]+)\)", rf"\1 >= {start} AND \1 <= {end}", sql)
    sql = re.sub(r"\$__timeInterval\(([^)]+)\)", r"toStartOfInterval(\1, INTERVAL 1 hour)", sql)
    sql = sql.replace("$__fromTime", start).replace("$__toTime", end)
    for name, value in variables.items():
        sql = sql.replace(f"${{{name}}}", value)
        sql = re.sub(rf"\${name}\b", value, sql)
    return sql


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _query_panels(dashboard: dict) -> list[dict]:
    return [panel for panel in dashboard["panels"] if panel.get("targets")]


def _panel_queries():
    for path in DASHBOARDS:
        for panel in _query_panels(_load(path)):
            for target in panel["targets"]:
                yield pytest.param(panel, target, id=f"{path.stem}:{panel['title']}:{target['refId']}")


def _variable_queries():
    for path in DASHBOARDS:
        for variable in _load(path)["templating"]["list"]:
            if variable["type"] == "query":
                yield pytest.param(variable, id=f"{path.stem}:{variable['name']}")


def _fixture_events() -> list[dict]:
    """A small tenant day: two tills on two versions, views, counts and errors holding PII."""
    tills = [
        {"install_id": str(uuid.uuid4()), "session_id": str(uuid.uuid4()),
         "app": {"name": "omnix-pos", "version": version, "platform": platform}}
        for version, platform in (("4.2.10", "windows"), ("4.3.0", "android"))
    ]
    events = []
    for till in tills:
        events += [
            make_event("app_start", **till),
            make_event("module_view", module="pharmacy", duration_ms=42_000, **till),
            make_event("module_view", module="sales", duration_ms=9_000, **till),
            make_event("usage_counts", **till),
        ]
    events += [
        make_event("error", module="sales", **tills[0], error={
            "type": "SqliteException",
            "message": "Sale failed for customer Wanjiru Kamau (0712 345 678), KRA PIN A012345678Z, till 512345",
            "stack": "   at Omnix.Sales.SaleForm.Save() in SaleForm.cs:line 214"}),
        make_event("error", module="pharmacy", **tills[1], error={
            "type": "HttpRequestException",
            "message": "Receipt mail to wanjiru@example.com failed after 3 retries",
            "stack": ""}),
    ]
    return events


@pytest.fixture(scope="module")
async def filled(collector):
    """The session collector, after the fixture events were accepted and stored."""
    events = _fixture_events()
    response = await collector.post({"events": events}, key=ACME_INGEST)
    assert response.status == 202, await response.text()
    assert (await response.json())["accepted"] == len(events)
    ids = ", ".join(f"'{e['event_id']}'" for e in events)
    stored = await collector.wait_for_rows(f"SELECT count() FROM telemetry.events WHERE event_id IN ({ids})", len(events))
    assert stored == len(events)
    assert await collector.wait_for_rows("SELECT count() FROM telemetry.scrub_report WHERE tenant = 'acme'", 1) >= 1
    # Release health, as a Sentry SDK sends it: one session that crashed, and an hour's aggregate.
    sessions = b"\n".join(
        orjson.dumps(part)
        for part in (
            {},
            {"type": "session"},
            {"sid": str(uuid.uuid4()), "init": True, "status": "crashed", "attrs": {"release": "omnix-pos@4.3.0"}},
            {"type": "sessions"},
            {"aggregates": [{"started": NOW.isoformat(), "exited": 40, "errored": 2}], "attrs": {"release": "omnix-pos@4.3.0"}},
        )
    )
    response = await collector.session.post(
        f"{collector.url}/api/17/envelope/?sentry_key={ACME_INGEST}", data=sessions, headers={"Content-Type": "text/plain"}
    )
    assert response.status == 200, await response.text()
    assert await collector.wait_for_rows("SELECT count() FROM telemetry.release_health WHERE tenant = 'acme'", 1) >= 1
    return collector


async def _run(collector, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql`` once expanded; the names come from DESCRIBE when no row does."""
    columns, rows = await collector.sink.query(expand(sql), {})
    if not rows:
        _, described = await collector.sink.query(f"DESCRIBE ({expand(sql)})", {})
        columns = [row[0] for row in described]
    return columns, rows


def test_there_are_usage_errors_and_pipeline_dashboards():
    assert {p.stem for p in DASHBOARDS} >= {"usage", "errors", "pipeline"}
    uids = [_load(p)["uid"] for p in DASHBOARDS]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_query_is_raw_sql_for_the_clickhouse_plugin(path):
    dashboard = _load(path)
    for panel in _query_panels(dashboard):
        assert panel["datasource"]["type"] == DATASOURCE_TYPE, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["type"] == DATASOURCE_TYPE
            assert target["queryType"] == "sql" and target["rawSql"].strip()
            expected = TIME_SERIES if panel["type"] == "timeseries" else TABLE
            assert target["format"] == expected, panel["title"]
            assert "$__timeFilter(" in target["rawSql"] or "$__fromTime" in target["rawSql"], (
                f"{panel['title']} ignores the dashboard's time range"
            )
            assert "${tenant}" in target["rawSql"], f"{panel['title']} is not scoped to the tenant variable"
    names = {v["name"] for v in dashboard["templating"]["list"]}
    assert "tenant" in names


def test_rejected_by_reason_points_to_prometheus_metrics():
    pipeline = _load(DEPLOY / "grafana" / "dashboards" / "pipeline.json")
    descriptions = " ".join(p.get("description", "") for p in pipeline["panels"])
    assert "/metrics" in descriptions and "not in ClickHouse" in descriptions


@pytest.mark.parametrize(("panel", "target"), list(_panel_queries()))
async def test_panel_query_runs_and_returns_the_columns_its_panel_draws(filled, panel, target):
    columns, rows = await _run(filled, target["rawSql"])
    if not any(table in target["rawSql"] for table in MAY_BE_EMPTY):
        assert rows, f"{panel['title']}: no rows"
    if target["format"] == TIME_SERIES:
        assert columns[0] == "time", f"{panel['title']}: a time series needs its time column aliased `time` first"
        assert len(columns) >= 2
    wanted = {
        override["matcher"]["options"]
        for override in panel.get("fieldConfig", {}).get("overrides", [])
        if override["matcher"]["id"] == "byName"
    }
    assert wanted <= set(columns), f"{panel['title']}: overrides name missing columns {wanted - set(columns)}"
    for row in rows:
        assert not any(pii in str(value) for value in row for pii in RAW_PII)


@pytest.mark.parametrize("variable", list(_variable_queries()))
async def test_variable_query_lists_the_fixture_values(filled, variable):
    columns, rows = await _run(filled, variable["query"]["rawSql"])
    assert len(columns) == 1
    assert VARIABLES[variable["name"]] in {row[0] for row in rows}


def test_expander_leaves_no_macro_or_variable_behind():
    for path in DASHBOARDS:
        dashboard = _load(path)
        sqls = [t["rawSql"] for p in _query_panels(dashboard) for t in p["targets"]]
        sqls += [v["query"]["rawSql"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
        for sql in sqls:
            assert "$" not in expand(sql), sql


def test_provisioning_points_grafana_at_the_dashboards_and_the_clickhouse_source():
    yaml = pytest.importorskip("yaml")
    provisioning = DEPLOY / "grafana" / "provisioning"
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "clickhouse.yaml").read_text())["datasources"]
    assert datasource["type"] == DATASOURCE_TYPE
    assert datasource["jsonData"]["defaultDatabase"] == "telemetry"
    assert "$__file{" in datasource["secureJsonData"]["password"], "the password comes from a secret file"
    uids = {
        t["datasource"]["uid"] for path in DASHBOARDS for p in _query_panels(_load(path)) for t in p["targets"]
    }
    assert uids == {datasource["uid"]}
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "telemetry.yaml").read_text())["providers"]
    assert provider["type"] == "file" and provider["options"]["path"]
