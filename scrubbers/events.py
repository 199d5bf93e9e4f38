"""Turn validated events into storable rows, field by field, by each field's privacy class.

The plan for each event type is derived from the schema's ``Pii`` annotations
(schemas/events.py), so there is no second list of field names to keep in step:
a field whose class this module does not handle makes the plan fail to build.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
import operator
from dataclasses import dataclass
from typing import Any

import msgspec

from schemas import EVENT_TYPES, Event, EventRow, Pii, ScrubCountRow
from scrubbers.hashing import IdHasher
from scrubbers.policy import OTHER, TenantPolicy
from scrubbers.text import TextScrubber

NOT_ALLOWLISTED = "NOT_ALLOWLISTED"


@dataclass(frozen=True)
class _Field:
    attrs: tuple[str, ...]  # where the value sits in the event
    column: str  # where it goes in EventRow
    pii: Pii
    allowlist: str | None

    @property
    def get(self) -> Callable[[Any], Any]:
        return operator.attrgetter(".".join(self.attrs))


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


_COLUMN_INDEX = {f.name: i for i, f in enumerate(msgspec.structs.fields(EventRow))}
# Rows are frozen and never mutated, so one empty ``counts`` dict can serve every row.
_ROW_DEFAULTS = tuple(
    f.default
    if f.default is not msgspec.NODEFAULT
    else f.default_factory()
    if f.default_factory is not msgspec.NODEFAULT
    else None
    for f in msgspec.structs.fields(EventRow)
)


@dataclass(frozen=True)
class _Compiled:
    """A plan turned into what the hot loop needs: getters and column positions."""

    tag: str
    fields: tuple[tuple[Callable[[Any], Any], int, str, str, Pii, str | None], ...]


def _compile(event_type: type, plan: tuple[_Field, ...]) -> _Compiled:
    return _Compiled(
        tag=event_type.__struct_config__.tag,
        fields=tuple((f.get, _COLUMN_INDEX[f.column], f.column, f.attrs[-1], f.pii, f.allowlist) for f in plan),
    )


_COMPILED = {t: _compile(t, plan) for t, plan in _PLANS.items()}
_TENANT, _RECEIVED_AT, _TYPE = (_COLUMN_INDEX[c] for c in ("tenant", "received_at", "type"))


class EventScrubber:
    """Scrubs a batch of events of one tenant into rows plus an aggregate scrub report."""

    def __init__(self, text_scrubber: TextScrubber, hasher: IdHasher):
        self._text = text_scrubber
        self._hash = hasher

    def scrub_batch(
        self, tenant: str, policy: TenantPolicy, events: list[Event], received_at: dt.datetime
    ) -> ScrubbedBatch:
        removed: Counter[tuple[str, str]] = Counter()
        free_text_slots: list[tuple[int, int, str]] = []  # (event index, column index, column name)
        free_texts: list[str] = []
        rows: list[list[Any]] = []
        hash_id = self._hash

        for index, event in enumerate(events):
            plan = _COMPILED[type(event)]
            row = list(_ROW_DEFAULTS)
            row[_TENANT], row[_RECEIVED_AT], row[_TYPE] = tenant, received_at, plan.tag
            for get, position, column, name, pii, allowlist in plan.fields:
                value = get(event)
                if value is None:
                    continue
                if pii is Pii.NONE or pii is Pii.RANDOM_ID:
                    row[position] = value
                elif pii is Pii.LINKABLE_ID:
                    row[position] = hash_id(tenant, name, value)  # same kind as the rights endpoints hash
                elif pii is Pii.ALLOWLIST:
                    row[position] = self._allowlisted(value, policy.allowlist(allowlist), column, removed)
                elif pii is Pii.FREE_TEXT or pii is Pii.IDENTIFIER:
                    if value:
                        free_text_slots.append((index, position, column))
                        free_texts.append(value)
                else:  # pragma: no cover - a new class needs a decision here
                    raise TypeError(f"unhandled privacy class {pii}")
            rows.append(row)

        if free_texts:
            for (index, position, column), scrubbed in zip(free_text_slots, self._text.scrub_many(free_texts, policy)):
                rows[index][position] = scrubbed.text if scrubbed.text is not None else ""
                for entity, count in scrubbed.removed.items():
                    removed[(column, entity)] += count

        day = received_at.date()
        return ScrubbedBatch(
            [EventRow(*row) for row in rows],
            [
                ScrubCountRow(tenant=tenant, day=day, field=column, entity=entity, count=count)
                for (column, entity), count in sorted(removed.items())
            ],
        )

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
