"""Text preparation, before the parser: is the article English (``language_gate``), its
markup blanked to spaces so that offsets hold (``text_cleaner``), and which sentences are
worth parsing at all (``candidate_filter``)."""
