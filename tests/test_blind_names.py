"""Blind PERSON recall: names the scrubber's word lists never saw, in log lines nobody tuned against.

The records are held out from tuning (see ``tests/corpus/blind_names.md``); only the recall figure
below is meant to be read. Regenerate with ``.venv/bin/python tests/corpus/build_blind_names.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubbers import TenantPolicy, TextScrubber
from tests.corpus.build_blind_names import hash_odd, letter_runs, scrubber_words
from tests.corpus.scoring import load_corpus, score

BLIND_NAMES = Path(__file__).resolve().parent / "corpus" / "blind_names.jsonl"
# The target is 0.97 (issue 11). 0.829 is measured on this set, which the rules were never tuned on;
# this holds that line until the scrubber reaches the target.
MIN_PERSON_RECALL = 0.82


class _RecallLine:
    """Writes the recall just above pytest's final summary line, so it shows even when the test passes."""

    def __init__(self, text: str):
        self.text = text

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(self.text)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_corpus(BLIND_NAMES)


@pytest.fixture(scope="module")
def result(records):
    spans = TextScrubber().replacements_many([r["text"] for r in records], TenantPolicy())
    return score(records, spans)


def test_recall(result, request):
    """PERSON recall on the blind set (short name and message: the one-line summary shows the figure)."""
    recall = result["recall"]["PERSON"]
    found, total = result["found"]["PERSON"], result["total"]["PERSON"]
    line = f"blind PERSON recall {recall:.4f} ({found}/{total} spans, threshold {MIN_PERSON_RECALL})"
    if not request.config.pluginmanager.has_plugin("blind-names-recall"):
        request.config.pluginmanager.register(_RecallLine(line), "blind-names-recall")
    assert recall >= MIN_PERSON_RECALL, f"recall {recall:.4f}\n{line}"


def test_blind_split_holds(records):
    """Every evaluated name piece is on the odd side of the split and in none of the scrubbers/ word lists."""
    excluded = scrubber_words()
    bad = set()
    for record in records:
        for span in record["pii"]:
            assert span["label"] == "PERSON"
            for piece in letter_runs(record["text"][span["start"] : span["end"]]):
                if not hash_odd(piece) or piece.casefold() in excluded:
                    bad.add(record["id"])
    assert not bad, f"{len(bad)} records break the held-out split"
