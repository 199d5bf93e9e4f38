"""The peer adapters of bench/scrub_eval.py report the spans each peer really replaces.

Each adapter turns a peer's output into replaced character ranges of the
original text; these cases have a known answer for that peer, so a wrong span
derivation (offsets, byte/character mix-ups, replacement tokens that happen to
share characters with the value) shows here rather than as a skewed benchmark.
"""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # no suffix-list download, ever

import pytest

from bench import peers


def values(text: str, spans) -> list[str]:
    return [text[start:end] for start, end, _ in spans]


# --- scrubadub ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scrubadub_run():
    return peers.scrubadub_default()


def test_scrubadub_replaces_an_email_address_fully(scrubadub_run):
    text = "Refund for john@example.com failed with code 402"
    assert scrubadub_run([text]) == [[(11, 27, "email")]]


def test_scrubadub_reads_word_at_file_as_an_address(scrubadub_run):
    # its e-mail pattern also takes the spelled-out "name at domain.tld" form
    text = "ValueError at refunds.py:42"
    assert scrubadub_run([text]) == [[(0, 24, "email")]]


@pytest.mark.filterwarnings("ignore:Filth.replace_with:DeprecationWarning")
def test_scrubadub_spans_are_what_its_clean_replaces(scrubadub_run):
    scrubber = scrubadub_run.scrubber
    texts = [
        "Call me on +1 415-555-0132 or mail jane.doe@example.org",
        "café ☕ order 7 for mary@example.com",
        "KnexTimeoutError: Knex: Timeout acquiring a connection (after 11s)",
    ]
    for text, spans in zip(texts, scrubadub_run(texts)):
        rebuilt, last = [], 0
        for start, end, label in spans:
            rebuilt += [text[last:start], "{{" + label.upper() + "}}"]
            last = end
        assert "".join(rebuilt + [text[last:]]) == scrubber.clean(text)
    assert scrubadub_run(texts[2:]) == [[]]


# --- Sentry Relay, strongest built-in rules -------------------------------------------------------


@pytest.fixture(scope="module")
def relay_strongest_run():
    return peers.relay_strongest()


def test_relay_strongest_replaces_an_email_and_a_card_number(relay_strongest_run):
    text = "user john@example.com paid with 4111 1111 1111 1111 today"
    assert relay_strongest_run([text]) == [[(5, 21, "email"), (32, 51, "creditcard")]]


def test_relay_strongest_offsets_survive_non_ascii_text(relay_strongest_run):
    # Relay's remarks are UTF-8 byte offsets into the scrubbed value
    text = "café ☕ 日本 😀 mail john@example.com from 10.1.2.3 end"
    [spans] = relay_strongest_run([text])
    assert values(text, spans) == ["john@example.com", "10.1.2.3"]


def test_relay_strongest_masks_keep_their_place(relay_strongest_run):
    text = "device 00:1B:44:11:3A:B7 session 123e4567-e89b-12d3-a456-426614174000 closed"
    [spans] = relay_strongest_run([text])
    assert [(value, label) for value, (_, _, label) in zip(values(text, spans), spans)] == [
        ("00:1B:44:11:3A:B7", "mac"),
        ("123e4567-e89b-12d3-a456-426614174000", "uuid"),
    ]


def test_relay_strongest_bearer_keeps_the_word_bearer(relay_strongest_run):
    # Relay writes "Bearer [token]" over "Bearer <token>": only the token is replaced
    text = "upstream said Bearer abc.def.ghi is invalid"
    assert relay_strongest_run([text]) == [[(21, 32, "bearer")]]


def test_relay_strongest_removes_a_value_that_mentions_a_password_word(relay_strongest_run):
    # @password matches its key pattern (password, secret, auth, token, ...) against the value too
    assert relay_strongest_run(["auth token expired for order 42", "order 42 not found"]) == [None, []]


def test_relay_strongest_rules_all_exist(relay_strongest_run):
    # validate_pii_config accepts unknown names; the adapter checks every rule changes its sample
    for rule in peers.RELAY_STRONGEST_RULES:
        sample = peers.RELAY_RULE_SAMPLES[rule]
        assert peers._relay_strip({"applications": {"**": [rule]}}, sample)[0] != sample, rule
    assert peers._relay_strip({"applications": {"**": ["@no_such_rule"]}}, "mail john@example.com")[0] == (
        "mail john@example.com"
    )


# --- Sentry Relay, Sentry's default data scrubbing ------------------------------------------------


def test_relay_default_leaves_an_exception_value_untouched():
    run = peers.relay_default()
    texts = [
        "user john@example.com paid with 4111 1111 1111 1111 today",
        "password=hunter2 rejected for /home/alice/app.py",
    ]
    assert run(texts) == [[], []]
    # the same rules do scrub a field they apply to, so the empty spans are the exception value's exemption
    import sentry_relay

    event = {"extra": {"note": texts[0]}, "exception": {"values": [{"value": texts[0]}]}}
    scrubbed = sentry_relay.pii_strip_event(run.config, event)
    assert scrubbed["exception"]["values"][0]["value"] == texts[0]
    assert "4111" not in scrubbed["extra"]["note"]


# --- span derivation --------------------------------------------------------------------------------


def test_relay_spans_place_pieces_that_repeat_inside_the_value():
    # the kept piece "." also occurs inside the replaced address: the placement must still be right
    original = "x a.b@c.com. y"
    scrubbed = "x [email]. y"
    assert peers.relay_spans(original, scrubbed, [["@email", "s", 2, 9]]) == [(2, 11, "email")]
    assert peers.relay_spans(original, None, []) is None
    assert peers.relay_spans(original, original, []) == []


# --- Presidio -----------------------------------------------------------------------------------


def test_plain_presidio_replaces_a_card_number():
    run = peers.plain_presidio()
    text = "card 4111 1111 1111 1111 declined"
    [spans] = run([text])
    assert (5, 24, "CREDIT_CARD") in spans
