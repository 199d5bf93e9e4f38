"""Turn validated events into storable rows, field by field, by each field's privacy class.

The plan for each event type is derived from the schema's ``Pii`` annotations
(schemas/events.py), so there is no second list of field names to keep in step:
a field whose class this module does not handle makes the plan fail to build.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from schemas import EVENT_TYPES, Event, EventRow, Pii, ScrubCountRow
from scrubbers.hashing import IdHasher
from scrubbers.policy import OTHER, TenantPolicy
from scrubbers.text import DROPPED, TextScrubber

NOT_ALLOWLISTED = "NOT_ALLOWLISTED"


@dataclass(frozen=True)
class _Field:
    attrs: tuple[str, ...]  # where the value sits in the event
    column: str  # where it goes in EventRow
    pii: Pii
    allowlist: str | None


class ScrubbedBatch(msgspec.Struct, frozen=True):
    rows: list[EventRow]
    report: list[ScrubCountRow]


def _plan(event_type: type[msgspec.Struct]) -> tuple[_Field, ...]:
    fields: list[_Field] = []

    def walk(struct: type, attrs: tuple[str, ...]) -> None:
        for info in msgspec.inspect.type_info(struct).fields:
            path = (*attrs, info.name)
            node = info.type
            extra = getattr(node, "extra", None) or {}
            inner = getattr(node, "type", node)
            if isinstance(inner, msgspec.inspect.UnionType):  # Optional[...]
                inner = next(t for t in inner.types if not isinstance(t, msgspec.inspect.NoneType))
                extra = getattr(inner, "extra", None) or extra
                inner = getattr(inner, "type", inner)
            if isinstance(inner, msgspec.inspect.StructType):
                walk(inner.cls, path)
                continue
            if "pii" not in extra:
                raise TypeError(f"field {'.'.join(path)} has no privacy class")
            pii = Pii(extra["pii"])
            column = "_".join(path)
            if pii is Pii.LINKABLE_ID:
                column = column.removesuffix("_id") + "_hash"
            fields.append(_Field(path, column, pii, extra.get("allowlist")))

    walk(event_type, ())
    return tuple(fields)


_PLANS: dict[type, tuple[_Field, ...]] = {t: _plan(t) for t in EVENT_TYPES}
_ROW_COLUMNS = frozenset(f.name for f in msgspec.structs.fields(EventRow))
for _plan_fields in _PLANS.values():
    _unknown = {f.column for f in _plan_fields} - _ROW_COLUMNS
    if _unknown:
        raise TypeError(f"event fields without a column in EventRow: {sorted(_unknown)}")


def _get(event: Any, attrs: tuple[str, ...]) -> Any:
    for attr in attrs:
        event = getattr(event, attr)
    return event


class EventScrubber:
    """Scrubs a batch of events of one tenant into rows plus an aggregate scrub report."""

    def __init__(self, text_scrubber: TextScrubber, hasher: IdHasher):
        self._text = text_scrubber
        self._hash = hasher

    def scrub_batch(
        self, tenant: str, policy: TenantPolicy, events: list[Event], received_at: dt.datetime
    ) -> ScrubbedBatch:
        removed: Counter[tuple[str, str]] = Counter()
        free_text_slots: list[tuple[int, str]] = []  # (event index, column)
        free_texts: list[str] = []
        columns_per_event: list[dict[str, Any]] = []

        for index, event in enumerate(events):
            columns: dict[str, Any] = {
                "tenant": tenant,
                "received_at": received_at,
                "type": type(event).__struct_config__.tag,
            }
            for field in _PLANS[type(event)]:
                value = _get(event, field.attrs)
                column = field.column
                if value is None:
                    continue
                if field.pii is Pii.NONE or field.pii is Pii.RANDOM_ID:
                    columns[column] = value
                elif field.pii is Pii.LINKABLE_ID:
                    columns[column] = self._hash(tenant, field.attrs[-1], value)
                elif field.pii is Pii.ALLOWLIST:
                    columns[column] = self._allowlisted(value, policy.allowlist(field.allowlist), column, removed)
                elif field.pii in (Pii.FREE_TEXT, Pii.IDENTIFIER):
                    if value:
                        free_text_slots.append((index, column))
                        free_texts.append(value)
                else:  # pragma: no cover - a new class needs a decision here
                    raise TypeError(f"unhandled privacy class {field.pii}")
            columns_per_event.append(columns)

        for (index, column), scrubbed in zip(free_text_slots, self._text.scrub_many(free_texts, policy)):
            columns_per_event[index][column] = scrubbed.text if scrubbed.text is not None else ""
            for entity, count in scrubbed.removed.items():
                removed[(column, entity)] += count

        rows = [EventRow(**columns) for columns in columns_per_event]
        day = received_at.date()
        report = [
            ScrubCountRow(tenant=tenant, day=day, field=column, entity=entity, count=count)
            for (column, entity), count in sorted(removed.items())
        ]
        return ScrubbedBatch(rows, report)

    @staticmethod
    def _allowlisted(value: Any, allowed: frozenset[str], column: str, removed: Counter) -> Any:
        if isinstance(value, dict):  # count keys: unknown keys are dropped, never stored as sent
            kept = {k: v for k, v in value.items() if k in allowed}
            if len(kept) < len(value):
                removed[(column, NOT_ALLOWLISTED)] += len(value) - len(kept)
            return kept
        if value in allowed:
            return value
        removed[(column, NOT_ALLOWLISTED)] += 1
        return OTHER
