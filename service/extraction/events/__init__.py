"""Event typing and modality: triggers with CAMEO codes and PLOVER types
(``event_classifier``), the sentence's own reading (``sentence_classifier``), PLOVER mode
and context (``event_mode``), modality and statements of intent (``modality``,
``intent``), and the event's date (``event_date``)."""
