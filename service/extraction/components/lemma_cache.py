"""A spaCy component: the model's rule lemmatizer, remembered per word and tag.

English rule lemmas depend only on the word, its coarse POS and its morphology, and here
the morphology follows from the word and its fine tag (``tag_mapper``), so a lemma worked
out once for a word, tag and POS is looked up from then on. spaCy's own cache is keyed on
the morphology too and still walks the rules' checks for every token; the lookup here
costs a fifth of that, and a word seen for the first time costs a hash lookup per rule
rather than a search of a list. The cache is bounded: a long-running worker sees new words for ever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.lang.en import English
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

CACHE_LIMIT = 200_000


class CachedLemmatizer(EnglishLemmatizer):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lemmas: dict[tuple[int, int, int], int] = {}

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> CachedLemmatizer:
        super().from_disk(path, exclude=exclude)
        # The rules test candidate forms against the word index of each POS, which the
        # model stores as lists (57,000 nouns): a linear search per test. The same words
        # as sets answer the same membership questions at once.
        index = self.lookups.get_table("lemma_index")
        for pos in list(index.keys()):
            index[pos] = frozenset(index[pos])
        return self

    def __call__(self, doc: Doc) -> Doc:
        lemmas = self.lemmas
        for token in doc:
            if token.lemma:  # set by a word rule of the tag mapper
                continue
            key = (token.orth, token.tag, token.pos)
            lemma = lemmas.get(key)
            if lemma is None:
                if len(lemmas) >= CACHE_LIMIT:
                    lemmas.clear()
                token.lemma_ = self.rule_lemmatize(token)[0]
                lemmas[key] = token.lemma
            else:
                token.lemma = lemma
        return doc


@English.factory(
    "cached_lemmatizer",
    assigns=["token.lemma"],
    default_config={"model": None, "mode": "rule", "overwrite": False, "scorer": None},
)
def make_cached_lemmatizer(
    nlp: Language,
    model: Model | None,
    name: str,
    mode: str,
    overwrite: bool,
    scorer: Callable[..., object] | None,
) -> CachedLemmatizer:
    return CachedLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
