"""The spaCy pipeline's own components and how it is loaded: actor names and agent words
(``actor_recognizer``, over the prebuilt ``actor_patterns``), people, dates and places
without the statistical NER (``entity_recognizer``, ``names``), coarse tags and lemmas
(``tag_mapper``, ``lemma_cache``), the tokenizer and numeric backend the model loads with
(``disk_tokenizer``, ``numeric_backend``). Each component assigns its annotations on the
Doc."""
