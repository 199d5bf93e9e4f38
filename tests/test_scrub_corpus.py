"""The scrubber holds the line on the labelled error-log corpus (tests/corpus/error_logs.jsonl).

A PII span counts as found only if every character of it is replaced; a keep
span (exception, method, file:line, error code, version, duration, module)
survives only if none of its characters is. bench/scrub_eval.py prints the same
numbers per label next to plain Presidio's.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scrubbers import TenantPolicy, TextScrubber

CORPUS = Path(__file__).resolve().parent / "corpus" / "error_logs.jsonl"
ZERO_LEAK_LABELS = ("KRA_PIN", "PHONE", "EMAIL", "CREDIT_CARD", "SECRET", "MPESA_CODE")


@pytest.fixture(scope="module")
def judged() -> dict:
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    scrubber = TextScrubber()
    spans_per_text = scrubber.replacements_many([r["text"] for r in records], TenantPolicy())
    found, total, kept, keep_total = Counter(), Counter(), Counter(), Counter()
    leaked: dict[str, list[str]] = {}
    non_pii = non_pii_removed = dropped = 0
    for record, spans in zip(records, spans_per_text):
        text = record["text"]
        dropped += spans is None
        replaced = bytearray(b"\x01" * len(text)) if spans is None else bytearray(len(text))
        for start, end, _ in spans or ():
            replaced[start:end] = b"\x01" * (end - start)
        in_pii = bytearray(len(text))
        for span in record["pii"]:
            start, end, label = span["start"], span["end"], span["label"]
            in_pii[start:end] = b"\x01" * (end - start)
            total[label] += 1
            if all(replaced[start:end]):
                found[label] += 1
            else:
                leaked.setdefault(label, []).append(record["id"])
        for span in record["keep"]:
            keep_total[span["kind"]] += 1
            kept[span["kind"]] += not any(replaced[span["start"] : span["end"]])
        non_pii += len(text) - sum(in_pii)
        non_pii_removed += sum(r for r, p in zip(replaced, in_pii) if not p)
    return {
        "found": found, "total": total, "leaked": leaked, "kept": kept, "keep_total": keep_total,
        "over_redaction": non_pii_removed / non_pii, "dropped": dropped,
    }  # fmt: skip


@pytest.mark.parametrize("label", ZERO_LEAK_LABELS)
def test_no_value_of_a_zero_leak_label_survives(judged, label):
    assert judged["total"][label] > 0
    assert judged["leaked"].get(label, []) == []


def test_person_recall_is_at_least_97_percent(judged):
    assert judged["found"]["PERSON"] / judged["total"]["PERSON"] >= 0.97


def test_technical_tokens_survive_at_least_98_percent(judged):
    assert sum(judged["kept"].values()) / sum(judged["keep_total"].values()) >= 0.98


@pytest.mark.parametrize("kind", ["EXCEPTION", "METHOD", "FILE_LINE", "ERROR_CODE", "VERSION", "DURATION", "MODULE"])
def test_each_kind_of_technical_token_mostly_survives(judged, kind):
    assert judged["kept"][kind] / judged["keep_total"][kind] >= 0.95


def test_over_redaction_stays_small(judged):
    assert judged["over_redaction"] <= 0.02


def test_no_corpus_text_is_dropped(judged):
    assert judged["dropped"] == 0
