"""EventScrubber's per-class plans behave like a field-by-field walk of the schema.

A stub stands in for the text scrubber, so these run without loading spaCy; what
is checked is how each privacy class reaches the row and the report.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from schemas.events import App, AppStart, ErrorEvent, ErrorInfo, ModuleView, Os, UsageCounts
from scrubbers import NOT_ALLOWLISTED, OTHER, EventScrubber, IdHasher, ScrubbedText, TenantPolicy
from scrubbers import events

NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
SECRET = b"k" * 32


class _TextStub:
    """Upper-cases every text and reports one removal per text, so each slot is visible."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def scrub_grouped(self, texts: list[str], groups: list[int], policy: TenantPolicy) -> list[ScrubbedText]:
        assert len(groups) == len(texts) and groups == sorted(groups)  # texts come event by event
        self.seen.extend(texts)
        return [ScrubbedText(None if t == "drop me" else t.upper(), {"STUB": 1}) for t in texts]


def _base(**overrides) -> dict:
    fields = dict(
        event_id=uuid.UUID(int=1),
        install_id=uuid.UUID(int=2),
        session_id=uuid.UUID(int=3),
        ts=NOW,
        app=App(name="pos", version="1.0", platform="web"),
        os=Os(name="Linux", version="6"),
        module="sales",
    )
    return fields | overrides


POLICY = TenantPolicy(apps=frozenset({"pos"}), modules=frozenset({"sales"}), count_keys=frozenset({"users"}))


def _scrub(evts, policy=POLICY):
    text = _TextStub()
    return EventScrubber(text, IdHasher(SECRET)).scrub_batch("acme", policy, evts, NOW), text


def test_stored_hashed_and_allowlisted_fields_reach_their_columns():
    batch, _ = _scrub([ModuleView(**_base(locale="en-KE"), duration_ms=42)])
    (row,) = batch.rows
    hasher = IdHasher(SECRET)
    assert (row.tenant, row.received_at, row.type) == ("acme", NOW, "module_view")
    assert (row.event_id, row.ts, row.app_version, row.app_platform, row.os_version) == (
        uuid.UUID(int=1), NOW, "1.0", "web", "6",
    )  # fmt: skip
    assert (row.locale, row.duration_ms) == ("en-KE", 42)
    assert row.install_hash == hasher("acme", "install_id", uuid.UUID(int=2))
    assert row.session_hash == hasher("acme", "session_id", uuid.UUID(int=3))
    assert (row.app_name, row.os_name, row.module) == ("pos", "Linux", "sales")
    assert batch.report == []


def test_a_missing_optional_field_keeps_the_column_default():
    batch, _ = _scrub([AppStart(**_base())])
    assert batch.rows[0].locale == ""


def test_values_off_the_allowlist_become_other_and_are_counted():
    evts = [
        AppStart(**_base(app=App(name="spy", version="1", platform="web"), module="hr")),
        UsageCounts(**_base(), counts={"users": 3, "secret": 1, "other_key": 2}),
    ]
    batch, _ = _scrub(evts)
    assert (batch.rows[0].app_name, batch.rows[0].module) == (OTHER, OTHER)
    assert batch.rows[1].counts == {"users": 3}
    assert {(r.field, r.entity): r.count for r in batch.report} == {
        ("app_name", NOT_ALLOWLISTED): 1,
        ("module", NOT_ALLOWLISTED): 1,
        ("counts", NOT_ALLOWLISTED): 2,
    }


def test_each_batch_uses_its_own_policy_and_tenant():
    event = AppStart(**_base())
    first, _ = _scrub([event])
    second, _ = _scrub([event], TenantPolicy(apps=frozenset({"pos"})))
    assert first.rows[0].module == "sales" and second.rows[0].module == OTHER
    other_tenant = EventScrubber(_TextStub(), IdHasher(SECRET)).scrub_batch("globex", POLICY, [event], NOW)
    assert other_tenant.rows[0].install_hash != first.rows[0].install_hash


def test_free_texts_go_to_the_text_scrubber_in_event_and_field_order_and_empty_ones_do_not():
    evts = [
        ErrorEvent(**_base(), error=ErrorInfo(type="E1", message="first", stack="")),
        AppStart(**_base()),
        ErrorEvent(**_base(), error=ErrorInfo(type="E2", message="drop me", stack="trace")),
    ]
    batch, text = _scrub(evts)
    assert text.seen == ["E1", "first", "E2", "drop me", "trace"]
    assert [(r.error_type, r.error_message, r.error_stack) for r in batch.rows] == [
        ("E1", "FIRST", ""), ("", "", ""), ("E2", "", "TRACE"),
    ]  # fmt: skip
    assert {(r.field, r.entity): r.count for r in batch.report} == {
        ("error_type", "STUB"): 2,
        ("error_message", "STUB"): 2,
        ("error_stack", "STUB"): 1,
    }


def test_a_repeated_id_is_hashed_once_per_batch_with_the_same_result():
    calls = []

    class CountingHasher(IdHasher):
        def __call__(self, tenant, kind, value):
            calls.append((kind, value))
            return super().__call__(tenant, kind, value)

    evts = [AppStart(**_base(event_id=uuid.UUID(int=10 + i))) for i in range(5)]
    batch = EventScrubber(_TextStub(), CountingHasher(SECRET)).scrub_batch("acme", POLICY, evts, NOW)
    assert len({r.install_hash for r in batch.rows}) == 1
    assert sorted(calls) == [("install_id", uuid.UUID(int=2)), ("session_id", uuid.UUID(int=3))]


def test_an_unhandled_privacy_class_fails_the_plan():
    field = events._Field(("x",), "module", "made_up", None)
    with pytest.raises(TypeError, match="unhandled privacy class made_up"):
        events._checked_classes((field,))


def test_a_batch_holds_no_identifier_only_when_no_event_does():
    from scrubbers import TextScrubber  # noqa: PLC0415 - the real recognizers, not the stub

    scrubber = EventScrubber(TextScrubber(), IdHasher(SECRET))
    clean = [AppStart(**_base()), UsageCounts(**_base(), counts={"users": 3}), ModuleView(**_base(), duration_ms=5)]
    assert scrubber.holds_no_identifier(clean)
    assert scrubber.holds_no_identifier(clean)  # the second time from the memory of safe values
    for bad in (
        AppStart(**_base(module="A012345678Z")),  # a KRA PIN as the module
        UsageCounts(**_base(), counts={"a012345678z": 1}),  # as a count key
        AppStart(**_base(os=Os(name="0712 345 678", version="6"))),  # a phone number as the OS
    ):
        assert not scrubber.holds_no_identifier([*clean, bad])
        assert [scrubber.identifier_field(e) is not None for e in [*clean, bad]] == [False, False, False, True]


def test_a_mixed_batch_gives_each_event_the_row_it_gets_alone():
    from schemas.events import Device, LogEvent, LogInfo, Sdk  # noqa: PLC0415

    evts = [
        UsageCounts(**_base(event_id=uuid.UUID(int=20)), counts={"users": 3, "secret": 1}),
        ModuleView(**_base(event_id=uuid.UUID(int=21), install_id=uuid.UUID(int=9), module="hr"), duration_ms=7),
        ErrorEvent(**_base(event_id=uuid.UUID(int=22), sdk=Sdk(name="sentry.dotnet", version="5.0.0")),
                   error=ErrorInfo(type="E", message="first", stack="")),  # fmt: skip
        AppStart(**_base(event_id=uuid.UUID(int=23), locale="en-KE", device=Device(family="Desktop"))),
        LogEvent(**_base(event_id=uuid.UUID(int=24), attributes={"users": "kept", "nobody": "dropped"}),
                 log=LogInfo(severity="info", body="synced")),  # fmt: skip
        ModuleView(**_base(event_id=uuid.UUID(int=25)), duration_ms=9),
    ]
    policy = TenantPolicy(apps=frozenset({"pos"}), modules=frozenset({"sales"}), count_keys=frozenset({"users"}),
                          attribute_keys=frozenset({"users"}))  # fmt: skip
    batch, _ = _scrub(evts, policy)
    alone = [_scrub([event], policy)[0].rows[0] for event in evts]
    assert batch.rows == alone  # types interleaved, sub-structs and attributes on some events only
    assert [r.event_id for r in batch.rows] == [e.event_id for e in evts]
    assert batch.rows[2].sdk_name == "sentry.dotnet" and batch.rows[3].sdk_name == ""
    assert batch.rows[4].attributes == {"users": "KEPT"} and batch.rows[1].module == OTHER
