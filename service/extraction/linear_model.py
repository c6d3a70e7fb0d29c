"""A trained linear model over named sparse features, read from an ``.npz`` file.

The project's trained components (``events.event_model``, ``participants.role_model``) are
logistic regressions trained by ``scripts/train_models.py`` (scikit-learn, at training time
only). What ships is plain arrays - feature names, a weight matrix, a bias, label names -
so that scoring at run time is a NumPy sum over the features an example has, with no
pickled objects and no training library.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

Output = Literal["sigmoid", "softmax"]


@dataclass(frozen=True)
class LinearModel:
    labels: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features, labels), float32
    bias: np.ndarray  # (labels,)
    output: Output  # sigmoid: one yes/no per label (multi-label); softmax: one label

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        rows = [self.index[f] for f in features if f in self.index]
        logits = self.bias + (self.weights[rows].sum(axis=0) if rows else 0.0)
        if self.output == "sigmoid":
            values = 1.0 / (1.0 + np.exp(-logits))
        else:
            shifted = np.exp(logits - logits.max())
            values = shifted / shifted.sum()
        return {label: float(v) for label, v in zip(self.labels, values, strict=True)}

    def save(self, path: Path) -> None:
        names = sorted(self.index, key=self.index.__getitem__)
        np.savez_compressed(
            path,
            features=np.array(names, dtype=object).astype(str),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            labels=np.array(self.labels),
            output=np.array(self.output),
        )

    @classmethod
    def read(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            names = [str(f) for f in data["features"]]
            output = str(data["output"])
            assert output in ("sigmoid", "softmax")
            return cls(
                labels=tuple(str(label) for label in data["labels"]),
                index={name: i for i, name in enumerate(names)},
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                output=output,  # type: ignore[arg-type]
            )


@cache
def shipped(name: str) -> LinearModel:
    """A model shipped in ``service/data/models/<name>.npz``."""
    with resources.as_file(resources.files("service.data").joinpath(f"models/{name}.npz")) as p:
        return LinearModel.read(p)
