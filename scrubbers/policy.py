"""What a tenant allows: the allowlists for structured fields and its text-scrubbing choices."""

from __future__ import annotations

import msgspec

# OS names every tenant accepts; anything else is stored as "other".
KNOWN_OS_NAMES = (
    "Windows", "macOS", "Linux", "iOS", "iPadOS", "Android", "ChromeOS", "Ubuntu", "Debian",
    "Fedora", "HarmonyOS", "web",
)  # fmt: skip

OTHER = "other"


class TenantPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Per-tenant allowlists and scrubbing policy; safe defaults when left empty.

    An empty allowlist allows nothing: every value is stored as ``other``.
    """

    apps: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()
    count_keys: frozenset[str] = frozenset()
    attribute_keys: frozenset[str] = frozenset()  # Sentry tags and OpenTelemetry attributes worth keeping
    os_names: frozenset[str] = frozenset(KNOWN_OS_NAMES)
    deny_terms: tuple[str, ...] = ()  # always replaced in free text, case-insensitive
    allow_terms: tuple[str, ...] = ()  # never replaced when a recognizer flags exactly this text
    disabled_entities: frozenset[str] = frozenset()  # entity types this tenant switches off
    retention_days: int = 180  # how long this tenant's rows are kept, stamped on each row

    def allowlist(self, name: str) -> frozenset[str]:
        return getattr(self, name)
