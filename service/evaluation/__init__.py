"""Scoring the extractor against gold events: PLOVER GSR and the project's own test set."""
