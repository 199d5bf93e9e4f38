"""Regenerates ``scrubbers/data/swahili_words.txt``, the Swahili half of the common-word list.

wordfreq, which gives the English list, has no Swahili. The Swahili words are
simplemma's Swahili lemmas (its lemmatisation dictionary, built from Wiktionary
and other open sources) plus the ISO stop-word list, so the file derives from
two maintained packages and is not written by hand. Run
``.venv/bin/python -m scrubbers.build_swahili_words`` (needs the ``test`` extra);
``tests/test_vocabulary.py`` checks the committed file is what this produces.
"""

from __future__ import annotations

from pathlib import Path

SWAHILI_WORDS = Path(__file__).resolve().parent / "data" / "swahili_words.txt"


def swahili_words() -> list[str]:
    import stopwordsiso
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    lemmas = set(DefaultDictionaryFactory().get_dictionary("sw").values())
    words = {w.casefold() for w in lemmas | set(stopwordsiso.stopwords("sw"))}
    # Letters only, at least two: the list decides single words, never punctuation or initials.
    return sorted(w for w in words if len(w) >= 2 and w.replace("'", "").isalpha())


def main() -> None:
    header = "# Swahili common words: simplemma 2.0.0 lemmas (sw) + stopwordsiso (sw). Generated; do not edit.\n"
    SWAHILI_WORDS.write_text(header + "\n".join(swahili_words()) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
