"""The garbage collector during a start-up.

Loading the extractor makes some millions of objects that live as long as the process
(the actor dictionary, the spaCy pipelines, the phrase matchers). With the default
thresholds the collector runs every 700 new objects and, every hundred runs or so,
walks the whole heap again: about a fifth of the construction's time. Nothing made
then is garbage worth the walk, so while loading it runs rarely.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LOADING_THRESHOLD = 100_000  # new objects between two young collections while loading


@contextmanager
def loading() -> Iterator[None]:
    """Collections every LOADING_THRESHOLD new objects instead of 700 inside the block;
    the thresholds as they were afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(LOADING_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
