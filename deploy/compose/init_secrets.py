#!/usr/bin/env python3
"""Create .env and the secrets deploy/compose needs under ./secrets, once; existing files are kept.

Every password and key is random. The files are world-readable inside a
directory only its owner can enter: compose bind-mounts secret files as they
are, and ClickHouse, Grafana and the collector each run under their own uid.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRETS = HERE / "secrets"


def _env() -> str:
    """The .env compose reads; made from .env.example with a random admin password."""
    env = HERE / ".env"
    if not env.exists():
        text = (HERE / ".env.example").read_text()
        text = re.sub(r"^CLICKHOUSE_ADMIN_PASSWORD=$", f"CLICKHOUSE_ADMIN_PASSWORD={secrets.token_hex(24)}", text, flags=re.M)
        env.write_text(text)
        env.chmod(0o600)
        print("wrote .env")
    return env.read_text()


def _tenants(env: str) -> list[str]:
    match = re.search(r"^TELEMETRY_TENANTS=(.*)$", env, flags=re.MULTILINE)
    return match.group(1).split() if match else ["acme", "globex"]


def _write(name: str, value: str) -> str:
    path = SECRETS / name
    if path.exists():
        return path.read_text().strip()
    path.write_text(value + "\n")
    path.chmod(0o644)
    print(f"wrote secrets/{name}")
    return value


def main() -> None:
    env = _env()
    SECRETS.mkdir(exist_ok=True)
    os.chmod(SECRETS, 0o700)
    collector_password = _write("clickhouse_collector_password", secrets.token_hex(24))
    _write("id_hash_secret", secrets.token_hex(32))  # the collector reads 32 bytes as hex
    for tenant in _tenants(env):
        _write(f"grafana_{tenant}_admin_password", secrets.token_hex(16))
        _write(f"grafana_{tenant}_clickhouse_password", secrets.token_hex(24))
    template = (HERE / "collector.toml.example").read_text()
    body = template[template.index("\noperator_keys") + 1 :]  # the template's header explains placeholders
    header = "# Rendered by init_secrets.py from collector.toml.example. Secret: keys and a password.\n"
    rendered = header + re.sub("@RANDOM@", lambda _: secrets.token_urlsafe(24), body)
    _write("collector.toml", rendered.replace("@CLICKHOUSE_COLLECTOR_PASSWORD@", collector_password).rstrip("\n"))
    print("ingest, admin and operator keys: secrets/collector.toml")


if __name__ == "__main__":
    main()
