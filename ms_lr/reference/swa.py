"""Reference of torch's SWALR."""

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["swa_anneal"]


def swa_anneal(steps: ArrayLike, base_lr: float, swa_lr: float, anneal_epochs: int, anneal_strategy: str) -> np.ndarray:
    """torch SWALR: alpha = anneal(clip(k / max(1, A), 0, 1)), lr = swa_lr * alpha + base_lr * (1 - alpha)."""
    k = steps_of(steps)
    if anneal_epochs == 0:
        k = np.maximum(k, 1)
    t = np.clip(k / max(1, anneal_epochs), 0.0, 1.0)
    alpha = (1 - np.cos(np.pi * t)) / 2 if anneal_strategy == "cos" else t
    return swa_lr * alpha + base_lr * (1 - alpha)
