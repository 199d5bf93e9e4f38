"""Rate limits per (tenant, installation) and per tenant, and a daily quota per tenant.

Limits are keyed by tenant and install id, never by IP address: hundreds of
tills can share one mobile carrier's NAT address. A rate limit answers 429 with
``Retry-After`` (slow down, then retry); an exhausted daily quota answers 403
(stop retrying until the reset time), so that SDKs can tell the two apart.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from collector.config import TenantConfig

MAX_TRACKED_INSTALLS = 200_000


class _Bucket:
    __slots__ = ("rate", "burst", "tokens", "updated")

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.updated = rate, burst, burst, now

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_s(self, cost: float) -> float:
        """Seconds until ``cost`` tokens are there (0 if now); a cost above the burst waits for a full bucket."""
        missing = min(cost, self.burst) - self.tokens
        return 0.0 if missing <= 0 else missing / self.rate


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: int = 0
    quota_exhausted: bool = False
    quota_resets_at: str = ""


class RateLimiter:
    def __init__(self, tenants: dict[str, TenantConfig]):
        self._tenants = tenants
        self._tenant_buckets: dict[str, _Bucket] = {}
        self._install_buckets: OrderedDict[tuple[str, uuid.UUID], _Bucket] = OrderedDict()
        self._day = dt.datetime.now(dt.timezone.utc).date()
        self._used_today: dict[str, int] = {}
        self._last_refusal: dict[str, float] = {}  # tenant -> monotonic time of its latest refused request

    def refused_within(self, tenant: str, seconds: float) -> bool:
        """Whether a request of ``tenant`` was refused by a limit or the quota in the last ``seconds``."""
        refused = self._last_refusal.get(tenant)
        return refused is not None and time.monotonic() - refused < seconds

    def update(self, tenants: dict[str, TenantConfig]) -> None:
        self._tenants = tenants
        self._tenant_buckets.clear()
        self._install_buckets.clear()

    def check(self, tenant: str, events_per_install: dict[uuid.UUID, int], total: int | None = None) -> Decision:
        """Allow and charge the whole batch, or refuse it whole with how long to wait.

        ``total`` counts every item the tenant is charged for, including events and
        session updates that name no installation (and so have no install bucket).
        """
        config = self._tenants[tenant]
        if total is None:
            total = sum(events_per_install.values())
        today = dt.datetime.now(dt.timezone.utc).date()
        if today != self._day:
            self._day, self._used_today = today, {}
        if config.daily_event_quota and self._used_today.get(tenant, 0) + total > config.daily_event_quota:
            reset = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
            wait_s = math.ceil((reset - dt.datetime.now(dt.timezone.utc)).total_seconds())
            self._last_refusal[tenant] = time.monotonic()
            return Decision(False, retry_after_s=max(1, wait_s), quota_exhausted=True, quota_resets_at=reset.isoformat())

        now = time.monotonic()
        tenant_bucket = self._tenant_buckets.get(tenant)
        if tenant_bucket is None:
            tenant_bucket = self._tenant_buckets[tenant] = _Bucket(
                config.rate_limit_events_per_s, config.rate_limit_burst, now
            )
        tenant_bucket.refill(now)
        buckets = [(tenant_bucket, total)]
        for install_id, count in events_per_install.items():
            buckets.append((self._install_bucket(tenant, install_id, config, now), count))
        wait = max(bucket.wait_s(cost) for bucket, cost in buckets)
        if wait > 0:
            self._last_refusal[tenant] = now
            return Decision(False, retry_after_s=max(1, math.ceil(wait)))
        for bucket, cost in buckets:
            bucket.tokens -= min(cost, bucket.burst)
        self._used_today[tenant] = self._used_today.get(tenant, 0) + total
        return Decision(True)

    def _install_bucket(self, tenant: str, install_id: uuid.UUID, config: TenantConfig, now: float) -> _Bucket:
        key = (tenant, install_id)
        bucket = self._install_buckets.get(key)
        if bucket is None:
            bucket = self._install_buckets[key] = _Bucket(
                config.install_rate_limit_events_per_s, config.install_rate_limit_burst, now
            )
            if len(self._install_buckets) > MAX_TRACKED_INSTALLS:
                self._install_buckets.popitem(last=False)
        else:
            self._install_buckets.move_to_end(key)
        bucket.refill(now)
        return bucket
