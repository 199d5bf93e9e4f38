"""Keyed hashes for identifiers that link one person's events."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import OrderedDict


class IdHasher:
    """HMAC-SHA256 under a per-deployment secret, scoped by tenant.

    Unlike an unkeyed or empty-key hash, nobody without the secret can confirm a
    guessed install id against the stored value. Scoping by tenant means the same
    install id under two tenants yields unrelated hashes.
    """

    def __init__(self, secret: bytes, cache_size: int = 20_000):
        if len(secret) < 32:
            raise ValueError("the id hashing secret must be at least 32 bytes")
        # The keyed state is prepared once and copied per value: the key schedule is most of HMAC's cost.
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)
        # An installation sends many events: its hash is computed once, not per event.
        self._cache: OrderedDict[bytes, str] = OrderedDict()
        self._cache_size = cache_size

    def __call__(self, tenant: str, kind: str, value: uuid.UUID) -> str:
        message = b"%s\x00%s\x00%s" % (tenant.encode(), kind.encode(), value.bytes)
        cached = self._cache.get(message)
        if cached is not None:
            return cached
        mac = self._keyed.copy()
        mac.update(message)
        digest = self._cache[message] = mac.hexdigest()[:32]
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return digest
