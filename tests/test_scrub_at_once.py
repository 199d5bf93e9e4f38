"""A worker scrubs in the decode phase only where that costs no NER, and only as far as the collector allows.

Scrubbing at once saves the second round trip, but the two phases exist so that a request a limit refuses, or
a retry of stored events, costs no NER: these tests hold both halves, with the real scrubber.
"""

from __future__ import annotations

import collections
import datetime as dt
import time
import uuid

import orjson
import pytest

from collector import worker
from collector.config import TenantConfig
from collector.limits import RateLimiter
from collector.sources.base import SourceOptions
from scrubbers import EventScrubber, IdHasher, TenantPolicy, TextScrubber
from tests.conftest import make_event

NOW = dt.datetime.now(dt.timezone.utc)
POLICY = TenantPolicy()


@pytest.fixture(scope="module")
def scrubber() -> EventScrubber:
    return EventScrubber(TextScrubber(), IdHasher(b"s" * 32))


def _body(message: str, count: int = 2, **overrides) -> bytes:
    install = str(uuid.uuid4())
    error = {"type": "SaleError", "message": message, "stack": ""}
    return orjson.dumps({"events": [make_event("error", install_id=install, error=error, **overrides) for _ in range(count)]})


def _decode(scrubber, pending, body: bytes, at_once: int, token: int = 1) -> worker.BatchResult:
    request = worker.Decode(token, "acme", POLICY, "native", SourceOptions(), body, NOW, at_once)
    return worker.answer(scrubber, pending, request)


def _two_phases(scrubber, body: bytes) -> worker.Scrubbed:
    pending: collections.OrderedDict = collections.OrderedDict()
    found = _decode(scrubber, pending, body, worker.AT_ONCE_NEVER)
    assert found.scrubbed is None and len(pending) == 1
    return worker.answer(scrubber, pending, worker.Scrub(1, [True] * len(found.event_ids), []))


def test_a_text_whose_ner_is_not_cached_waits_for_the_collector(scrubber):
    pending: collections.OrderedDict = collections.OrderedDict()
    found = _decode(scrubber, pending, _body("Refund for Nyambura Chebet failed after 3 tries"), worker.AT_ONCE_IF_NER_CACHED)
    assert found.scrubbed is None and len(pending) == 1  # held: NER would run, so only once the limits kept it


def test_a_text_seen_before_with_other_digits_is_scrubbed_at_once_as_the_two_phases_scrub_it(scrubber):
    _two_phases(scrubber, _body("Till 4411 refused a refund for Nyambura Chebet after 3 tries"))
    body = _body("Till 9027 refused a refund for Nyambura Chebet after 7 tries")  # the same text but its digits
    before = scrubber._text.ner_texts_run
    pending: collections.OrderedDict = collections.OrderedDict()
    found = _decode(scrubber, pending, body, worker.AT_ONCE_IF_NER_CACHED)
    assert found.scrubbed is not None and found.scrubbed.found and not pending
    assert scrubber._text.ner_texts_run == before
    assert found.scrubbed.spool_record == _two_phases(scrubber, body).spool_record
    assert b"Nyambura" not in found.scrubbed.spool_record


def test_without_leave_a_cached_text_still_waits(scrubber):
    body = _body("Stock count for Wambui Achieng differs by 2")
    _two_phases(scrubber, body)
    pending: collections.OrderedDict = collections.OrderedDict()
    assert _decode(scrubber, pending, body, worker.AT_ONCE_IF_NO_TEXT).scrubbed is None  # a limit refused lately
    assert _decode(scrubber, pending, body, worker.AT_ONCE_NEVER, token=2).scrubbed is None
    assert len(pending) == 2


def test_a_batch_without_text_is_scrubbed_at_once_unless_never(scrubber):
    body = orjson.dumps({"events": [make_event("app_start") for _ in range(3)]})
    pending: collections.OrderedDict = collections.OrderedDict()
    assert _decode(scrubber, pending, body, worker.AT_ONCE_IF_NO_TEXT).scrubbed is not None
    assert not pending
    assert _decode(scrubber, pending, body, worker.AT_ONCE_NEVER).scrubbed is None  # a retry, or Do Not Track
    assert len(pending) == 1


def test_costs_no_ner():
    text = TextScrubber()
    new = "Refund for Atieno Nyokabi failed"
    assert not text.costs_no_ner([new])
    text.scrub(new, POLICY)
    assert text.costs_no_ner([new])
    assert text.costs_no_ner(["no capital letter here at all, so nothing for ner " * 20])  # no window to read
    assert text.costs_no_ner(["x" * 20_001])  # too long: dropped unread
    assert not text.costs_no_ner([new, "Payment by Chebet Wairimu reversed"])  # every text, not the first


def test_the_limiter_remembers_a_refusal_for_its_tenant_alone():
    tenants = {
        "acme": TenantConfig(ingest_keys=["k1"], rate_limit_events_per_s=1, rate_limit_burst=2),
        "globex": TenantConfig(ingest_keys=["k2"]),
    }
    limiter = RateLimiter(tenants)
    install = uuid.uuid4()
    assert limiter.check("acme", {install: 2}).allowed
    assert not limiter.refused_within("acme", 1.0)
    assert not limiter.check("acme", {install: 2}).allowed
    assert limiter.refused_within("acme", 1.0)
    assert not limiter.refused_within("globex", 1.0)
    time.sleep(0.05)
    assert not limiter.refused_within("acme", 0.01)
