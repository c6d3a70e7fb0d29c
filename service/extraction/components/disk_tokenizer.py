"""A tokenizer factory for the pipelines loaded from disk: an empty tokenizer, which
loading then fills with the pipeline's own rules, affixes and special cases.

With the language's default factory spaCy first builds English's tokenizer (2,700 special
cases, and a lexeme for every word in them) and then replaces all of it with the one on
disk: 60 ms per pipeline, paid for the model and again for the sentence classifier. The
tokenizer loaded is the same either way (a test compares their serializations).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry

NAME = "diplomatic_events.disk_tokenizer.v1"
# ``spacy.load(..., config=CONFIG)``: the override that selects this factory.
CONFIG: dict[str, Any] = {"nlp": {"tokenizer": {"@tokenizers": NAME}}}


@registry.tokenizers(NAME)
def make_disk_tokenizer() -> Callable[[Language], Tokenizer]:
    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return create
