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

CORPUS = Path(__file__).resolve().parent / "corpus"
# The target is 0.97 (issue 11); each threshold holds the line measured, until the scrubber reaches it.
# The first set's misses were read while writing the context rules of 2026-12-02, the second's and the
# third's while writing those of 2026-12-04, so they flatter now; the fourth was written on 2026-12-04 by
# someone who never saw the rules, and only its aggregate was read: it is the figure to believe.
BLIND_SETS = {
    "blind_names": (CORPUS / "blind_names.jsonl", 0.945),
    "blind_names_2": (CORPUS / "blind_names_2.jsonl", 0.96),
    "blind_names_3": (CORPUS / "blind_names_3.jsonl", 0.935),
    "blind_names_4": (CORPUS / "blind_names_4.jsonl", 0.925),
}


class _RecallLine:
    """Writes the recall just above pytest's final summary line, so it shows even when the test passes."""

    def __init__(self, text: str):
        self.text = text

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(self.text)


@pytest.fixture(scope="module")
def text_scrubber() -> TextScrubber:
    return TextScrubber()


@pytest.fixture(scope="module", params=list(BLIND_SETS))
def blind_set(request) -> tuple[str, list[dict], float]:
    path, threshold = BLIND_SETS[request.param]
    return request.param, load_corpus(path), threshold


def test_recall(blind_set, text_scrubber, request):
    """PERSON recall on each blind set (short name and message: the one-line summary shows the figure)."""
    name, records, threshold = blind_set
    result = score(records, text_scrubber.replacements_many([r["text"] for r in records], TenantPolicy()))
    recall = result["recall"]["PERSON"]
    found, total = result["found"]["PERSON"], result["total"]["PERSON"]
    line = f"{name}: PERSON recall {recall:.4f} ({found}/{total} spans, threshold {threshold})"
    plugin = f"recall-{name}"
    if not request.config.pluginmanager.has_plugin(plugin):
        request.config.pluginmanager.register(_RecallLine(line), plugin)
    assert recall >= threshold, f"recall {recall:.4f}\n{line}"


def test_blind_split_holds(blind_set):
    """Every evaluated name piece is on the odd side of the split and in none of the scrubbers/ word lists."""
    _, records, _ = blind_set
    excluded = scrubber_words()
    bad = set()
    for record in records:
        for span in record["pii"]:
            assert span["label"] == "PERSON"
            for piece in letter_runs(record["text"][span["start"] : span["end"]]):
                if not hash_odd(piece) or piece.casefold() in excluded:
                    bad.add(record["id"])
    assert not bad, f"{len(bad)} records break the held-out split"
