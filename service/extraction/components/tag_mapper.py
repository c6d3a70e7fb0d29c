"""A spaCy component: coarse POS (and morphology) from the tagger's fine tags.

The model's ``attribute_ruler`` does this with a token Matcher over ~180 patterns, which
costs as much as the tagger itself. Its one-token rules (a tag, or a word with a tag) are
looked up here in dictionaries instead; its few rules that read the dependency parse or
several tokens are rare contractions in news text and are left out.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

Attrs = dict[str, Any]


def _values(value: Any) -> list[str]:
    """A pattern value: a string, or ``{"IN": [...]}``."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return list(value["IN"])
    return []


class TagMapper:
    def __init__(self, patterns: list[dict[str, Any]]) -> None:
        self.by_tag: dict[str, Attrs] = {}
        self.by_word: dict[tuple[str, str], Attrs] = {}
        for rule in patterns:
            tokens = rule["patterns"][0]
            if len(rule["patterns"]) != 1 or len(tokens) != 1:
                continue
            keys = set(tokens[0])
            if keys == {"TAG"} and isinstance(tokens[0]["TAG"], str):
                self.by_tag[tokens[0]["TAG"]] = rule["attrs"]
            elif keys == {"TAG", "LOWER"}:
                for word in _values(tokens[0]["LOWER"]):
                    for tag in _values(tokens[0]["TAG"]):
                        key = (word, tag)
                        self.by_word[key] = {**self.by_word.get(key, {}), **rule["attrs"]}

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            attrs = self.by_tag.get(token.tag_)
            if attrs is not None:
                self._apply(token, attrs)
            word = self.by_word.get((token.lower_, token.tag_))
            if word is not None:
                self._apply(token, word)
        return doc

    @staticmethod
    def _apply(token: Any, attrs: Attrs) -> None:
        if "POS" in attrs:
            token.pos_ = attrs["POS"]
        if "MORPH" in attrs:
            token.set_morph(attrs["MORPH"] if attrs["MORPH"] != "_" else None)
        if "LEMMA" in attrs:
            token.lemma_ = attrs["LEMMA"]


def replace_attribute_ruler(nlp: Language) -> None:
    """Swap the model's attribute ruler for the dictionary lookup (same rules)."""
    ruler: Any = nlp.get_pipe("attribute_ruler")
    patterns = ruler.patterns
    nlp.replace_pipe("attribute_ruler", "tag_mapper", config={"patterns": patterns})


@Language.factory("tag_mapper", default_config={"patterns": []})
def make_tag_mapper(nlp: Language, name: str, patterns: list[dict[str, Any]]) -> TagMapper:
    return TagMapper(patterns)
