"""Who the tenants are right now: keys, policies and limits, swapped whole on reload.

Keys rotate without a restart: SIGHUP re-reads the config file and replaces
this object's contents in one step, so a request sees either the old or the new
set, never a mix. Several keys per tenant may be valid at once during a rotation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from collector.auth import KeyRing
from collector.config import Config, TenantConfig, load_config
from collector.limits import RateLimiter
from scrubbers import TenantPolicy

log = logging.getLogger("collector")


@dataclass(frozen=True)
class _Snapshot:
    keyring: KeyRing
    tenants: dict[str, TenantConfig]
    policies: dict[str, TenantPolicy]
    cors_origins: frozenset[str]  # every tenant's: a preflight carries no key, so it is answered for any


class Tenancy:
    def __init__(self, config: Config):
        self._config = config
        self._snapshot = self._build(config)
        self.limiter = RateLimiter(config.tenants)
        # Tenants being offboarded or gone: their keys are refused even while the config still lists them.
        self.offboarded: set[str] = set()

    @staticmethod
    def _build(config: Config) -> _Snapshot:
        return _Snapshot(
            keyring=KeyRing(config.tenants, config.operator_keys),
            tenants=dict(config.tenants),
            policies={tenant_id: tenant.policy() for tenant_id, tenant in config.tenants.items()},
            cors_origins=frozenset(origin for tenant in config.tenants.values() for origin in tenant.cors_origins),
        )

    @property
    def keyring(self) -> KeyRing:
        return self._snapshot.keyring

    def tenant(self, tenant_id: str) -> TenantConfig:
        return self._snapshot.tenants[tenant_id]

    def tenants(self) -> dict[str, TenantConfig]:
        return self._snapshot.tenants

    def known(self, tenant_id: str) -> bool:
        return tenant_id in self._snapshot.tenants

    def origin_listed(self, origin: str) -> bool:
        """Whether some tenant lists ``origin``; each request is then held to its own tenant's list."""
        return origin in self._snapshot.cors_origins

    def policy(self, tenant_id: str) -> TenantPolicy:
        return self._snapshot.policies[tenant_id]

    def reload(self) -> bool:
        """Re-read keys, tenants and policies from the config file; keep the old ones on error."""
        if self._config.config_file is None:
            return False
        try:
            fresh = load_config(self._config.config_file, self._config.data_dir, self._config.host, self._config.port)
        except Exception as exc:  # noqa: BLE001 - a bad edit must not take the collector down
            log.error("config reload failed; keeping the current keys", extra={"error": type(exc).__name__})
            return False
        self._snapshot = self._build(fresh)
        self.limiter.update(fresh.tenants)
        log.info("config reloaded", extra={"tenants": len(fresh.tenants)})
        return True


TENANCY = web.AppKey("tenancy", Tenancy)
