"""A trained linear model over named sparse features, read from an ``.npz`` file.

The project's trained components (``events.event_model``, ``participants.role_model``,
``output.calibration``) are
logistic regressions trained by ``scripts/train_models.py`` (scikit-learn, at training time
only). What ships is plain arrays - feature names, a weight matrix, a bias, label names - so
that scoring at run time is a NumPy sum over the features an example has, with no pickled
objects and no training library.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
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


SHIPPED = Path(__file__).resolve().parent.parent / "data" / "models"


@dataclass(frozen=True)
class TrainedModels:
    """The coder's trained linear models, read from one folder (``SHIPPED`` by default,
    where ``scripts/train_models.py`` writes them)."""

    event_detector: LinearModel
    role_model: LinearModel
    calibration: LinearModel | None  # None when the coder runs uncalibrated
    trigger_words: tuple[str, ...]  # lemmas annotated as triggers in training (the filter's)

    @staticmethod
    def path(folder: Path, name: str) -> Path:
        return folder / f"{name}.npz"

    @staticmethod
    def words_path(folder: Path) -> Path:
        return folder / "trigger_words.json"

    @classmethod
    def read(cls, folder: Path = SHIPPED, calibrated: bool = True) -> TrainedModels:
        return cls(
            trigger_words=tuple(json.loads(cls.words_path(folder).read_text(encoding="utf-8"))),
            event_detector=LinearModel.read(cls.path(folder, "event_detector")),
            role_model=LinearModel.read(cls.path(folder, "role_model")),
            calibration=LinearModel.read(cls.path(folder, "calibration")) if calibrated else None,
        )
