"""Float32 constants for the cells, rounded once from float64 at construction."""
import math

import numpy as np
from mindspore import Tensor

__all__ = ["f32", "half_pi_over"]


def f32(value: float) -> Tensor:
    """A float32 scalar constant tensor."""
    return Tensor(np.float32(value))


def half_pi_over(length: float) -> Tensor:
    """``pi / (2 * length)`` rounded once to float32, the phase scale of a half-cosine over ``length`` steps."""
    return f32(math.pi / (2.0 * length))
