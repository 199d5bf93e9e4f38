"""A request is scrubbed only after the limits and the duplicate check have kept its events.

The scrub report counts what the scrubber removed, so it shows whether a body
was scrubbed: a retried batch or a rate-limited one must add nothing to it
(before the two-phase worker protocol, a retry was scrubbed again and its
report counted twice).
"""

from __future__ import annotations

import uuid

from tests.conftest import FRUGAL_INGEST, make_event


def _pii_error(install: str) -> dict:
    return make_event(
        "error", install_id=install,
        error={"type": "SaleError", "message": "Refund for Wanjiru Kamau, KRA PIN A012345678Z failed", "stack": ""},
    )  # fmt: skip


async def _reported(collector) -> int:
    await collector.sink.flush(10)
    (total,), = await collector.rows("SELECT sum(count) FROM telemetry.scrub_report WHERE tenant = 'frugal'")
    return total


async def test_a_retried_batch_is_not_scrubbed_again(collector):
    events = [_pii_error(str(uuid.uuid4())) for _ in range(2)]
    first = await collector.post({"events": events}, key=FRUGAL_INGEST)
    assert first.status == 202 and (await first.json())["accepted"] == 2
    after_first = await _reported(collector)
    assert after_first >= 4  # a name and a PIN in each of the two messages

    retry = await collector.post({"events": events}, key=FRUGAL_INGEST)
    assert retry.status == 202 and (await retry.json())["duplicates"] == 2
    assert await _reported(collector) == after_first

    half = [events[0], _pii_error(str(uuid.uuid4()))]  # one stored already, one new
    mixed = await collector.post({"events": half}, key=FRUGAL_INGEST)
    assert (await mixed.json())["duplicates"] == 1
    added = await _reported(collector) - after_first
    assert 2 <= added < after_first  # the new event's values only


async def test_a_rate_limited_batch_is_not_scrubbed(collector):
    install = str(uuid.uuid4())
    within = await collector.post({"events": [_pii_error(install) for _ in range(3)]}, key=FRUGAL_INGEST)
    assert within.status == 202
    before = await _reported(collector)
    refused = await collector.post({"events": [_pii_error(install)]}, key=FRUGAL_INGEST)
    assert refused.status == 429
    assert await _reported(collector) == before
