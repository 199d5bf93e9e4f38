"""Turn validated events into storable rows, field by field, by each field's privacy class.

The plan for each event type is derived from the schema's ``Pii`` annotations
(schemas/events.py), so there is no second list of field names to keep in step:
a field whose class this module does not handle makes the plan fail to build.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable
import operator
from dataclasses import dataclass
from typing import Any, NamedTuple

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
    # Each row's values in EventRow's field order: the spool's encoder reads them as they are, since building
    # EventRow structs and taking them apart again cost a worker 0.3 µs an event.
    event_values: list[list[Any]]
    report: list[ScrubCountRow]

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
    """A plan split by privacy class, so the hot loop makes no per-field class decision.

    Within each class the fields keep plan order, so ids reach the hasher and free
    texts reach the text scrubber in the same order as a field-by-field walk.
    """

    tag: str
    # NONE and RANDOM_ID fields are stored as sent: one getter fetches them all.
    get_stored: Callable[[Any], tuple[Any, ...]]
    stored_positions: tuple[int, ...]
    hashed: tuple[tuple[Callable[[Any], Any], int, str], ...]  # (get, position, id kind)
    allowlisted: tuple[tuple[Callable[[Any], Any], int, str, str], ...]  # (get, position, column, allowlist)
    texts: tuple[tuple[Callable[[Any], Any], int, str], ...]  # (get, position, column)
    keyed_texts: tuple[tuple[Callable[[Any], Any], int, str, str], ...]  # (get, position, column, key allowlist)
    get_all_texts: Callable[[Any], tuple[Any, ...]]  # the values of both kinds of text, in one call

    def bind(self, tenant: str, received_at: dt.datetime, policy: TenantPolicy, source: str) -> _Bound:
        """What stays the same for every event of this type in one batch."""
        row = list(_ROW_DEFAULTS)
        row[_TENANT], row[_RECEIVED_AT], row[_TYPE], row[_SOURCE] = tenant, received_at, self.tag, source
        row[_RETENTION] = policy.retention_days
        return _Bound(
            row,
            self.get_stored,
            self.stored_positions,
            self.hashed,
            tuple((get, position, column, policy.allowlist(name)) for get, position, column, name in self.allowlisted),
            self.texts,
            tuple((get, position, column, policy.allowlist(name)) for get, position, column, name in self.keyed_texts),
        )


class _Bound(NamedTuple):
    """A compiled plan with one batch's tenant, clock and allowlists filled in."""

    row: list[Any]  # copied per event, never filled in place
    get_stored: Callable[[Any], tuple[Any, ...]]
    stored_positions: tuple[int, ...]
    hashed: tuple[tuple[Callable[[Any], Any], int, str], ...]
    allowlisted: tuple[tuple[Callable[[Any], Any], int, str, frozenset[str]], ...]
    texts: tuple[tuple[Callable[[Any], Any], int, str], ...]
    keyed_texts: tuple[tuple[Callable[[Any], Any], int, str, frozenset[str]], ...]


def _getter_of_all(paths: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """One call that fetches several fields as a tuple, whatever their number."""
    if not paths:
        return lambda event: ()
    if len(paths) == 1:  # attrgetter gives a bare value, not a 1-tuple, for a single path
        get = operator.attrgetter(paths[0])
        return lambda event: (get(event),)
    return operator.attrgetter(*paths)


_TEXT_CLASSES = (Pii.FREE_TEXT, Pii.IDENTIFIER, Pii.KEYED_TEXT)  # what the text scrubber reads


def _compile(event_type: type, plan: tuple[_Field, ...]) -> _Compiled:
    stored_paths, stored_positions, hashed, allowlisted, texts, keyed_texts = [], [], [], [], [], []
    for f in plan:
        position = _COLUMN_INDEX[f.column]
        if f.pii is Pii.NONE or f.pii is Pii.RANDOM_ID:
            stored_paths.append(".".join(f.attrs))
            stored_positions.append(position)
        elif f.pii is Pii.LINKABLE_ID:
            hashed.append((f.get, position, f.attrs[-1]))  # same kind as the rights endpoints hash
        elif f.pii is Pii.ALLOWLIST:
            allowlisted.append((f.get, position, f.column, f.allowlist))
        elif f.pii is Pii.FREE_TEXT or f.pii is Pii.IDENTIFIER:
            texts.append((f.get, position, f.column))
        elif f.pii is Pii.KEYED_TEXT:
            keyed_texts.append((f.get, position, f.column, f.allowlist))
        else:  # a new class needs a decision here: failing at import stores nothing undecided
            raise TypeError(f"unhandled privacy class {f.pii}")
    return _Compiled(
        tag=event_type.__struct_config__.tag,
        get_stored=_getter_of_all(stored_paths),
        stored_positions=tuple(stored_positions),
        hashed=tuple(hashed),
        allowlisted=tuple(allowlisted),
        texts=tuple(texts),
        keyed_texts=tuple(keyed_texts),
        get_all_texts=_getter_of_all([".".join(f.attrs) for f in plan if f.pii in _TEXT_CLASSES]),
    )


_COMPILED = {t: _compile(t, plan) for t, plan in _PLANS.items()}
_TENANT, _RECEIVED_AT, _TYPE, _SOURCE, _RETENTION = (
    _COLUMN_INDEX[c] for c in ("tenant", "received_at", "type", "source", "retention_days")
)


def _structured_strings(plan: tuple[_Field, ...]) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The stored-as-sent and allowlisted fields of a plan: their dotted names, and one getter of all their values.

    Where no free-text rule looks. One ``attrgetter`` call fetches every value in C: a getter per field
    was 12 µs of each structured event once the SDK fields (sdk, device, runtime, browser) were added.
    """
    fields = [f for f in plan if f.pii in (Pii.NONE, Pii.ALLOWLIST)]
    return tuple(".".join(f.attrs) for f in fields), _getter_of_all([".".join(f.attrs) for f in fields])


_STRUCTURED = {t: _structured_strings(plan) for t, plan in _PLANS.items()}
_SAFE_VALUES_LIMIT = 20_000  # structured values already seen to hold no identifier; starts over when full


class EventScrubber:
    """Scrubs a batch of events of one tenant into rows plus an aggregate scrub report."""

    def __init__(self, text_scrubber: TextScrubber, hasher: IdHasher):
        self._text = text_scrubber
        self._hash = hasher
        self._safe: set[str] = set()

    @staticmethod
    def has_free_text(events: list[Event]) -> bool:
        """Whether any event carries a free-text value (the only kind whose scrubbing can cost NER)."""
        compiled = _COMPILED
        return any(any(compiled[type(event)].get_all_texts(event)) for event in events)

    def holds_no_identifier(self, events: list[Event]) -> bool:
        """True if no structured field of any of ``events`` holds an identifier: ``identifier_field`` for a batch.

        Each distinct value is judged once, gathered per event type in C; only values not seen before reach
        the recognizers. False sends the caller to ``identifier_field``, event by event, for the reasons.
        """
        safe, values = self._safe, set()
        by_type: dict[type, list[Event]] = {}
        for event in events:
            by_type.setdefault(type(event), []).append(event)
        for event_type, typed in by_type.items():
            # Column by column: every value of a field has the field's type, or is None when it is optional.
            for column in zip(*map(_STRUCTURED[event_type][1], typed)):
                first = column[0]
                if isinstance(first, str):
                    values.update(column)
                elif isinstance(first, dict):  # count keys
                    values.update(itertools.chain.from_iterable(column))
                elif first is None:
                    for value in column:
                        if isinstance(value, str):
                            values.add(value)
                        elif isinstance(value, dict):
                            values.update(value)
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
        names, get_all = _STRUCTURED[type(event)]
        safe = self._safe
        for name, value in zip(names, get_all(event)):
            if isinstance(value, str):
                if value in safe:
                    continue
                items: Any = (value,)
            elif isinstance(value, dict):  # count keys
                items = value
            else:  # absent, or not text (a number, a time, an id)
                continue
            for item in items:
                if item in safe:
                    continue
                if (entity := self._text.identifier_in(item)) is not None:
                    return f"{name}: holds an identifier ({entity}); structured fields never take one"
                if len(safe) >= _SAFE_VALUES_LIMIT:
                    safe.clear()
                safe.add(item)
        return None

    def scrub_batch(
        self, tenant: str, policy: TenantPolicy, events: list[Event], received_at: dt.datetime, source: str = "native"
    ) -> ScrubbedBatch:
        removed: Counter[tuple[str, str]] = Counter()
        # (row and column index, or an attribute map and its key; column name): where each scrubbed text goes
        free_text_slots: list[tuple[Any, Any, str]] = []
        free_texts: list[str] = []
        free_text_events: list[int] = []  # which event each text belongs to: values found spread within it
        rows: list[list[Any]] = []
        hash_id = self._hash
        # A batch comes from one installation, so its ids repeat: each distinct one is hashed once.
        # Keyed by the UUID's int, which hashes and compares in C, unlike the UUID itself.
        # An SDK that gave no id sends the nil UUID (``collector.sources.base.NO_ID``): stored as "", linking nothing.
        hashes: dict[tuple[str, int], str] = {(kind, 0): "" for kind in ("install_id", "session_id")}
        plans: dict[type, _Bound] = {}  # bound on first use: a small batch pays only for its own types

        for event_number, event in enumerate(events):
            plan = plans.get(type(event))
            if plan is None:
                plan = plans[type(event)] = _COMPILED[type(event)].bind(tenant, received_at, policy, source)
            template, get_stored, stored_positions, hashed, allowlisted, texts, keyed_texts = plan
            row = template.copy()
            for position, value in zip(stored_positions, get_stored(event)):
                if value is not None:
                    row[position] = value
            for get, position, kind in hashed:
                value = get(event)
                if value is not None:
                    key = (kind, value.int)
                    digest = hashes.get(key)
                    if digest is None:
                        digest = hashes[key] = hash_id(tenant, kind, value)
                    row[position] = digest
            for get, position, column, allowed in allowlisted:  # inline: a call per field cost as much
                value = get(event)
                if value is None:
                    continue
                if isinstance(value, dict):  # count keys: unknown keys are dropped, never stored as sent
                    kept = {k: v for k, v in value.items() if k in allowed}
                    if len(kept) < len(value):
                        removed[(column, NOT_ALLOWLISTED)] += len(value) - len(kept)
                    row[position] = kept
                elif value in allowed:
                    row[position] = value
                else:
                    removed[(column, NOT_ALLOWLISTED)] += 1
                    row[position] = OTHER
            for get, position, column in texts:
                value = get(event)
                if value:  # None and "" keep the column's default
                    free_text_slots.append((row, position, column))
                    free_texts.append(value)
                    free_text_events.append(event_number)
            for get, position, column, allowed in keyed_texts:
                value = get(event)
                if not value:
                    continue
                kept: dict[str, str] = {}
                for key, text in value.items():
                    if key not in allowed:  # a key nobody listed is dropped with its value
                        removed[(column, NOT_ALLOWLISTED)] += 1
                        continue
                    kept[key] = ""
                    if text:
                        free_text_slots.append((kept, key, column))
                        free_texts.append(text)
                        free_text_events.append(event_number)
                row[position] = kept
            rows.append(row)

        if free_texts:
            for (slot, index, column), scrubbed in zip(
                free_text_slots, self._text.scrub_grouped(free_texts, free_text_events, policy)
            ):
                slot[index] = scrubbed.text if scrubbed.text is not None else ""
                for entity, count in scrubbed.removed.items():
                    removed[(column, entity)] += count

        day = received_at.date()
        return ScrubbedBatch(
            rows,
            [
                ScrubCountRow(
                    tenant=tenant, day=day, field=column, entity=entity, count=count, retention_days=policy.retention_days
                )
                for (column, entity), count in sorted(removed.items())
            ],
        )
