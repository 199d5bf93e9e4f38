"""Recently acknowledged event ids, so that a client's retry is not stored twice.

A spool segment replayed after a crash is deduplicated by ClickHouse itself
(its insert token). A client that retries a batch after a timeout sends the
same events in a new request, which lands in another segment with another
token, so those are caught here, by ``event_id``, before any work is done.

The window is bounded by age and by count, and rebuilt at start from the rows
ClickHouse received recently and from the spool, so a retry across a restart
is caught too.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable


class IdempotencyWindow:
    def __init__(self, *, max_ids: int, max_age_s: float):
        self._max_ids = max_ids
        self._max_age_s = max_age_s
        self._seen: OrderedDict[bytes, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    @staticmethod
    def _key(tenant: str, event_id: uuid.UUID) -> bytes:
        return tenant.encode() + b"\x00" + event_id.bytes

    def claim(self, tenant: str, event_ids: Iterable[uuid.UUID]) -> list[bool]:
        """For each id, True if it is new (and now claimed), False if already seen.

        Claiming happens before the rows are durable; ``release`` undoes it when
        they could not be made durable, so the client's next retry is stored.
        """
        now = time.monotonic()
        self._expire(now)
        fresh = []
        for event_id in event_ids:
            key = self._key(tenant, event_id)
            if key in self._seen:
                fresh.append(False)
            else:
                self._seen[key] = now
                fresh.append(True)
        return fresh

    def release(self, tenant: str, event_ids: Iterable[uuid.UUID]) -> None:
        for event_id in event_ids:
            self._seen.pop(self._key(tenant, event_id), None)

    def remember(self, pairs: Iterable[tuple[str, uuid.UUID]]) -> None:
        """Mark ids stored by an earlier run as seen."""
        now = time.monotonic()
        for tenant, event_id in pairs:
            self._seen[self._key(tenant, event_id)] = now
        self._expire(now)

    def _expire(self, now: float) -> None:
        seen = self._seen
        while seen and (len(seen) > self._max_ids or next(iter(seen.values())) < now - self._max_age_s):
            seen.popitem(last=False)
