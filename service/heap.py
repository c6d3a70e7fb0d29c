"""The garbage collector around the extractor's construction.

Loading makes a few hundred thousand container objects that live as long as the process
(the actor dictionary, the spaCy pipelines, the phrase matchers). With the default
thresholds the collector runs every 700 new objects and now and then walks the whole heap
again: a quarter of the construction's time, for hardly any garbage. So while loading it
runs rarely, and what was loaded is then frozen (``gc.freeze``): later full collections do
not walk it again, nor does the one at the process's exit, which took 0.3 s of a one-article
``extract``. The few cyclic leftovers of loading (some 2,000 objects) are frozen with it,
rather than paying 0.1 s for a full collection to find them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LOADING_THRESHOLD = 100_000  # new objects between two young collections while loading


@contextmanager
def loading() -> Iterator[None]:
    """Young collections every LOADING_THRESHOLD new objects instead of 700 inside the
    block; afterwards the thresholds as they were, and every object alive frozen."""
    thresholds = gc.get_threshold()
    gc.set_threshold(LOADING_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.freeze()
