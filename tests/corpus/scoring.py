"""How a scrubber is judged on the labelled corpus: one definition for the tests and the bench.

A PII span is found only if every one of its characters ends up inside a
replaced span (no character of the value survives); a span not found is a
leak. A ``keep`` span (a technical token) survives only if none of its
characters is replaced. Over-redaction is the share of characters outside every
PII span that are replaced. A dropped text (``None``) loses every character.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "error_logs.jsonl"
PII_LABELS = ("PERSON", "USER_PATH", "KRA_PIN", "PHONE", "MPESA_TILL", "MPESA_CODE", "NATIONAL_ID", "EMAIL",
              "CREDIT_CARD", "IBAN", "BANK_ACCOUNT", "IP_ADDRESS", "SECRET", "USER_VALUE")  # fmt: skip
KEEP_KINDS = ("EXCEPTION", "METHOD", "FILE_LINE", "ERROR_CODE", "VERSION", "DURATION", "MODULE")
Spans = list[tuple[int, int, str]]


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def replaced_chars(text: str, spans: Spans | None) -> bytearray:
    """1 for every character of ``text`` that does not survive (a dropped text loses all)."""
    if spans is None:
        return bytearray(b"\x01" * len(text))
    mask = bytearray(len(text))
    for start, end, _ in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def score(records: list[dict], spans_per_text: list[Spans | None]) -> dict:
    found, total, kept, keep_total = Counter(), Counter(), Counter(), Counter()
    leaked_ids: dict[str, list[str]] = {}
    non_pii_chars = non_pii_removed = dropped = 0
    for record, spans in zip(records, spans_per_text):
        text = record["text"]
        dropped += spans is None
        mask = replaced_chars(text, spans)
        pii_mask = bytearray(len(text))
        for span in record["pii"]:
            start, end, label = span["start"], span["end"], span["label"]
            pii_mask[start:end] = b"\x01" * (end - start)
            total[label] += 1
            if all(mask[start:end]):
                found[label] += 1
            else:
                leaked_ids.setdefault(label, []).append(record["id"])
        for span in record["keep"]:
            keep_total[span["kind"]] += 1
            kept[span["kind"]] += not any(mask[span["start"] : span["end"]])
        non_pii_chars += len(text) - sum(pii_mask)
        non_pii_removed += sum(m for m, p in zip(mask, pii_mask) if not p)
    return {
        "found": found,
        "total": total,
        "kept": kept,
        "keep_total": keep_total,
        "leaked_ids": leaked_ids,
        "recall": {label: found[label] / total[label] for label in PII_LABELS if total[label]},
        "leaks": {label: len(leaked_ids.get(label, [])) for label in PII_LABELS if total[label]},
        "recall_all": sum(found.values()) / sum(total.values()),
        "keep_survival": {kind: kept[kind] / keep_total[kind] for kind in KEEP_KINDS if keep_total[kind]},
        "keep_survival_all": sum(kept.values()) / sum(keep_total.values()),
        "over_redaction": non_pii_removed / non_pii_chars,
        "dropped": dropped,
    }
