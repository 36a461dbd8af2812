"""Reference of the constant schedule."""
import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["fixed"]


def fixed(steps: ArrayLike, lr: float) -> np.ndarray:
    """lr at every step."""
    return np.full(steps_of(steps).shape, float(lr))
