"""Scrubbing quality and speed on the labelled error-log corpus: ours against plain Presidio.

Run: ``.venv/bin/python bench/scrub_eval.py`` (add ``--json`` for machine-readable output).

Both systems are judged by the character spans they replace in each text:

- recall per PII label: a labelled span is found only if every one of its
  characters ends up inside a replaced span (no character of the value
  survives); a span that is not found is a leak;
- technical-token survival: a ``keep`` span survives if none of its characters
  is replaced, i.e. its exact text is still there, in place;
- over-redaction: the fraction of characters outside every PII span that are
  replaced;
- throughput on one core: unique texts per second with cold caches, and texts
  per second on the same messages again with every digit changed (a repeated
  error with new ids, amounts and times).

Plain Presidio is ``AnalyzerEngine`` with its default recognizers and the same
spaCy model, every found span replaced by ``<ENTITY>``. Nothing here touches
the network: the e-mail recognizer's suffix-list download is switched off
before Presidio is imported, and the spaCy model is installed.
"""

from __future__ import annotations

import os

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # before presidio/tldextract are imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from presidio_analyzer import AnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402

from scrubbers import TenantPolicy, TextScrubber  # noqa: E402
from scrubbers.text import SPACY_MODEL  # noqa: E402

from tests.corpus.scoring import CORPUS, Spans, load_corpus, score  # noqa: E402


def redigit(text: str, rng: random.Random) -> str:
    """The same message with every digit changed, as a repeated error with new numbers."""
    return "".join(str((int(c) + rng.randint(1, 9)) % 10) if c.isdigit() else c for c in text)


def merge(spans: Spans) -> Spans:
    out: list[list] = []
    for start, end, entity in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end, entity])
    return [tuple(s) for s in out]


def timed(fn: Callable[[list[str]], list], texts: list[str], batch: int) -> tuple[list, float]:
    out: list = []
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        out.extend(fn(texts[i : i + batch]))
    return out, len(texts) / (time.perf_counter() - started)


def ours(batch: int) -> dict:
    scrubber = TextScrubber()
    policy = TenantPolicy()
    run = lambda texts: scrubber.replacements_many(texts, policy)  # noqa: E731
    run(["warm-up: customer Wanjiru Kamau, phone 0712 345 678"])
    return {"name": "ours", "run": run, "scrubber": scrubber, "policy": policy}


def plain_presidio(batch: int) -> dict:
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def run(texts: list[str]) -> list[Spans]:
        return [merge([(r.start, r.end, r.entity_type) for r in analyzer.analyze(t, language="en")]) for t in texts]

    run(["warm-up: customer Wanjiru Kamau, phone 0712 345 678"])
    return {"name": "presidio", "run": run}


def evaluate(system: dict, records: list[dict], batch: int) -> dict:
    texts = [r["text"] for r in records]
    spans, unique_tps = timed(system["run"], texts, batch)
    if "scrubber" in system:  # the spans are what scrub_many writes: check it once
        for text, text_spans, scrubbed in zip(texts, spans, system["scrubber"].scrub_many(texts, system["policy"])):
            assert (text_spans is None) == (scrubbed.text is None)
    rng = random.Random(7)
    repeated = [redigit(t, rng) for t in texts]
    _, repeated_tps = timed(system["run"], repeated, batch)
    result = score(records, spans)
    result.update(unique_texts_per_s=unique_tps, repeated_texts_per_s=repeated_tps)
    if "scrubber" in system:
        result["ner_texts_run"] = system["scrubber"].ner_texts_run
    return result


def person_recall_on_unseen_names(records: list[dict]) -> float:
    """PERSON recall when the gazetteer is stripped of every name the corpus generator draws from.

    The gazetteer lists common names, so it overlaps the corpus's names almost
    entirely; this shows what NER, the role and key rules and the remaining
    gazetteer achieve on names they have never seen.
    """
    import importlib.util

    import scrubbers.recognizers.person_gazetteer as gazetteer

    spec = importlib.util.spec_from_file_location("build_corpus", CORPUS.parent / "build_corpus.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    corpus_names = {n.casefold() for names in (*generator.FIRST.values(), *generator.LAST.values()) for n in names}
    first, last, common = gazetteer.load_names()
    original = gazetteer.load_names
    gazetteer.load_names = lambda path=None: (first - corpus_names, last - corpus_names, common)
    try:
        spans = TextScrubber().replacements_many([r["text"] for r in records], TenantPolicy())
    finally:
        gazetteer.load_names = original
    return score(records, spans)["recall"]["PERSON"]


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def table(results: dict[str, dict]) -> str:
    a, b = results["ours"], results["presidio"]
    rows = ["| metric | ours | plain Presidio |", "|---|---:|---:|"]
    for label in a["recall"]:
        rows.append(f"| recall {label} (leaks) | {a['recall'][label]:.3f} ({a['leaks'][label]}) "
                    f"| {b['recall'][label]:.3f} ({b['leaks'][label]}) |")
    rows.append(f"| recall, all PII spans | {a['recall_all']:.3f} | {b['recall_all']:.3f} |")
    for kind in a["keep_survival"]:
        rows.append(f"| survival {kind} | {a['keep_survival'][kind]:.3f} | {b['keep_survival'][kind]:.3f} |")
    rows.append(f"| technical-token survival, all | {a['keep_survival_all']:.3f} | {b['keep_survival_all']:.3f} |")
    rows.append(f"| over-redaction (non-PII chars removed) | {a['over_redaction']:.4f} | {b['over_redaction']:.4f} |")
    rows.append(f"| texts dropped (fail closed) | {a['dropped']} | {b['dropped']} |")
    rows.append(f"| unique texts/s, one core | {a['unique_texts_per_s']:.0f} | {b['unique_texts_per_s']:.0f} |")
    rows.append(f"| repeated-message texts/s | {a['repeated_texts_per_s']:.0f} | {b['repeated_texts_per_s']:.0f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--batch", type=int, default=64, help="texts per scrub_many call (the collector's batch)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pin_one_core()
    records = load_corpus(args.corpus)
    results = {}
    for make in (ours, plain_presidio):
        system = make(args.batch)
        results[system["name"]] = evaluate(system, records, args.batch)
    results["ours"]["person_recall_unseen_names"] = person_recall_on_unseen_names(records)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"corpus: {args.corpus.relative_to(ROOT)} ({len(records)} texts)\n")
    print(table(results))
    print(f"\nPERSON recall of ours with the corpus's names removed from the gazetteer (unseen names): "
          f"{results['ours']['person_recall_unseen_names']:.3f}")
    print(f"NER runs for ours: {results['ours']['ner_texts_run']} texts "
          f"(unique + repeated = {2 * len(records)} scrubbed)")


if __name__ == "__main__":
    main()
