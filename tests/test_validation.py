"""Patterns checked after decoding, with a memory of values that matched (schemas.validation)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
import pytest

from schemas import EventRejected, decode_event
from schemas import validation

NOW = dt.datetime.now(dt.timezone.utc)


def _event(**overrides) -> bytes:
    event = {
        "type": "usage_counts", "event_id": str(uuid.uuid4()), "install_id": str(uuid.uuid4()),
        "session_id": str(uuid.uuid4()), "ts": NOW.isoformat(), "module": "sales",
        "app": {"name": "omnix-pos", "version": "4.2.10", "platform": "windows"},
        "os": {"name": "Windows", "version": "10.0.19045"}, "counts": {"branches": 3},
    }  # fmt: skip
    return msgspec.json.encode({**event, **overrides})


def test_a_value_that_matched_one_pattern_is_still_checked_against_another():
    decode_event(_event(module="Back Office"), NOW)  # a valid module name, now remembered as matching
    with pytest.raises(EventRejected) as rejected:
        decode_event(_event(counts={"Back Office": 1}), NOW)  # not a valid count key
    assert rejected.value.reason == "string has a disallowed format at $.counts[...]"


def test_a_rejected_value_is_rejected_every_time():
    for _ in range(3):
        with pytest.raises(EventRejected, match=r"at \$\.app\.version$"):
            decode_event(_event(app={"name": "omnix-pos", "version": "Wanjiru Kamau", "platform": "web"}), NOW)


def test_the_memory_of_matched_values_stays_bounded():
    for i in range(validation._MATCHED_LIMIT + 50):
        decode_event(_event(app={"name": "omnix-pos", "version": f"1.{i}", "platform": "web"}), NOW)
    plan = validation._CHECK_PLANS[type(decode_event(_event(), NOW))]
    version = next(c for group in plan for c in group.checks if c.path == "$.app.version")
    assert 0 < len(version.matched) <= validation._MATCHED_LIMIT


def test_openapi_still_publishes_every_pattern():
    schema = msgspec.json.schema(validation.Event)
    text = msgspec.json.encode(schema).decode()
    from schemas.events import _VERSION  # noqa: PLC0415 - the version pattern is long; compare with its source

    for pattern in ("^[a-z][a-z0-9_]{0,63}$", "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$", _VERSION):
        assert msgspec.json.encode(pattern).decode() in text


def test_an_sdk_field_is_checked_when_sent_and_skipped_when_left_out():
    assert decode_event(_event(), NOW).sdk.name is None
    assert decode_event(_event(sdk={"name": "sentry.dotnet", "version": "5.0.0"}), NOW).sdk.name == "sentry.dotnet"
    with pytest.raises(EventRejected, match=r"at \$\.sdk\.version$"):
        decode_event(_event(sdk={"name": "sentry.dotnet", "version": "Wanjiru Kamau"}), NOW)
    with pytest.raises(EventRejected, match=r"at \$\.device\.model$"):
        decode_event(_event(device={"model": "Wanjiru's phone!"}), NOW)


# --- the batch fast path (decode_valid_batch): the same verdicts as event by event, or None ------------------


def _batch(*events: bytes) -> bytes:
    return b'{"events":[' + b",".join(events) + b"]}"


def test_a_valid_batch_decodes_at_once_to_the_same_events_as_one_by_one():
    raws = [_event(), _event(module="Back Office"), _event(sdk={"name": "sentry.dotnet", "version": "5.0.0"})]
    fast = validation.decode_valid_batch(_batch(*raws), NOW)
    assert fast == [decode_event(raw, NOW) for raw in raws]


@pytest.mark.parametrize(
    "bad",
    [
        _event(app={"name": "omnix-pos", "version": "Wanjiru Kamau", "platform": "web"}),  # a pattern
        _event(counts={"Back Office": 1}),  # a pattern on a map's keys
        _event(sdk={"name": "sentry.dotnet", "version": "Wanjiru Kamau"}),  # a pattern inside an optional struct
        _event(ts=(NOW + dt.timedelta(hours=25)).isoformat()),  # the clock, ahead
        _event(ts=(NOW - dt.timedelta(days=181)).isoformat()),  # the clock, behind
        _event(surname="Wanjiru"),  # an unknown field
        b'"not an event"',
    ],
)
def test_one_invalid_event_sends_the_whole_batch_to_the_path_that_names_it(bad):
    assert validation.decode_valid_batch(_batch(_event(), bad, _event()), NOW) is None
    assert validation.decode_valid_batch(_batch(_event(), _event()), NOW) is not None


def test_an_empty_or_oversized_batch_or_a_bad_body_takes_the_slow_path():
    assert validation.decode_valid_batch(_batch(), NOW) is None
    assert validation.decode_valid_batch(_batch(*[_event()] * (validation.MAX_EVENTS_PER_BATCH + 1)), NOW) is None
    assert validation.decode_valid_batch(b'{"events": [', NOW) is None
    assert validation.decode_valid_batch(b'{"events": [], "extra": 1}', NOW) is None


_VALID_OF_TYPE = {
    "app_start": {},
    "module_view": {"duration_ms": 5},
    "usage_counts": {"counts": {"branches": 3}},
    "error": {"error": {"type": "SqliteException", "message": "locked", "stack": ""}},
    "log": {"log": {"severity": "info", "body": "synced"}},
}


def _typed_event(tag: str, path: str = "", value: object = None) -> bytes:
    event = {key: value for key, value in msgspec.json.decode(_event()).items() if key != "counts"}
    event |= {"type": tag, **msgspec.json.decode(msgspec.json.encode(_VALID_OF_TYPE[tag]))}
    if path:
        *parents, leaf = path.split(".")
        node = event
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return msgspec.json.encode(event)


def _every_check() -> list[tuple[str, str, bool]]:
    tags = {t: t.__struct_config__.tag for t in validation.EVENT_TYPES}
    return [
        (tags[event_type], check.attrs, check.keys)
        for event_type in validation.EVENT_TYPES
        for group in validation._CHECK_PLANS[event_type]
        for check in group.checks
    ]


@pytest.mark.parametrize(("tag", "path", "keys"), _every_check())
def test_every_pattern_check_turns_a_mixed_batch_away_from_the_fast_path(tag, path, keys):
    # Among events of every other type, so the column is read for the events of one type, or for all of them.
    bad_value = {"Back Office!": "x"} if keys else "Wanjiru's phone!"
    if path == "counts":
        bad_value = {"Back Office!": 1}
    others = [_typed_event(other) for other in _VALID_OF_TYPE]
    assert validation.decode_valid_batch(_batch(*others), NOW) is not None
    with pytest.raises(EventRejected):  # the value does break the pattern, event by event
        decode_event(_typed_event(tag, path, bad_value), NOW)
    assert validation.decode_valid_batch(_batch(*others, _typed_event(tag, path, bad_value), *others), NOW) is None
