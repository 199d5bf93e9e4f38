"""Turn validated events into storable rows, column by column, by each field's privacy class.

The plan for each event type is derived from the schema's ``Pii`` annotations
(schemas/events.py), so there is no second list of field names to keep in step:
a field whose class this module does not handle makes the plan fail to build.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import Counter
import operator
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from schemas import EVENT_TYPES, Columns, Event, EventRow, Pii, ScrubCountRow, gather
from schemas.columns import COMMON_PATHS, getter_of_all, leaf_paths
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
    optional: bool = True  # may be None (absent); False only where the schema requires the field
    mapping: bool = False  # a dict (count keys, attributes), not a single value
    textual: bool = False  # a string, or a dict keyed by strings: what the identifier check reads
    order: int = 0  # the field's place in its event type's plan: free texts are scrubbed in this order

    @functools.cached_property
    def position(self) -> int:
        """The field's column in EventRow's field order (read for every column of every batch)."""
        return _COLUMN_INDEX[self.column]


class ScrubbedBatch(msgspec.Struct, frozen=True):
    # One sequence per EventRow field, in field order, each holding that column's value for every event in
    # batch order: the spool's encoder writes ClickHouse's columns from them as they are (sink.native).
    columns: list[Sequence[Any]]
    report: list[ScrubCountRow]

    @property
    def event_values(self) -> list[tuple[Any, ...]]:
        """Each row's values in EventRow's field order."""
        return list(zip(*self.columns))

    @property
    def rows(self) -> list[EventRow]:
        return [EventRow(*values) for values in self.event_values]


def _plan(event_type: type[msgspec.Struct]) -> tuple[_Field, ...]:
    fields: list[_Field] = []

    def walk(struct: type, attrs: tuple[str, ...]) -> None:
        for info in msgspec.inspect.type_info(struct).fields:
            path = (*attrs, info.name)
            node = info.type
            extra = getattr(node, "extra", None) or {}
            inner = getattr(node, "type", node)
            optional = isinstance(inner, msgspec.inspect.UnionType)
            if optional:  # Optional[...]
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
            mapping = isinstance(inner, msgspec.inspect.DictType)
            key = getattr(inner.key_type, "type", inner.key_type) if mapping else inner
            textual = isinstance(key, msgspec.inspect.StrType)
            fields.append(_Field(path, column, pii, extra.get("allowlist"), optional, mapping, textual, len(fields)))

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


_HANDLED = frozenset({Pii.NONE, Pii.RANDOM_ID, Pii.LINKABLE_ID, Pii.ALLOWLIST, Pii.FREE_TEXT, Pii.IDENTIFIER, Pii.KEYED_TEXT})
_TEXT_CLASSES = (Pii.FREE_TEXT, Pii.IDENTIFIER, Pii.KEYED_TEXT)  # what the text scrubber reads


def _checked_classes(plan: tuple[_Field, ...]) -> tuple[_Field, ...]:
    """The plan, once every field's class is one this module handles: failing at import stores nothing undecided."""
    for f in plan:
        if f.pii not in _HANDLED:
            raise TypeError(f"unhandled privacy class {f.pii}")
    return plan


def _fields_by_column(plans: dict[type, tuple[_Field, ...]]) -> dict[tuple[type | None, str], _Field]:
    """Each plan field by the column ``schemas.gather`` reads it into: (None, path) for a field every type has."""
    fields: dict[tuple[type | None, str], _Field] = {}
    for event_type, plan in plans.items():
        if [".".join(f.attrs) for f in plan] != leaf_paths(event_type):
            raise TypeError(f"{event_type.__name__}: the plan and the columns read differ")
        for f in _checked_classes(plan):
            path = ".".join(f.attrs)
            key = (None, path) if path in COMMON_PATHS else (event_type, path)
            if fields.setdefault(key, f) != f:
                raise TypeError(f"{path} differs between event types")
    return fields


_FIELDS = _fields_by_column(_PLANS)


def _structured(f: _Field) -> bool:
    """Where the identifier check looks: every stored-as-sent and allowlisted string (and dict key)."""
    return f.pii in (Pii.NONE, Pii.ALLOWLIST) and f.textual


_STRUCTURED_FIELDS = {t: tuple(filter(_structured, plan)) for t, plan in _PLANS.items()}
_GET_STRUCTURED = {t: getter_of_all([".".join(f.attrs) for f in fields]) for t, fields in _STRUCTURED_FIELDS.items()}
_TAGS = {t: t.__struct_config__.tag for t in _PLANS}
_TENANT, _RECEIVED_AT, _TYPE, _SOURCE, _RETENTION = (
    _COLUMN_INDEX[c] for c in ("tenant", "received_at", "type", "source", "retention_days")
)
_GET_INT = operator.attrgetter("int")
_NIL_ID = uuid.UUID(int=0)
_SAFE_VALUES_LIMIT = 20_000  # structured values already seen to hold no identifier; starts over when full

# A free text waiting for the text scrubber: (event position, field order, column position or the kept dict
# of a keyed text, its key, column name, text).
_PendingText = tuple[int, int, Any, Any, str, str]


def _columns(batch: Columns | Sequence[Event]) -> Columns:
    return batch if isinstance(batch, Columns) else gather(batch)


class EventScrubber:
    """Scrubs a batch of events of one tenant into rows plus an aggregate scrub report."""

    def __init__(self, text_scrubber: TextScrubber, hasher: IdHasher):
        self._text = text_scrubber
        self._hash = hasher
        self._safe: set[str] = set()

    @staticmethod
    def has_free_text(batch: Columns | Sequence[Event]) -> bool:
        """Whether any event carries a free-text value (the only kind whose scrubbing can cost NER)."""
        fields = _FIELDS
        return any(
            fields[(event_type, path)].pii in _TEXT_CLASSES and any(values)
            for path, event_type, values, _ in _columns(batch).columns
        )

    @staticmethod
    def free_texts(batch: Columns | Sequence[Event]) -> Iterator[str]:
        """Every free-text value of the batch, those under keys included: what scrubbing it may hand to NER."""
        fields = _FIELDS
        for path, event_type, values, _ in _columns(batch).columns:
            pii = fields[(event_type, path)].pii
            if pii not in _TEXT_CLASSES:
                continue
            for value in filter(None, values):
                if pii is Pii.KEYED_TEXT:
                    yield from filter(None, value.values())
                else:
                    yield value

    def scrub_costs_no_ner(self, batch: Columns | Sequence[Event]) -> bool:
        """Whether scrubbing the batch now would run no NER: no free text, or every text's NER is cached."""
        return self._text.costs_no_ner(self.free_texts(batch))

    def holds_no_identifier(self, batch: Columns | Sequence[Event]) -> bool:
        """True if no structured field of any event holds an identifier: ``identifier_field`` for a batch.

        Each distinct value is judged once; only values not seen before reach the recognizers. False sends
        the caller to ``identifier_field``, event by event, for the reasons.
        """
        safe, values, fields = self._safe, set(), _FIELDS
        for path, event_type, column, _ in _columns(batch).columns:
            f = fields[(event_type, path)]
            if not _structured(f):
                continue
            if f.mapping:  # count keys
                values.update(itertools.chain.from_iterable(filter(None, column)))
            else:
                values.update(column)
        values.discard(None)
        for item in values - safe:
            if self._text.identifier_in(item) is not None:
                return False
            if len(safe) >= _SAFE_VALUES_LIMIT:
                safe.clear()
            safe.add(item)
        return True

    def identifier_field(self, event: Event) -> str | None:
        """Why a structured field of ``event`` must reject it (an identifier in it), naming the field, or None.

        Allowlists already keep a PIN out of storage as ``other``; rejecting says so to the app's developers,
        like any other bad value, and never echoes the value.
        """
        safe = self._safe
        for f, value in zip(_STRUCTURED_FIELDS[type(event)], _GET_STRUCTURED[type(event)](event)):
            if not value:  # absent, or empty
                continue
            for item in value if f.mapping else (value,):
                if item in safe:
                    continue
                if (entity := self._text.identifier_in(item)) is not None:
                    return f"{'.'.join(f.attrs)}: holds an identifier ({entity}); structured fields never take one"
                if len(safe) >= _SAFE_VALUES_LIMIT:
                    safe.clear()
                safe.add(item)
        return None

    def scrub_batch(
        self,
        tenant: str,
        policy: TenantPolicy,
        batch: Columns | Sequence[Event],
        received_at: dt.datetime,
        source: str = "native",
    ) -> ScrubbedBatch:
        """The batch's rows, column by column in batch order, and its scrub report.

        Column by column because a batch's columns repeat: one tenant, app, installation and session per
        request, so most columns hold one value, judged and hashed once, in C where it can be.
        """
        batch = _columns(batch)
        count, types = len(batch.events), batch.types
        removed: Counter[tuple[str, str]] = Counter()
        texts: list[_PendingText] = []
        # An SDK that gave no id sends the nil UUID (``collector.sources.base.NO_ID``): stored as "", linking nothing.
        hashes: dict[tuple[str, int], str] = {(kind, 0): "" for kind in ("install_id", "session_id")}
        columns: dict[int, Sequence[Any]] = {_TYPE: list(map(_TAGS.__getitem__, types))}
        fields = _FIELDS
        for path, event_type, values, positions in batch.columns:
            f = fields[(event_type, path)]
            judged = self._judge(f, values, positions, tenant, policy, removed, texts, hashes)
            if positions is None:
                columns[f.position] = judged
                continue
            target = columns.get(f.position)
            if target is None:  # the events of other types keep the column's default
                target = columns[f.position] = [_ROW_DEFAULTS[f.position]] * count
            for position, value in zip(positions, judged):
                target[position] = value

        if texts:
            texts.sort(key=_text_order)  # event by event, then field by field: as a walk of the batch meets them
            scrubbed = self._text.scrub_grouped([text for *_, text in texts], [event for event, *_ in texts], policy)
            for (event, _, slot, key, column, _), result in zip(texts, scrubbed, strict=True):
                kept = result.text if result.text is not None else ""
                if key is None:
                    columns[slot][event] = kept
                else:
                    slot[key] = kept
                for entity, found in result.removed.items():
                    removed[(column, entity)] += found

        constants = {_TENANT: tenant, _RECEIVED_AT: received_at, _SOURCE: source, _RETENTION: policy.retention_days}
        day = received_at.date()
        return ScrubbedBatch(
            [
                [constants[position]] * count if position in constants
                else columns[position] if position in columns
                else [default] * count
                for position, default in enumerate(_ROW_DEFAULTS)
            ],  # fmt: skip
            [
                ScrubCountRow(tenant=tenant, day=day, field=column, entity=entity, count=found, retention_days=policy.retention_days)
                for (column, entity), found in sorted(removed.items())
            ],
        )

    def _judge(
        self,
        f: _Field,
        values: Sequence[Any],
        positions: list[int] | None,
        tenant: str,
        policy: TenantPolicy,
        removed: Counter[tuple[str, str]],
        texts: list[_PendingText],
        hashes: dict[tuple[str, int], str],
    ) -> Sequence[Any]:
        """What one field's column stores of ``values`` (its values for the events at ``positions``, or all)."""
        count, pii, fallback = len(values), f.pii, _ROW_DEFAULTS[f.position]
        if pii is Pii.NONE or pii is Pii.RANDOM_ID:  # stored as sent
            if f.optional and None in values:  # absent: the column's default
                return [fallback if value is None else value for value in values]
            return values
        if pii is Pii.LINKABLE_ID:
            kind = f.attrs[-1]  # same kind as the rights endpoints hash
            if f.optional and None in values:  # absent: as the nil UUID, stored as "", linking nothing
                values = [_NIL_ID if value is None else value for value in values]
            ints = list(map(_GET_INT, values))  # keyed by the UUID's int, which hashes and compares in C
            if ints.count(ints[0]) == count:  # a batch comes from one installation and session
                return [self._hash_once(hashes, tenant, kind, values[0], ints[0])] * count
            return [self._hash_once(hashes, tenant, kind, value, key) for value, key in zip(values, ints)]
        if pii is Pii.ALLOWLIST:
            allowed = policy.allowlist(f.allowlist)
            if f.mapping:  # count keys: unknown keys are dropped, never stored as sent
                kept = [
                    fallback if value is None
                    else value if allowed.issuperset(value)
                    else {k: v for k, v in value.items() if k in allowed}
                    for value in values
                ]  # fmt: skip
                if dropped := sum(len(value) for value in values if value) - sum(map(len, kept)):
                    removed[(f.column, NOT_ALLOWLISTED)] += dropped
                return kept
            distinct = set(values)
            if distinct <= allowed:  # the usual column: every value listed
                return values
            stored = {value: fallback if value is None else value if value in allowed else OTHER for value in distinct}
            if off_list := sum(1 for value in values if value is not None and value not in allowed):
                removed[(f.column, NOT_ALLOWLISTED)] += off_list
            return list(map(stored.__getitem__, values))
        events = positions if positions is not None else range(count)
        if pii is Pii.KEYED_TEXT:
            if not any(values):
                return [fallback] * count
            allowed = policy.allowlist(f.allowlist)
            filled = [fallback] * count  # one shared empty dict: rows are never changed in place
            for index, (event, value) in enumerate(zip(events, values)):
                if not value:
                    continue
                kept_texts: dict[str, str] = {}
                for key, text in value.items():
                    if key not in allowed:  # a key nobody listed is dropped with its value
                        removed[(f.column, NOT_ALLOWLISTED)] += 1
                        continue
                    kept_texts[key] = ""
                    if text:
                        texts.append((event, f.order, kept_texts, key, f.column, text))
                filled[index] = kept_texts
            return filled
        # Free text and identifiers: scrubbed once the whole batch's texts are known (None and "" stay the default).
        if any(values):
            texts.extend((event, f.order, f.position, None, f.column, value) for event, value in zip(events, values) if value)
        return [fallback] * count

    def _hash_once(self, hashes: dict[tuple[str, int], str], tenant: str, kind: str, value: uuid.UUID, key: int) -> str:
        """A batch comes from one installation, so its ids repeat: each distinct one is hashed once."""
        digest = hashes.get((kind, key))
        if digest is None:
            digest = hashes[(kind, key)] = self._hash(tenant, kind, value)
        return digest


def _text_order(pending: _PendingText) -> tuple[int, int]:
    return pending[0], pending[1]
