"""The scrubber replaces person names it has never seen (tests/corpus/heldout_names.jsonl).

The names are held out by token (tests/corpus/heldout_names.md): every evaluated
token has sha256 parity 1 and is no word of any .py/.txt file under scrubbers/.
The scrubber's lists may grow only with parity-0 tokens; the second test checks
that the split still holds. scrubbers/ is read here as plain text, nothing more.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import regex

from scrubbers import TenantPolicy, TextScrubber
from tests.corpus.scoring import HELDOUT_NAMES, load_corpus, score

SCRUBBERS = Path(__file__).resolve().parent.parent / "scrubbers"
LETTER_RUN = regex.compile(r"[\p{L}\p{M}]+")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_corpus(HELDOUT_NAMES)


@pytest.fixture(scope="module")
def spans(records) -> list:
    return TextScrubber().replacements_many([r["text"] for r in records], TenantPolicy())


def _recall(records: list[dict], spans: list) -> str:
    judged = score(records, spans)
    return f"{judged['recall']['PERSON']:.3f} ({judged['found']['PERSON']}/{judged['total']['PERSON']})"


def test_person_recall_on_held_out_names_holds_its_line(records, spans):
    judged = score(records, spans)
    recall = judged["recall"]["PERSON"]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        groups[record["region"]].append(i)
        groups["common_word" if record["common_word"] else "not_common_word"].append(i)
    breakdown = "; ".join(
        f"{name} {_recall([records[i] for i in idx], [spans[i] for i in idx])}" for name, idx in groups.items()
    )
    print(f"held-out PERSON recall {recall:.3f}; {breakdown}")
    # The target is 0.97 (issue 11); 0.992 is measured, but the rules were tuned while reading this set's
    # misses, so the second blind set (test_blind_names.py) gives the honest figure. This holds the line.
    assert recall >= 0.99, (
        f"held-out PERSON recall {recall:.3f} < 0.99; {breakdown}; "
        f"first leaks: {judged['leaked_ids'].get('PERSON', [])[:10]}"
    )


def _scrubber_words() -> set[str]:
    """Every whole word (letter run) of every .py/.txt file under scrubbers/, casefolded."""
    words: set[str] = set()
    for path in sorted(SCRUBBERS.rglob("*")):
        if path.suffix in (".py", ".txt") and "__pycache__" not in path.parts:
            words |= {w.casefold() for w in LETTER_RUN.findall(path.read_text(encoding="utf-8", errors="replace"))}
    return words


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def test_no_evaluated_name_token_is_known_to_the_scrubber(records):
    assert (SCRUBBERS / "person_names.txt").is_file()
    known = _scrubber_words()
    known |= {_strip_accents(w) for w in known}
    in_scrubber, parity_zero = set(), set()
    for record in records:
        for span in record["pii"]:
            for token in record["text"][span["start"] : span["end"]].split():
                folded = token.casefold()
                runs = {run.casefold() for run in LETTER_RUN.findall(token) if len(run) >= 2}
                if int(hashlib.sha256(folded.encode()).hexdigest(), 16) % 2 != 1:
                    parity_zero.add(folded)
                for run in runs:
                    if run in known or _strip_accents(run) in known:
                        in_scrubber.add(run)
    assert not parity_zero, f"evaluated tokens of parity 0: {sorted(parity_zero)[:20]}"
    assert not in_scrubber, f"evaluated name tokens found under scrubbers/: {sorted(in_scrubber)[:20]}"
