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
    ADMIN = "admin"  # a tenant's server side: exports, purges of its own rows
    OPERATOR = "operator"  # the deployment's operator: read-only SQL over all tenants


@dataclass(frozen=True)
class Principal:
    tenant: str
    role: Role
    key_id: str


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


OPERATOR_TENANT = "*"


class KeyRing:
    def __init__(self, tenants: dict[str, TenantConfig], operator_keys: list[str]):
        self._by_digest: dict[bytes, Principal] = {}
        for key in operator_keys:
            digest = _digest(key)
            self._by_digest[digest] = Principal(OPERATOR_TENANT, Role.OPERATOR, digest.hex()[:12])
        for tenant_id, tenant in tenants.items():
            for role, keys in ((Role.INGEST, tenant.ingest_keys), (Role.ADMIN, tenant.admin_keys)):
                for key in keys:
                    digest = _digest(key)
                    self._by_digest[digest] = Principal(tenant_id, role, digest.hex()[:12])

    def authenticate(self, authorization: str | None) -> Principal | None:
        return self.lookup(bearer_key(authorization))

    def lookup(self, key: str | None) -> Principal | None:
        if not key:
            return None
        return self._by_digest.get(_digest(key.strip()))


def bearer_key(authorization: str | None) -> str | None:
    if not authorization or not authorization.startswith("Bearer "):
        return None
    return authorization[len("Bearer ") :]
