"""Plain Presidio against our scrubber on the same error messages: texts per second on one core.

Plain Presidio is what a team would write first: ``AnalyzerEngine`` with its
default recognizers on the same spaCy model, then ``AnonymizerEngine``, one
call per field. Ours is ``TextScrubber.scrub_many`` in batches of 64, as the
collector calls it. Each side is warmed up on other texts first (model load
and lazy initialisation are not what we compare), and both read the same texts.

Run: ``python -m bench.presidio_baseline [--texts N]``; prints one JSON line.
"""

from __future__ import annotations

import os

# Before presidio (and tldextract) are imported: never fetch the public suffix list.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from presidio_analyzer import AnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402
from presidio_anonymizer import AnonymizerEngine  # noqa: E402

from bench.workloads import error_messages  # noqa: E402
from scrubbers import TenantPolicy, TextScrubber  # noqa: E402
from scrubbers.text import SPACY_MODEL  # noqa: E402

BATCH = 64
TEXT_SETS = ("unique_errors", "templated_errors")


def plain_presidio() -> Callable[[list[str]], None]:
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    anonymizer = AnonymizerEngine()

    def scrub(texts: list[str]) -> None:
        for text in texts:
            anonymizer.anonymize(text=text, analyzer_results=analyzer.analyze(text=text, language="en"))

    return scrub


def ours() -> Callable[[list[str]], None]:
    scrubber, policy = TextScrubber(), TenantPolicy()

    def scrub(texts: list[str]) -> None:
        for start in range(0, len(texts), BATCH):
            scrubber.scrub_many(texts[start : start + BATCH], policy)

    return scrub


def _init_pool_worker() -> None:
    global _pool_scrubber
    _pool_scrubber = TextScrubber()


def _pool_scrub(texts: list[str]) -> int:
    return len(_pool_scrubber.scrub_many(texts, TenantPolicy()))


def ours_worker_per_core() -> tuple[Callable[[list[str]], None], Callable[[], None]]:
    """Our scrubber as the collector runs it: one worker process per core, batches of a request's size."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 1
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_pool_worker)
    list(pool.map(_pool_scrub, [["warm up"]] * workers * 2))

    def scrub(texts: list[str]) -> None:
        list(pool.map(_pool_scrub, [texts[i : i + 10] for i in range(0, len(texts), 10)]))

    return scrub, pool.shutdown


def texts_per_s(scrub: Callable[[list[str]], None], texts: list[str]) -> float:
    started = time.perf_counter()
    scrub(texts)
    return len(texts) / (time.perf_counter() - started)


def compare(count: int) -> dict[str, dict[str, float]]:
    # First the collector's way, all cores (10 texts a call: one request's error events).
    pool_scrub, stop_pool = ours_worker_per_core()
    per_core = {}
    for text_set in TEXT_SETS:
        texts = error_messages(text_set, count, seed=11)
        per_core[text_set] = texts_per_s(pool_scrub, texts)
    stop_pool()
    # Then one core each, side by side: plain Presidio as a team would write it first, and ours.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    systems = {"presidio": plain_presidio(), "ours": ours()}
    warm_up = error_messages("unique_errors", 32, seed=999)  # other texts: no cache is filled for the measured ones
    for scrub in systems.values():
        scrub(warm_up)
    results = {}
    for text_set in TEXT_SETS:
        texts = error_messages(text_set, count, seed=7)
        rates = {name: texts_per_s(scrub, texts) for name, scrub in systems.items()}
        results[text_set] = {
            "texts": count,
            **rates,
            "ratio": rates["ours"] / rates["presidio"],
            "ours_worker_per_core": per_core[text_set],
            "ratio_worker_per_core": per_core[text_set] / rates["presidio"],
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.presidio_baseline")
    parser.add_argument("--texts", type=int, default=500, help="texts per set")
    print(json.dumps(compare(parser.parse_args().texts)), flush=True)


if __name__ == "__main__":
    main()
