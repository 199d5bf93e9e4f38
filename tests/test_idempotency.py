"""The idempotency window on its own: bounded by count and age, scoped by tenant."""

from __future__ import annotations

import gc
import uuid

from sink.idempotency import IdempotencyWindow


def test_a_retried_id_is_seen_and_tenants_do_not_collide():
    window = IdempotencyWindow(max_ids=1000, max_age_s=3600)
    ids = [uuid.uuid4() for _ in range(10)]
    assert window.claim("acme", ids) == [True] * 10
    assert window.claim("acme", ids) == [False] * 10
    assert window.claim("globex", ids[:2]) == [True, True]


def test_released_ids_can_be_claimed_again():
    window = IdempotencyWindow(max_ids=1000, max_age_s=3600)
    ids = [uuid.uuid4() for _ in range(3)]
    window.claim("acme", ids)
    window.release("acme", ids[:1])
    assert window.claim("acme", ids) == [True, False, False]


def test_memory_is_bounded_by_count_and_recent_ids_survive_a_rotation():
    window = IdempotencyWindow(max_ids=100, max_age_s=3600)
    first = [uuid.uuid4() for _ in range(50)]
    window.claim("acme", first)
    for _ in range(20):
        window.claim("acme", [uuid.uuid4() for _ in range(10)])
        assert len(window) <= 100
    recent = [uuid.uuid4() for _ in range(10)]
    window.claim("acme", recent)
    assert window.claim("acme", recent) == [False] * 10  # at least half the window is remembered
    assert window.claim("acme", first[:1]) == [True]  # older than the window: forgotten


def test_ids_expire_by_age():
    clock = [1000.0]
    window = IdempotencyWindow(max_ids=1000, max_age_s=60, clock=lambda: clock[0])
    event_id = uuid.uuid4()
    window.claim("acme", [event_id])
    clock[0] += 31
    assert window.claim("acme", [event_id]) == [False]
    clock[0] += 61
    window.claim("acme", [uuid.uuid4()])
    assert window.claim("acme", [event_id]) == [True]


def test_an_id_is_the_same_whether_given_as_a_uuid_or_its_raw_bytes():
    window = IdempotencyWindow(max_ids=100, max_age_s=60)
    ids = [uuid.uuid4() for _ in range(3)]
    assert window.claim("acme", [i.bytes for i in ids]) == [True] * 3
    assert window.claim("acme", ids) == [False] * 3
    window.release("acme", ids[:1])
    assert window.claim("acme", [ids[0].bytes]) == [True]


def test_an_id_twice_in_one_request_is_new_once_and_raw_bytes_match_uuids():
    window = IdempotencyWindow(max_ids=1000, max_age_s=3600)
    seen, repeated, new = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    window.claim("acme", [seen.bytes])
    assert window.claim("acme", [repeated.bytes, seen.bytes, repeated.bytes, new.bytes]) == [True, False, False, True]
    assert window.claim("acme", [repeated, new]) == [False, False]  # a UUID and its 16 bytes are one id
    assert window.claim("acme", (i for i in [uuid.uuid4().bytes])) == [True]  # any iterable


def test_the_garbage_collector_never_walks_the_ids():
    # A full collection traverses every tracked container. The window holds up to
    # 500,000 ids in the event loop's process: held in sets (always tracked), each
    # full collection under load stalled every request for 20-50 ms.
    window = IdempotencyWindow(max_ids=200_000, max_age_s=3600)
    for _ in range(1_500):
        window.claim("acme", [uuid.uuid4().bytes for _ in range(100)])
    window.claim("acme", [uuid.uuid4().bytes] * 2)  # the slow path, an id twice in one request
    window.remember([("acme", uuid.uuid4())])
    window.release("acme", [uuid.uuid4()])
    assert len(window) > 100_000
    # Only the window's own containers: other tests' modules keep large frozensets of words.
    held = [v for v in vars(window).values() if isinstance(v, (set, frozenset, dict)) and len(v) >= 50_000]
    assert held, "the ids were not found where the window keeps them"
    assert not [o for o in held if gc.is_tracked(o)]
