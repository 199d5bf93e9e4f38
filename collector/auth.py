"""API keys: which tenant a key belongs to and what it may do.

Keys are looked up by their SHA-256 digest, so the time a lookup takes does not
depend on how many leading characters of a guess were right. A key is never
logged; ``key_id`` (a short digest prefix) names it in logs and audit rows.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from collector.config import TenantConfig


class Role(enum.Enum):
    INGEST = "ingest"  # shipped inside apps: may only send events (and purge its own install)
    ADMIN = "admin"  # server side: queries, exports, purges


@dataclass(frozen=True)
class Principal:
    tenant: str
    role: Role
    key_id: str


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


class KeyRing:
    def __init__(self, tenants: dict[str, TenantConfig]):
        self._by_digest: dict[bytes, Principal] = {}
        for tenant_id, tenant in tenants.items():
            for role, keys in ((Role.INGEST, tenant.ingest_keys), (Role.ADMIN, tenant.admin_keys)):
                for key in keys:
                    digest = _digest(key)
                    self._by_digest[digest] = Principal(tenant_id, role, digest.hex()[:12])

    def authenticate(self, authorization: str | None) -> Principal | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return self._by_digest.get(_digest(authorization[len("Bearer ") :].strip()))
