"""Memory pressure: past a bound, the collector pushes back instead of growing."""

from __future__ import annotations

import os
import time


class MemoryGauge:
    """Resident set size, read from /proc at most every ``interval_s``."""

    def __init__(self, limit_bytes: int, interval_s: float = 0.25):
        self._limit = limit_bytes
        self._interval_s = interval_s
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._read_at = 0.0
        self._rss = 0

    @property
    def rss_bytes(self) -> int:
        now = time.monotonic()
        if now - self._read_at >= self._interval_s:
            self._read_at = now
            try:
                with open("/proc/self/statm", "rb") as statm:
                    self._rss = int(statm.read().split()[1]) * self._page
            except OSError:  # not Linux: no bound can be enforced
                self._rss = 0
        return self._rss

    @property
    def over_limit(self) -> bool:
        return self._limit > 0 and self.rss_bytes > self._limit
