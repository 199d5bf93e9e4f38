"""Command line: ``python -m collector serve|query``."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from pathlib import Path

import orjson

from collector.config import Config, demo_keys_path, load_config
from collector.logs import configure_logging

log = logging.getLogger("collector")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m collector")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("serve", "run the collector"),
        ("query", "run read-only SQL against the stored rows"),
        ("offboard", "delete a departing tenant's data (all but the audit trail) through the running collector"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--config", type=Path, help="TOML config file (default: a demo tenant)")
        sub.add_argument("--data-dir", type=Path, default=Path("data"), help="spool, keys and embedded ClickHouse")
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8080)
        if name == "query":
            sub.add_argument("sql")
            sub.add_argument("--reason", required=True, help="why you look (the ticket): stored in the audit trail")
            sub.add_argument("--tenant", help="confine the query to one tenant (refused where it cannot be confined)")
            sub.add_argument("--key", help="operator key (default: the config's first, or the demo one)")
        if name == "offboard":
            sub.add_argument("tenant")
            sub.add_argument("--reason", required=True, help="why (the customer's request): stored in the audit trail")
            sub.add_argument("--key", help="operator key (default: the config's first, or the demo one)")
            sub.add_argument("--wait-s", type=float, default=300.0, help="how long to wait for the receipt's completion")
    return parser


async def serve(config: Config) -> None:
    from aiohttp import web

    from collector.app import create_app
    from collector.resources import spawn
    from collector.retention import sweep
    from collector.tenancy import TENANCY

    app = create_app(config)
    runner = web.AppRunner(
        app, access_log=None, auto_decompress=False, handle_signals=False, shutdown_timeout=10
    )
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals_seen = 0

    def on_signal() -> None:
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            log.info("stopping: no new requests, flushing accepted events")
            stop.set()
        else:
            log.warning("second signal: exiting now; unsent events stay in the spool")
            logging.shutdown()
            os._exit(0)

    # Handlers go in before anything starts, so a signal during start-up is not fatal.
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    # Key rotation without a restart: edit the config file, then `kill -HUP <pid>`.
    def on_reload() -> None:
        if app[TENANCY].reload():  # a shortened retention applies to rows already stored, too
            spawn(app, sweep(app))

    loop.add_signal_handler(signal.SIGHUP, on_reload)

    await runner.setup()  # starts the scrubbing workers, opens ClickHouse, replays the spool
    _freeze_startup_objects()
    if not stop.is_set():
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        _announce(config)
        await stop.wait()
    await runner.cleanup()


def _freeze_startup_objects() -> None:
    """Leave what start-up allocated (imported modules, configuration) out of every later GC pass.

    Those objects live as long as the process. Left in the collected
    generations, each full collection walked all of them again: 50 to 100 ms
    with the event loop stopped, seen as spikes in request latency under load.
    """
    gc.collect()
    gc.freeze()


def _announce(config: Config) -> None:
    lines = [f"collector listening on http://{config.host}:{config.port}", f"clickhouse: {config.clickhouse_url}"]
    keys_file = demo_keys_path(config.data_dir)
    if config.config_file is None and keys_file.exists():
        keys = orjson.loads(keys_file.read_bytes())
        lines.append(f"demo tenant ingest key: {keys['ingest_key']}")
        lines.append(f"demo tenant admin key:  {keys['admin_key']} (server side only)")
        lines.append(f"operator key:           {keys['operator_key']} (python -m collector query)")
    print("\n".join(lines), flush=True)


def query(config: Config, sql: str, key: str | None, reason: str, tenant: str | None = None) -> int:
    """Ask the running collector; open the data directory directly when none runs. Audited either way."""
    import urllib.error
    import urllib.request

    key = key or _default_operator_key(config)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "X-Access-Reason": reason}
    if tenant is not None:  # even "": the collector refuses it rather than widen the query to every tenant
        headers["X-Access-Tenant"] = tenant
    request = urllib.request.Request(
        f"http://{config.host}:{config.port}/v1/admin/query", data=orjson.dumps({"sql": sql}), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            result = orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"), file=sys.stderr)
        return 1
    except (urllib.error.URLError, ConnectionError):
        if tenant is not None:
            print(orjson.dumps({"error": _cannot_confine_without_collector(config)}).decode(), file=sys.stderr)
            return 1
        result = _query_directly(config, sql, key, reason)
    print(orjson.dumps(result["columns"]).decode())
    for row in result["rows"]:
        print(orjson.dumps(row, default=str).decode())
    return 0


def _cannot_confine_without_collector(config: Config) -> str:
    if config.clickhouse_url.startswith("chdb:"):
        return "the embedded engine cannot confine SQL to one tenant"
    return f"no collector answers at http://{config.host}:{config.port}: a tenant-confined query runs through it"


def offboard(config: Config, tenant: str, key: str | None, reason: str, wait_s: float) -> int:
    """Ask the running collector to offboard ``tenant``; print the receipt once completed (or when the wait ends)."""
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    key = key or _default_operator_key(config)
    base = f"http://{config.host}:{config.port}"
    headers = {"Authorization": f"Bearer {key}", "X-Access-Reason": reason}
    request = urllib.request.Request(f"{base}/v1/tenants/{urllib.parse.quote(tenant, safe='')}", method="DELETE", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            receipt = orjson.loads(response.read())
        deadline = time.monotonic() + wait_s
        while receipt["state"] != "completed" and time.monotonic() < deadline:
            time.sleep(0.5)
            status = urllib.request.Request(f"{base}{receipt['status_url']}", headers=headers)
            with urllib.request.urlopen(status, timeout=60) as response:
                receipt = orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"), file=sys.stderr)
        return 1
    except (urllib.error.URLError, ConnectionError):
        print('{"error": "no collector answers: start it, then offboard through it"}', file=sys.stderr)
        return 1
    print(orjson.dumps(receipt).decode())
    return 0 if receipt["state"] == "completed" else 2


def _default_operator_key(config: Config) -> str:
    if config.operator_keys:
        return config.operator_keys[0]
    raise SystemExit("no operator key in the config: pass --key")


def _query_directly(config: Config, sql: str, key: str, reason: str) -> dict:
    """With no collector running, read the data directory itself; the access is audited all the same."""
    import datetime as dt
    import hashlib

    from schemas import AuditRow
    from sink import open_client
    from sink.record import FORMAT, encode_rows

    client, database = open_client(config.clickhouse_url)
    try:
        result = client.query(sql, settings={"readonly": 1})
        row = AuditRow(
            tenant="*", at=dt.datetime.now(dt.timezone.utc), action="operator_query", subject_hash="",
            key_id=hashlib.sha256(key.encode()).hexdigest()[:12], outcome="completed",
            rows=len(result.result_rows), reason=reason,
        )  # fmt: skip
        if client.query(f"EXISTS TABLE {database}.audit").result_rows[0][0]:
            client.raw_insert(f"{database}.audit", column_names=list(AuditRow.__struct_fields__),
                              insert_block=encode_rows(AuditRow, [row]), fmt=FORMAT)  # fmt: skip
        return {"columns": list(result.column_names), "rows": [list(r) for r in result.result_rows]}
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config(args.config, args.data_dir, args.host, args.port)
    if args.command == "serve":
        configure_logging()
        asyncio.run(serve(config))
        return 0
    if args.command == "offboard":
        return offboard(config, args.tenant, args.key, args.reason, args.wait_s)
    return query(config, args.sql, args.key, args.reason, args.tenant)


if __name__ == "__main__":
    sys.exit(main())
