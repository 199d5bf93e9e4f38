"""The one registration of every source: adding a wire protocol is its module plus a line here."""

from __future__ import annotations

from collector.sources import native, otlp, sentry

SOURCES = (native, sentry, otlp)
DECODERS = {source.NAME: source.decode for source in SOURCES}
