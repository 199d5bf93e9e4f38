"""Keyed hashes for identifiers that link one person's events."""

from __future__ import annotations

import hashlib
import hmac
import uuid


class IdHasher:
    """HMAC-SHA256 under a per-deployment secret, scoped by tenant.

    Unlike an unkeyed or empty-key hash, nobody without the secret can confirm a
    guessed install id against the stored value. Scoping by tenant means the same
    install id under two tenants yields unrelated hashes.
    """

    def __init__(self, secret: bytes):
        if len(secret) < 32:
            raise ValueError("the id hashing secret must be at least 32 bytes")
        self._secret = secret

    def __call__(self, tenant: str, kind: str, value: uuid.UUID) -> str:
        message = f"{tenant}\x00{kind}\x00{value}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]
