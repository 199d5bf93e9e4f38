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

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "error_logs.jsonl"
# Real error texts pasted by users into public issue trackers, one file per ecosystem (test data only).
REAL_TEXTS = HERE / "real"
HELDOUT_NAMES = HERE / "heldout_names.jsonl"
PII_LABELS = ("PERSON", "USER_PATH", "KRA_PIN", "PHONE", "MPESA_TILL", "MPESA_CODE", "NATIONAL_ID", "EMAIL",
              "CREDIT_CARD", "IBAN", "BANK_ACCOUNT", "IP_ADDRESS", "SECRET", "USER_VALUE", "AMOUNT", "PRODUCT",
              "PAN", "GSTIN", "UPI_ID")  # fmt: skip
KEEP_KINDS = ("EXCEPTION", "METHOD", "FILE_LINE", "ERROR_CODE", "VERSION", "DURATION", "MODULE",
              "LOCAL_ADDRESS", "PORT", "HTTP_ROUTE", "HEX")  # fmt: skip
Spans = list[tuple[int, int, str]]


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_real_texts(folder: Path = REAL_TEXTS) -> list[dict]:
    """Every record of every ``*.jsonl`` file under ``folder``, in file-name order."""
    return [record for path in sorted(folder.glob("*.jsonl")) for record in load_corpus(path)]


def check_record(record: dict) -> list[str]:
    """What is wrong with a labelled record (empty when it is well formed)."""
    problems = []
    text = record.get("text")
    if not isinstance(text, str) or not text:
        return ["no text"]
    spans = []
    for key, kinds, field in (("pii", PII_LABELS, "label"), ("keep", KEEP_KINDS, "kind")):
        for span in record.get(key, []):
            start, end, kind = span.get("start"), span.get("end"), span.get(field)
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                problems.append(f"{key} span {start}..{end} out of bounds")
                continue
            if kind not in kinds:
                problems.append(f"{key} kind {kind!r} unknown")
            if text[start:end] != text[start:end].strip():
                problems.append(f"{key} span {start}..{end} has surrounding whitespace")
            spans.append((start, end, key))
    spans.sort()
    for (s1, e1, k1), (s2, e2, k2) in zip(spans, spans[1:]):
        if s2 < e1:
            problems.append(f"{k1} span {s1}..{e1} overlaps {k2} span {s2}..{e2}")
    return problems


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
        "keep_survival_all": sum(kept.values()) / max(1, sum(keep_total.values())),
        "over_redaction": non_pii_removed / max(1, non_pii_chars),
        "dropped": dropped,
    }
