"""Where the neural networks' matrix products run: NumPy's OpenBLAS, on one thread.

thinc's default CPU backend multiplies with the BLIS library bundled in ``blis``; on the
machines measured (AMD EPYC, AVX-512) its kernel runs at a third of the speed of the
OpenBLAS that NumPy ships with (34 against 98 GFLOPS, single thread, float32), and the
tok2vec layers of the spaCy model and the sentence classifier are mostly such products.
``NumpyOps(use_blis=False)`` hands them to ``numpy.dot`` instead. The service scales by
processes, one per core, so each process keeps BLAS to a single thread rather than have
OpenBLAS start one thread per core in every process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import threadpoolctl
from thinc.api import use_ops

_Model = TypeVar("_Model")


def load(loader: Callable[[], _Model]) -> _Model:
    """Runs ``loader`` (``spacy.load``) so that every layer it builds multiplies with
    OpenBLAS; thinc layers keep the ops current when they were created."""
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return loader()
