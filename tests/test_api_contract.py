"""The API description is generated from the types, and the live collector keeps to it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import msgspec
import orjson
import urllib.request

from collector import create_app
from collector.openapi import openapi_document
from schemas import EVENT_TYPES
from tests.conftest import demo_ingest_key, make_event


def test_every_route_is_documented_and_every_documented_path_exists(tmp_path):
    from collector import load_config

    app = create_app(load_config(None, tmp_path))
    routes = {(r.method.lower(), r.resource.canonical) for r in app.router.routes()}
    documented = {(method, path) for path, ops in openapi_document()["paths"].items() for method in ops}
    assert routes - {("head", path) for _, path in routes} == documented


def test_event_schemas_in_the_document_are_the_msgspec_types():
    components = openapi_document()["components"]["schemas"]
    _, expected = msgspec.json.schema_components(EVENT_TYPES, ref_template="#/components/schemas/{name}")
    for name, schema in expected.items():
        assert components[name] == schema


def test_schemathesis_finds_no_server_error_and_no_reply_outside_the_schema(collector_process):
    collector_process.start()
    ingest = demo_ingest_key(collector_process.data_dir)
    operator = orjson.loads((collector_process.data_dir / "demo_keys.json").read_bytes())["operator_key"]
    # Some real data so that export and purge reach their core logic too.
    install = str(uuid.uuid4())
    request = urllib.request.Request(
        f"{collector_process.url}/v1/events",
        data=orjson.dumps({"events": [make_event(install_id=install)]}),
        headers={"Authorization": f"Bearer {ingest}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).close()
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert schemathesis, "schemathesis is a test dependency"
    for key in (ingest, operator):
        result = subprocess.run(
            [
                schemathesis, "run", f"{collector_process.url}/openapi.json",
                "-H", f"Authorization: Bearer {key}",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_schema_conformance,response_headers_conformance",
                "--max-examples", "40", "--generation-deterministic", "--no-color",
            ],
            capture_output=True, text=True, timeout=600, cwd=collector_process.data_dir,
        )
        assert result.returncode == 0, result.stdout[-4000:]
    health = urllib.request.urlopen(f"{collector_process.url}/healthz", timeout=5)
    assert health.status == 200
    assert collector_process.stop() == 0
