"""Products and prescriptions: what a shop sold or a pharmacy dispensed.

Two signs mark a product in an error text, and the rule needs one of them:

- a drug name, from the drug dictionary of the ``drug-named-entity-recognition``
  package (generic and brand names from MeSH, DrugBank, Wikipedia and the NHS;
  shipped with the package, read offline), optionally followed by a dose and a
  form: ``Amoxicillin 500mg capsules``, ``Panadol``, ``augmentin``;
- a quantity with a pack or dose unit (``500ml``, ``5kg``, ``100 bags``,
  ``2 x 20 tabs``) after one to four words that are not function words:
  ``Dettol 500ml``, ``Pishori rice 5kg``, ``Ketepa Pride 100 bags``.

The whole name with its dose is replaced, so neither the brand nor the strength
survives. Drug names that are also common English words (``salt``, ``iron``,
``oxygen``) need a dose or a form after them. Score 0.6.
"""

from __future__ import annotations

import bz2
import functools
import importlib.util
import pickle
from pathlib import Path

import regex

from scrubbers.recognizers._regex import RegexRecognizer

_UNIT = (
    r"(?:mg|mcg|µg|ug|g|gm|kg|ml|mls|l|ltr|litres?|liters?|cl|iu|%|tabs?|tablets?|caps?|capsules?|sachets?|bags|"
    r"pcs|pieces|pack|packs|pkt|bottles?|tins?|cans?|rolls|x\s?\d+\s?(?:mg|ml|g|tabs?))"
)
DOSE = r"\d+(?:[.,]\d+)?\s?" + _UNIT + r"(?![\w])(?:\s?/\s?\d+(?:[.,]\d+)?\s?" + _UNIT + r")?"
_FORM = r"(?:\s+(?:tablets?|tabs?|capsules?|caps?|syrup|suspension|cream|ointment|gel|drops|injection|inhaler|sachets?|lozenges?))?"
_WORD = r"[^\W\d_][\w'’&+-]*"
# Words that end a product name when read backwards from its dose.
_NOT_PRODUCT = frozenset(
    """a an the of for to on in at by with and or is was are be not no item items product products sku qty
    quantity stock order line dispense dispensed dispensing sold sell sale add added remove removed price
    failed error invalid unknown missing required out low only per each x""".split()
)
# A percentage is a strength only after a drug name ("Hydrocortisone 1% cream"); after other words it is a
# share or a limit ("Discount exceeds 30% of the total"), so the words-then-dose rule leaves it.
WORDS_THEN_DOSE = regex.compile(r"(?P<words>(?:" + _WORD + r"\s){1,4})(?P<dose>(?!\d+(?:[.,]\d+)?\s?%)" + DOSE + _FORM + r")")
_DRUG_FILE = "drug_ner_dictionary.pkl.bz2"
_WORDS_OF = regex.compile(r"[^\W\d_]{4,}")


@functools.lru_cache(maxsize=1)
def drug_names() -> frozenset[str]:
    """Single-word drug names of the package's dictionary, case-folded."""
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or spec.origin is None:
        raise RuntimeError("the drug-named-entity-recognition package is not installed")
    with bz2.open(Path(spec.origin).parent / _DRUG_FILE, "rb") as fh:
        variants = pickle.load(fh)["drug_variant_to_canonical"]  # noqa: S301 - a file shipped inside a pinned package
    return frozenset(name for name in variants if name.isalpha() and len(name) >= 4)


class ProductRecognizer(RegexRecognizer):
    def __init__(self, is_common_word=None):
        super().__init__("PRODUCT", [], score=0.6)
        self._drugs = drug_names()
        self._is_common = is_common_word or (lambda word: False)
        self._drug_then_dose = regex.compile(r"(?i)(?<![\w.])(?P<value>" + _WORD + r")(?P<dose>\s" + DOSE + _FORM + r")?")
        # Only as a gate: a dose starts where a number does ("(?<!\d)"), which spares trying every digit.
        self._dose = regex.compile(r"(?i)(?<!\d)" + DOSE)

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = []
        if self._dose.search(text, timeout=self.budget.remaining()):
            for match in WORDS_THEN_DOSE.finditer(text, timeout=self.budget.remaining()):
                words = list(regex.finditer(_WORD, match.group("words")))
                offset = match.start("words")
                start = None
                for word in reversed(words):  # read back from the dose to the first function word
                    if word.group().casefold() in _NOT_PRODUCT:
                        break
                    start = offset + word.start()
                if start is not None:
                    found.append((start, match.end("dose")))
        # Most texts name no drug: one set intersection over the words spares the word-by-word pattern.
        if self._drugs.isdisjoint(_WORDS_OF.findall(text.casefold())):
            return found
        for match in self._drug_then_dose.finditer(text, timeout=self.budget.remaining()):
            name = match.group("value").casefold()
            if name in self._drugs and (match.group("dose") or not self._is_common(name)):
                found.append((match.start("value"), match.end()))
        return found
