"""A batch of decoded events read column by column, once, for validation and for scrubbing.

A request's events mostly share their values (one app, release, installation
and session), so the checks and the scrubber judge each column's distinct
values rather than each event. Reading the columns is the cost worth sharing:
the pattern check, the identifier check and the scrubber each read them on
their own at first, about 0.8 µs an event apiece.

The fields every event type shares (``_EventBase``'s) are read for the whole
batch in one C call per event, in batch order. Each type's own fields are read
from its events alone. msgspec gives every event that leaves an optional
sub-struct out (``sdk``, ``device``, ...) the same default instance, so one
identity count skips that sub-struct's fields for a batch: our own SDKs send none.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import msgspec
import msgspec.inspect as mi

from schemas.events import EVENT_TYPES, Event


class Column(NamedTuple):
    """One leaf field's values, for the whole batch in batch order or for the events at ``positions``."""

    path: str  # dotted attribute path, as in ``operator.attrgetter``
    event_type: type | None  # None: a field every event type has
    values: Sequence[Any]
    positions: list[int] | None  # None: every event of the batch, in order


class Columns(NamedTuple):
    events: Sequence[Event]
    types: list[type]
    columns: list[Column]


def getter_of_all(paths: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """One call that fetches several fields as a tuple, whatever their number."""
    if not paths:
        return lambda event: ()
    if len(paths) == 1:  # attrgetter gives a bare value, not a 1-tuple, for a single path
        get = operator.attrgetter(paths[0])
        return lambda event: (get(event),)
    return operator.attrgetter(*paths)


def leaf_paths(struct: type) -> list[str]:
    """The dotted path of every field that is not itself a struct, in declaration order."""
    paths: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        for info in mi.type_info(node).fields:
            inner = getattr(info.type, "type", info.type)  # under Annotated metadata
            if isinstance(inner, mi.UnionType):  # Optional[...]
                inner = next(t for t in inner.types if not isinstance(t, mi.NoneType))
                inner = getattr(inner, "type", inner)
            if isinstance(inner, mi.StructType):
                walk(inner.cls, f"{prefix}{info.name}.")
            else:
                paths.append(prefix + info.name)

    walk(struct, "")
    return paths


class _SubStruct(NamedTuple):
    default: msgspec.Struct
    paths: tuple[str, ...]
    getters: tuple[Callable[[Any], Any], ...]  # each field's value from the sub-struct


class _Plan(NamedTuple):
    common: tuple[str, ...]
    sub_structs: tuple[_SubStruct, ...]
    get_common: Callable[[Any], tuple[Any, ...]]  # the common fields' values, then the sub-struct instances
    own: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]]


def _plan(event_types: Sequence[type]) -> _Plan:
    leaves = {t: leaf_paths(t) for t in event_types}
    first, *others = leaves.values()
    shared = 0  # the common prefix: the base struct's fields come first in every event type
    while shared < len(first) and all(shared < len(paths) and paths[shared] == first[shared] for paths in others):
        shared += 1
    defaults = [{f.name: f.default for f in msgspec.structs.fields(t) if isinstance(f.default, msgspec.Struct)} for t in event_types]
    skippable = {attr for attr, default in defaults[0].items() if all(d.get(attr) is default for d in defaults)}
    common = [path for path in first[:shared] if path.split(".", 1)[0] not in skippable]
    by_sub_struct: dict[str, list[str]] = {}
    for path in first[:shared]:
        top, _, rest = path.partition(".")
        if top in skippable:
            by_sub_struct.setdefault(top, []).append(rest)
    return _Plan(
        tuple(common),
        tuple(
            _SubStruct(defaults[0][top], tuple(f"{top}.{rest}" for rest in rests), tuple(map(operator.attrgetter, rests)))
            for top, rests in by_sub_struct.items()
        ),
        getter_of_all(common + list(by_sub_struct)),
        {t: (tuple(paths[shared:]), getter_of_all(paths[shared:])) for t, paths in leaves.items()},
    )


_PLAN = _plan(EVENT_TYPES)
COMMON_PATHS = frozenset(_PLAN.common) | {path for sub in _PLAN.sub_structs for path in sub.paths}


def _read(events: Sequence[Event], types: list[type]) -> Iterator[Column]:
    count = len(events)
    if not count:
        return
    gathered = list(zip(*map(_PLAN.get_common, events)))
    for path, values in zip(_PLAN.common, gathered):
        yield Column(path, None, values, None)
    for (default, paths, getters), structs in zip(_PLAN.sub_structs, gathered[len(_PLAN.common) :]):
        if structs.count(default) == count:  # identity first, in C: the sub-struct absent from every event
            continue
        for path, get in zip(paths, getters):
            yield Column(path, None, list(map(get, structs)), None)
    present = dict.fromkeys(types)
    for event_type in present:
        paths, get_own = _PLAN.own[event_type]
        if not paths:
            continue
        if len(present) == 1:
            typed, positions = events, None
        else:
            positions = list(itertools.compress(range(count), map(operator.is_, types, itertools.repeat(event_type))))
            typed = [events[i] for i in positions]
        for path, values in zip(paths, zip(*map(get_own, typed))):
            yield Column(path, event_type, values, positions)


def gather(events: Sequence[Event]) -> Columns:
    """Every leaf field's values of ``events``, column by column (absent sub-structs left out)."""
    types = list(map(type, events))
    return Columns(events, types, list(_read(events, types)))


__all__ = ["COMMON_PATHS", "Column", "Columns", "gather", "getter_of_all", "leaf_paths"]
